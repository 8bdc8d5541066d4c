// Benchmark: training throughput (samples/s) of @loom-ml/layers models trained with
// @loom-ml/train's `fit` vs the same architecture in tfjs-layers `model.fit`: same optimizer
// (Adam 1e-3), loss, batch size, initialiser family and data, measured side by side in one run.
// Three comparisons (issue 5's targets):
//   - same backend, cpu and Loom wasm                      (target: ratio >= 1.0x)
//   - Loom on Loom wasm vs tfjs-layers on stock tfjs wasm  (target: ratio >= 2.5x)
// Ratio > 1 means Loom is faster. Run after `pnpm build`:
//   pnpm --filter @loom-ml/train bench        (BENCH_EPOCHS, BENCH_MLP_SAMPLES, BENCH_CNN_SAMPLES to resize)
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d, dense, flatten, maxPool2d, sequential } from '@loom-ml/layers';
import * as wasm from '@loom-ml/wasm';
import { fit } from '../dist/index.js';

const epochs = Number(process.env.BENCH_EPOCHS ?? 2);
const batchSize = 64;
const mlpSamples = Number(process.env.BENCH_MLP_SAMPLES ?? 4096);
const cnnSamples = Number(process.env.BENCH_CNN_SAMPLES ?? 1024);
tf.env().set('IS_TEST', false);

const categoricalCrossentropy = {
  name: 'categoricalCrossentropy',
  // Same formula as tfjs-layers' categoricalCrossentropy on probabilities (clip to epsilon 1e-7).
  perSample: (yTrue, yPred) => tf.tidy(() => tf.neg(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(yPred, 1e-7, 1 - 1e-7))), -1))),
  getConfig: () => ({}),
};

function randomData(shape, samples) {
  const x = tf.randomUniform([samples, ...shape], 0, 1, 'float32', 11);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniform([samples], 0, 10, 'int32', 12), 10), 'float32'));
  return { x, y };
}

const loomMlp = () => sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]);
const loomCnn = () =>
  sequential([
    conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    maxPool2d({ poolSize: 2 }),
    flatten(),
    dense({ units: 10, activation: 'softmax' }),
  ]);
const tfjsMlp = () => tfl.sequential({ layers: [tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }), tfl.layers.dense({ units: 10, activation: 'softmax' })] });
const tfjsCnn = () =>
  tfl.sequential({
    layers: [
      tfl.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });

const cases = [
  { name: 'MLP 784-128-10', loom: loomMlp, tfjs: tfjsMlp, shape: [784], samples: mlpSamples },
  { name: 'CNN conv8-pool-dense10', loom: loomCnn, tfjs: tfjsCnn, shape: [28, 28, 1], samples: cnnSamples },
];

// One timing protocol for both libraries: fresh data and model, one untimed warm-up epoch
// (kernel set-up), then `epochs` timed epochs. `train(model, data, epochs)` runs the fit.
async function samplesPerSecond(spec, backend, build, train) {
  await tf.setBackend(backend);
  const data = randomData(spec.shape, spec.samples);
  const model = build();
  await train(model, data, 1);
  const start = performance.now();
  await train(model, data, epochs);
  const rate = (spec.samples * epochs * 1000) / (performance.now() - start);
  model.dispose();
  tf.dispose([data.x, data.y]);
  return rate;
}

const loomRate = (spec, backend) =>
  samplesPerSecond(spec, backend, spec.loom, (model, data, epochs) =>
    fit(model, data, { loss: categoricalCrossentropy, optimizer: 'adam', batchSize, seed: 1, epochs }),
  );

const tfjsRate = (spec, backend) =>
  samplesPerSecond(
    spec,
    backend,
    () => {
      const model = spec.tfjs();
      model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
      return model;
    },
    (model, data, epochs) => model.fit(data.x, data.y, { epochs, batchSize, verbose: 0 }),
  );

const line = (label, name, loom, tfjs, target) =>
  console.log(
    `${label.padEnd(34)} ${name.padEnd(24)} loom ${loom.toFixed(0).padStart(6)}/s  tfjs-layers ${tfjs.toFixed(0).padStart(6)}/s  ratio ${(loom / tfjs).toFixed(2)}x (target >= ${target}x)`,
  );

console.log(`@loom-ml/train fit throughput: @loom-ml/layers models vs tfjs-layers, Adam, batch ${batchSize}, ${epochs} timed epoch(s) after 1 warm-up, MNIST-shaped random data`);
// Gradients for every tfjs-core kernel (the explicit registration @loom-ml/wasm offers).
wasm.registerGradients();

// Stock tfjs wasm lacks training kernels (e.g. Conv2DBackpropFilter): such cases are reported, not timed.
const stock = {};
for (const spec of cases) {
  try {
    stock[spec.name] = await tfjsRate(spec, 'wasm');
  } catch (error) {
    stock[spec.name] = error.message.split('\n')[0];
  }
}
for (const spec of cases) line('cpu, both', spec.name, await loomRate(spec, 'cpu'), await tfjsRate(spec, 'cpu'), '1.0');

let handle;
try {
  handle = await wasm.initWasm({ threads: 'auto', onNotice: () => undefined });
} catch (error) {
  console.log(`loom-wasm skipped: ${error.message}`);
}
if (handle) {
  for (const spec of cases) {
    const loom = await loomRate(spec, wasm.LOOM_WASM_BACKEND);
    line(`loom-wasm (${handle.threads} threads), both`, spec.name, loom, await tfjsRate(spec, wasm.LOOM_WASM_BACKEND), '1.0');
    if (typeof stock[spec.name] === 'number') line('Loom on loom-wasm vs tfjs on stock', spec.name, loom, stock[spec.name], '2.5');
    else console.log(`${'Loom on loom-wasm vs tfjs on stock'.padEnd(34)} ${spec.name.padEnd(24)} loom ${loom.toFixed(0).padStart(6)}/s  tfjs-layers cannot train it on stock wasm: ${stock[spec.name]}`);
  }
  await handle.dispose();
}
