// Benchmark (issue 19, fused attention and normalisation): a Transformer encoder training step
// with Loom's fused kernels (LoomAttention, LoomLayerNorm, LoomSoftmaxCrossEntropy and their
// gradient kernels) against the same model with useFusedKernels(false) (the composite tfjs-core
// ops), side by side in interleaved rounds (the order alternating), on loom-wasm. Also each
// fused layer and the loss alone, forward + gradient, at the model's shapes. Prints the load average before and
// after; ratios are the median of the per-round ratios.
//   pnpm --filter @loom-ml/train build && node packages/train/bench/transformer-fused.mjs
//   BENCH_ROUNDS (default 3), BENCH_THREADS (default 2), BENCH_SAMPLES (default 512)
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { dense, globalAveragePooling, layerNormalization, multiHeadAttention, positionalEmbedding, sequential, transformerEncoder, useFusedKernels } from '@loom-ml/layers';
import { sparseCategoricalCrossentropy } from '@loom-ml/losses';
import { initWasm, LOOM_WASM_BACKEND } from '@loom-ml/wasm';
import { fit } from '../dist/index.js';
import { loadAverage, median } from '../../../tools/scripts/bench.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const samples = Number(process.env.BENCH_SAMPLES ?? 512);
const batchSize = 128;
const time = 200;
const vocabulary = 10000;
tf.env().set('IS_TEST', false);

const loss = sparseCategoricalCrossentropy({ fromLogits: true });
const makeModel = () =>
  sequential(
    [
      positionalEmbedding({ inputDim: vocabulary, outputDim: 32, sequenceLength: time }),
      transformerEncoder({ numHeads: 2, feedForwardDim: 32 }),
      globalAveragePooling(),
      dense({ units: 2 }),
    ],
    { inputShape: [time] },
  );

/** Training samples/s of one epoch over `samples` samples, after one warm-up batch. */
async function trainRate(fused) {
  const previous = useFusedKernels(fused);
  const x = tf.randomUniform([samples, time], 1, vocabulary, 'int32', 1);
  const y = tf.randomUniform([samples], 0, 2, 'int32', 2);
  const model = makeModel();
  try {
    await fit(model, { x: tf.slice(x, 0, batchSize), y: tf.slice(y, 0, batchSize) }, { loss, optimizer: 'adam', batchSize, shuffle: false });
    const start = performance.now();
    await fit(model, { x, y }, { loss, optimizer: 'adam', batchSize, shuffle: false });
    return samples / ((performance.now() - start) / 1000);
  } finally {
    useFusedKernels(previous);
    model.dispose();
    tf.dispose([x, y]);
  }
}

/** Milliseconds per forward + gradients of `f` (median of 5 after a warm-up). */
function opTime(fused, f, inputs) {
  const previous = useFusedKernels(fused);
  try {
    // Inputs are variables: variableGrads gives the input's gradient and every weight's, as in training.
    const once = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(f(...inputs)));
        value.dataSync();
        for (const g of Object.values(grads)) g.dataSync();
      });
    once();
    const times = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      once();
      times.push(performance.now() - start);
    }
    return median(times);
  } finally {
    useFusedKernels(previous);
  }
}

const handle = await initWasm({ threads, onNotice: () => {} });
console.log(`Transformer fused-kernel bench: encoder 2 heads, d 32, ff 32, length ${time}, batch ${batchSize}, Adam, sparse CE from logits, ${samples} samples per timing, ${rounds} interleaved rounds`);
console.log(`Node ${process.version}, ${os.cpus().length} cores, loom-wasm ${handle.threads} threads`);
console.log(`load average before: ${loadAverage()}  (${new Date().toISOString()})`);

const train = { fused: [], composite: [] };
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [true, false] : [false, true];
  for (const fused of order) train[fused ? 'fused' : 'composite'].push(await trainRate(fused));
}
const ratio = (a, b) => median(a.map((v, i) => v / b[i]));
console.log(
  `training step: fused ${Math.round(median(train.fused))} samples/s, composite ${Math.round(median(train.composite))} samples/s, fused / composite ${ratio(train.fused, train.composite).toFixed(2)}x ` +
    `(per round: ${train.fused.map((v, i) => (v / train.composite[i]).toFixed(2)).join(', ')})`,
);

// The layers and the loss alone, at the model's shapes (the attention layer includes its four
// projections, which are the same matMuls on both paths).
const attentionLayer = multiHeadAttention({ numHeads: 2, keyDim: 16 });
const normLayer = layerNormalization();
const activations = tf.variable(tf.randomNormal([batchSize, time, 32], 0, 1, 'float32', 3));
attentionLayer.apply(activations).dispose();
normLayer.apply(activations).dispose();
const logits = tf.variable(tf.randomNormal([batchSize * time, 50], 0, 1, 'float32', 4));
const labels = tf.randomUniform([batchSize * time], 0, 50, 'int32', 5);
const ops = [
  { label: `MultiHeadAttention(2 heads, keyDim 16) on [${batchSize}, ${time}, 32], forward + gradient`, f: (x) => attentionLayer.apply(x), inputs: [activations] },
  { label: `LayerNormalization on [${batchSize}, ${time}, 32], forward + gradient`, f: (x) => normLayer.apply(x), inputs: [activations] },
  { label: `sparse softmax cross-entropy from logits [${batchSize * time}, 50], forward + gradient`, f: (z) => loss.perSample(labels, z), inputs: [logits] },
];
for (const op of ops) {
  const fused = [];
  const composite = [];
  for (let round = 0; round < rounds; round++) {
    fused.push(opTime(true, op.f, op.inputs));
    composite.push(opTime(false, op.f, op.inputs));
  }
  console.log(`${op.label}: fused ${median(fused).toFixed(1)} ms, composite ${median(composite).toFixed(1)} ms, composite / fused ${ratio(composite, fused).toFixed(2)}x`);
}
tf.dispose([activations, logits, labels]);
attentionLayer.dispose();
normLayer.dispose();
console.log(`load average after: ${loadAverage()}  (${new Date().toISOString()})`);
await handle.dispose();
