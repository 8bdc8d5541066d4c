// Benchmark (issue 19): training samples/s of sequence models and of the MLP/CNN step, side by
// side in one run, in interleaved rounds (every contender timed back to back each round, the
// order rotating), on one machine:
//   - Loom fused:      @loom-ml/layers + @loom-ml/train `fit` on loom-wasm, fused kernels on
//   - Loom composite:  the same model and data with useFusedKernels(false) (per-step tfjs ops)
//   - tfjs-layers on loom-wasm, and tfjs-layers on stock tfjs-backend-wasm (same shapes; no
//     Transformer in tfjs-layers; stock wasm cannot train an Embedding: no UnsortedSegmentSum)
// (tfjs-layers' GRU has no reset_after, so it runs the reset-before variant, same cost; its
// recurrent layers use glorotUniform recurrent weights: its orthogonal initializer
// needs tfjs-core's chained ops, which this bench does not load.)
// Adam 1e-3, batch 128, random data (throughput does not depend on the values). Prints the load
// average before and after and the median per-round ratio to the composite path. Also the MLP
// step's GFLOP/s against loom-wasm's matMul peak (1024 x 1024, fresh B) measured in the run.
//   pnpm --filter @loom-ml/train bench
//   BENCH_ROUNDS (default 2), BENCH_THREADS (default 2), BENCH_MODELS=lstm,gru,transformer,mlp,cnn
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d, dense, embedding, flatten, globalAveragePooling, gru, lstm, maxPool2d, positionalEmbedding, sequential, transformerEncoder, useFusedKernels } from '@loom-ml/layers';
import { initWasm, LOOM_WASM_BACKEND } from '@loom-ml/wasm';
import { fit } from '../dist/index.js';
import { loadAverage, median } from '../../../tools/scripts/bench.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const selected = (process.env.BENCH_MODELS ?? 'lstm,gru,transformer,mlp,cnn').split(',');
const batchSize = 128;
const time = 200;
const vocabulary = 10000;
tf.env().set('IS_TEST', false);
const load = loadAverage;

const sequenceData = (samples) => ({
  x: tf.randomUniform([samples, time], 1, vocabulary, 'int32', 1),
  y: tf.cast(tf.randomUniform([samples, 1], 0, 2, 'int32', 2), 'float32'),
});
const imageData = (shape) => (samples) => ({
  x: tf.randomUniform([samples, ...shape], 0, 1, 'float32', 3),
  y: tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniform([samples], 0, 10, 'int32', 4), 10), 'float32')),
});

const models = {
  lstm: {
    label: 'Embedding(10000, 32) + LSTM(32), length 200',
    data: sequenceData,
    loss: 'binaryCrossentropy',
    loom: () => sequential([embedding({ inputDim: vocabulary, outputDim: 32 }), lstm({ units: 32 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [time] }),
    tfjs: () => tfl.sequential({ layers: [tfl.layers.embedding({ inputDim: vocabulary, outputDim: 32, inputLength: time }), tfl.layers.lstm({ units: 32, recurrentInitializer: 'glorotUniform' }), tfl.layers.dense({ units: 1, activation: 'sigmoid' })] }),
    tfjsLoss: 'binaryCrossentropy',
    samples: { fused: 1024, slow: 256 },
  },
  gru: {
    label: 'Embedding(10000, 32) + GRU(32), length 200',
    data: sequenceData,
    loss: 'binaryCrossentropy',
    loom: () => sequential([embedding({ inputDim: vocabulary, outputDim: 32 }), gru({ units: 32 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [time] }),
    tfjs: () => tfl.sequential({ layers: [tfl.layers.embedding({ inputDim: vocabulary, outputDim: 32, inputLength: time }), tfl.layers.gru({ units: 32, recurrentInitializer: 'glorotUniform' }), tfl.layers.dense({ units: 1, activation: 'sigmoid' })] }),
    tfjsLoss: 'binaryCrossentropy',
    samples: { fused: 1024, slow: 256 },
  },
  transformer: {
    label: 'Transformer encoder, 2 heads, d 32, ff 32, length 200',
    data: sequenceData,
    loss: 'binaryCrossentropy',
    loom: () =>
      sequential([positionalEmbedding({ inputDim: vocabulary, outputDim: 32, sequenceLength: time }), transformerEncoder({ numHeads: 2, feedForwardDim: 32 }), globalAveragePooling(), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [time] }),
    tfjs: null,
    samples: { fused: 512, slow: 512 },
  },
  mlp: {
    label: 'MLP 784-128-10',
    data: imageData([784]),
    loss: 'categoricalCrossentropy',
    loom: () => sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]),
    tfjs: () => tfl.sequential({ layers: [tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }), tfl.layers.dense({ units: 10, activation: 'softmax' })] }),
    tfjsLoss: 'categoricalCrossentropy',
    samples: { fused: 16384, slow: 8192 },
  },
  cnn: {
    label: 'CNN 16-64-64 conv (apps/mnist)',
    data: imageData([28, 28, 1]),
    loss: 'categoricalCrossentropy',
    loom: () =>
      sequential([
        conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }), maxPool2d({ poolSize: 2 }),
        conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), maxPool2d({ poolSize: 2 }),
        conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), flatten(), dense({ units: 64, activation: 'relu' }), dense({ units: 10, activation: 'softmax' }),
      ]),
    tfjs: () =>
      tfl.sequential({
        layers: [
          tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }), tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), tfl.layers.flatten(), tfl.layers.dense({ units: 64, activation: 'relu' }), tfl.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      }),
    tfjsLoss: 'categoricalCrossentropy',
    samples: { fused: 2048, slow: 1024 },
  },
};

/** Trains one epoch of warm-up then times `samples` samples; returns samples/s or the reason it cannot run. */
async function loomRate(spec, fused, samples) {
  await tf.setBackend(LOOM_WASM_BACKEND);
  useFusedKernels(fused);
  const data = spec.data(samples);
  const warm = { x: tf.slice(data.x, 0, batchSize), y: tf.slice(data.y, 0, batchSize) };
  const model = spec.loom();
  try {
    await fit(model, warm, { loss: spec.loss, optimizer: 'adam', batchSize, shuffle: false });
    const start = performance.now();
    await fit(model, data, { loss: spec.loss, optimizer: 'adam', batchSize, shuffle: false });
    return samples / ((performance.now() - start) / 1000);
  } finally {
    useFusedKernels(true);
    model.dispose();
    tf.dispose([data, warm]);
  }
}

async function tfjsRate(spec, backend, samples) {
  if (spec.tfjs === null) return 'no such layer in tfjs-layers';
  await tf.setBackend(backend);
  const data = spec.data(samples);
  let model;
  try {
    model = spec.tfjs();
    model.compile({ optimizer: tf.train.adam(1e-3), loss: spec.tfjsLoss });
    await model.fit(tf.slice(data.x, 0, batchSize), tf.slice(data.y, 0, batchSize), { batchSize, epochs: 1, verbose: 0 });
    const start = performance.now();
    await model.fit(data.x, data.y, { batchSize, epochs: 1, verbose: 0, shuffle: false });
    return samples / ((performance.now() - start) / 1000);
  } catch (error) {
    return `cannot: ${String(error.message ?? error).split('\n')[0].slice(0, 60)}`;
  } finally {
    model?.dispose();
    tf.dispose(data);
  }
}

function matMulPeak() {
  return tf.tidy(() => {
    const a = tf.randomNormal([1024, 1024]);
    let best = 0;
    for (let i = 0; i < 4; i++) {
      const b = tf.randomNormal([1024, 1024], 0, 1, 'float32', i);
      const start = performance.now();
      tf.matMul(a, b).dataSync();
      const seconds = (performance.now() - start) / 1000;
      if (i > 0) best = Math.max(best, (2 * 1024 ** 3) / seconds / 1e9);
    }
    return best;
  });
}

const handle = await initWasm({ threads, onNotice: () => {} });
console.log(`Sequence bench: batch ${batchSize}, Adam 1e-3, ${rounds} interleaved rounds; Node ${process.version}, ${os.cpus().length} cores, loom-wasm ${handle.threads} threads, stock wasm default`);
console.log(`load average before: ${load()}  (${new Date().toISOString()})`);
const contenders = [
  { name: 'Loom fused', run: (spec) => loomRate(spec, true, spec.samples.fused) },
  { name: 'Loom composite', run: (spec) => loomRate(spec, false, spec.samples.slow) },
  { name: 'tfjs-layers, loom-wasm', run: (spec) => tfjsRate(spec, LOOM_WASM_BACKEND, spec.samples.slow) },
  { name: 'tfjs-layers, stock wasm', run: (spec) => tfjsRate(spec, 'wasm', spec.samples.slow) },
];
const table = [];
let peak = 0;
for (const key of selected) {
  const spec = models[key];
  const results = contenders.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (k + round) % contenders.length;
      results[index].push(await contenders[index].run(spec));
    }
    if (key === 'mlp') {
      await tf.setBackend(LOOM_WASM_BACKEND);
      peak = Math.max(peak, matMulPeak());
    }
  }
  const row = { model: spec.label };
  const numeric = (list) => list.every((v) => typeof v === 'number');
  contenders.forEach((c, i) => {
    row[c.name] = numeric(results[i]) ? Math.round(median(results[i])) : results[i].find((v) => typeof v === 'string');
  });
  if (numeric(results[0]) && numeric(results[1])) row['fused / composite'] = `${median(results[0].map((v, i) => v / results[1][i])).toFixed(2)}x`;
  if (numeric(results[0]) && numeric(results[3])) row['fused / tfjs stock wasm'] = `${median(results[0].map((v, i) => v / results[3][i])).toFixed(2)}x`;
  table.push(row);
  if (key === 'mlp' && numeric(results[0])) {
    // Forward 2·B·(784·128 + 128·10) FLOPs per batch; backward adds the weight gradients and the
    // hidden layer's input gradient: 3x the forward, less the unused input gradient of layer 1.
    const flopsPerSample = 2 * (784 * 128 + 128 * 10) * 3 - 2 * 784 * 128;
    const gflops = (median(results[0]) * flopsPerSample) / 1e9;
    row['GFLOP/s (peak)'] = `${gflops.toFixed(1)} (${peak.toFixed(1)}: ${((100 * gflops) / peak).toFixed(0)}%)`;
  }
  console.log(JSON.stringify(row));
}
console.table(table);
console.log(`load average after: ${load()}`);
await handle.dispose();
