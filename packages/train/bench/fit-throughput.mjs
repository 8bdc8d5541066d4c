// Benchmark: training throughput (samples/s) of @loom-ml/train's `fit` vs tfjs-layers'
// `model.fit`, same architecture, optimizer (Adam 1e-3), loss, batch size and backend, measured
// side by side in one run. Ratio > 1 means Loom is faster. Run after `pnpm build`:
//   pnpm --filter @loom-ml/train bench        (BENCH_EPOCHS, BENCH_MLP_SAMPLES, BENCH_CNN_SAMPLES to resize)
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { fit } from '../dist/index.js';
import { plainCnn, plainMlp } from './models.mjs';
import * as wasm from '@loom-ml/wasm';

const epochs = Number(process.env.BENCH_EPOCHS ?? 2);
const batchSize = 64;
const mlpSamples = Number(process.env.BENCH_MLP_SAMPLES ?? 2048);
const cnnSamples = Number(process.env.BENCH_CNN_SAMPLES ?? 512);

const categoricalCrossentropy = {
  name: 'categoricalCrossentropy',
  // Same formula as tfjs-layers' categoricalCrossentropy on probabilities (clip to epsilon 1e-7).
  perSample: (yTrue, yPred) => tf.tidy(() => tf.neg(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(yPred, 1e-7, 1 - 1e-7))), -1))),
};

function randomData(shape, samples) {
  const x = tf.randomUniform([samples, ...shape], 0, 1, 'float32', 11);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniform([samples], 0, 10, 'int32', 12), 10), 'float32'));
  return { x, y };
}

function tfjsMlp() {
  return tfl.sequential({ layers: [tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }), tfl.layers.dense({ units: 10, activation: 'softmax' })] });
}

function tfjsCnn() {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

async function loomRate(makeModel, data, samples) {
  const model = makeModel();
  await fit(model, data, { loss: categoricalCrossentropy, optimizer: 'adam', epochs: 1, batchSize, seed: 1 }); // warm-up
  const start = performance.now();
  await fit(model, data, { loss: categoricalCrossentropy, optimizer: 'adam', epochs, batchSize, seed: 1 });
  const rate = (samples * epochs * 1000) / (performance.now() - start);
  model.dispose();
  return rate;
}

async function tfjsRate(makeModel, data, samples) {
  const model = makeModel();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  await model.fit(data.x, data.y, { epochs: 1, batchSize, verbose: 0 }); // warm-up
  const start = performance.now();
  await model.fit(data.x, data.y, { epochs, batchSize, verbose: 0 });
  const rate = (samples * epochs * 1000) / (performance.now() - start);
  model.dispose();
  return rate;
}

async function runBackend(label) {
  const cases = [
    ['MLP 784-128-10', plainMlp, tfjsMlp, [784], mlpSamples],
    ['CNN conv8-pool-dense10', plainCnn, tfjsCnn, [28, 28, 1], cnnSamples],
  ];
  for (const [name, loomModel, tfjsModel, shape, samples] of cases) {
    const data = randomData(shape, samples);
    // Both sides get a warm-up epoch first, so kernel set-up is not timed for either.
    const tfjs = await tfjsRate(tfjsModel, data, samples);
    const loom = await loomRate(loomModel, data, samples);
    tf.dispose([data.x, data.y]);
    console.log(
      `${label.padEnd(10)} ${name.padEnd(24)} loom ${loom.toFixed(0).padStart(7)} samples/s   tfjs-layers ${tfjs.toFixed(0).padStart(7)} samples/s   ratio ${(loom / tfjs).toFixed(2)}x`,
    );
  }
}

console.log(`@loom-ml/train: fit throughput, batch ${batchSize}, ${epochs} timed epoch(s) after 1 warm-up, MNIST-shaped random data`);
console.log('Loom models are plain-op models in the Loom model shape (bench/models.mjs), same architecture and initialiser as the tfjs-layers ones.');
// Gradients for every tfjs-core kernel (the explicit registration @loom-ml/wasm offers).
wasm.registerGradients();
await tf.setBackend('cpu');
await runBackend('cpu');

if (typeof wasm.initWasm === 'function') {
  let handle;
  try {
    handle = await wasm.initWasm({ threads: 'auto', onNotice: () => undefined });
  } catch (error) {
    console.log(`loom-wasm skipped: ${error.message}`);
  }
  if (handle) {
    await runBackend(`loom-wasm`);
    await handle.dispose();
  }
} else {
  console.log('loom-wasm skipped: @loom-ml/wasm has no initWasm');
}
