// Benchmark: training throughput (samples/s) of @loom-ml/layers models trained with
// @loom-ml/train's `fit` vs the same architecture in tfjs-layers `model.fit`: same optimizer
// (Adam 1e-3), loss, batch size, initialiser family and data, measured side by side in one run.
// Three comparisons (issue 5's targets are on the patched backend, Loom wasm):
//   - same backend, Loom wasm                              (target: ratio >= 1.0x)
//   - same backend, tfjs cpu                               (reference only: no target)
//   - Loom on Loom wasm vs tfjs-layers on stock tfjs wasm  (target: ratio >= 2.5x)
// Ratio > 1 means Loom is faster. The machine is shared and noisy, so each comparison runs in
// BENCH_ROUNDS rounds that time every contender back to back (order rotating per round); the
// printed ratio is the median of the per-round ratios, with their range. Run after `pnpm build`:
//   pnpm --filter @loom-ml/train bench   (BENCH_ROUNDS, BENCH_EPOCHS, BENCH_MLP_SAMPLES, BENCH_CNN_SAMPLES to resize)
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d, dense, flatten, maxPool2d, sequential } from '@loom-ml/layers';
import * as wasm from '@loom-ml/wasm';
import { fit } from '../dist/index.js';
import { interleavedRounds, median } from '../../../tools/scripts/bench.mjs';

const epochs = Number(process.env.BENCH_EPOCHS ?? 2);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const batchSize = 64;
// Sample counts for the wasm backends; the cpu backend is 10-50x slower and gets a quarter, so
// that every timed window lasts a second or more there too.
const mlpSamples = Number(process.env.BENCH_MLP_SAMPLES ?? 16384);
const cnnSamples = Number(process.env.BENCH_CNN_SAMPLES ?? 4096);
const samplesOn = (backend, spec) => (backend === 'cpu' ? Math.max(batchSize, Math.round(spec.samples / 4)) : spec.samples);
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
  const samples = samplesOn(backend, spec);
  const data = randomData(spec.shape, samples);
  const model = build();
  await train(model, data, 1);
  const start = performance.now();
  await train(model, data, epochs);
  const rate = (samples * epochs * 1000) / (performance.now() - start);
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

// Times every contender once per round, rotating who goes first so that a slow spell on the
// machine does not always land on the same one. Returns each contender's rates, in round order.
const interleavedRates = async (contenders) => Object.values(await interleavedRounds({ ...contenders }, { rounds }));

function line(label, name, loomRates, tfjsRates, target) {
  const ratios = loomRates.map((rate, round) => rate / tfjsRates[round]);
  const range = `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`;
  const goal = target ? `target >= ${target}x` : 'reference, no target';
  console.log(
    `${label.padEnd(34)} ${name.padEnd(24)} loom ${median(loomRates).toFixed(0).padStart(6)}/s  tfjs-layers ${median(tfjsRates).toFixed(0).padStart(6)}/s  ` +
      `ratio ${median(ratios).toFixed(2)}x (rounds ${range}; ${goal})`,
  );
}

const stockLabel = 'Loom on loom-wasm vs tfjs on stock';
console.log(
  `@loom-ml/train fit throughput: @loom-ml/layers models vs tfjs-layers, Adam, batch ${batchSize}, ${epochs} timed epoch(s) after 1 warm-up, ` +
    `MNIST-shaped random data; median of ${rounds} interleaved rounds (rates are medians too)`,
);
// Gradients for every tfjs-core kernel (the explicit registration @loom-ml/wasm offers).
wasm.registerGradients();

for (const spec of cases) {
  const [loom, tfjs] = await interleavedRates([() => loomRate(spec, 'cpu'), () => tfjsRate(spec, 'cpu')]);
  line('cpu, both', spec.name, loom, tfjs, undefined);
}

let handle;
try {
  handle = await wasm.initWasm({ threads: 'auto', onNotice: () => undefined });
} catch (error) {
  console.log(`loom-wasm skipped: ${error.message}`);
}
if (handle) {
  for (const spec of cases) {
    // Stock tfjs wasm lacks training kernels (e.g. Conv2DBackpropFilter): such cases are reported, not timed.
    let stockError;
    try {
      await tfjsRate({ ...spec, samples: batchSize }, 'wasm');
    } catch (error) {
      stockError = error.message.split('\n')[0];
    }
    const contenders = [() => loomRate(spec, wasm.LOOM_WASM_BACKEND), () => tfjsRate(spec, wasm.LOOM_WASM_BACKEND)];
    if (!stockError) contenders.push(() => tfjsRate(spec, 'wasm'));
    const [loom, tfjsSame, tfjsStock] = await interleavedRates(contenders);
    line(`loom-wasm (${handle.threads} threads), both`, spec.name, loom, tfjsSame, '1.0');
    if (tfjsStock) line(stockLabel, spec.name, loom, tfjsStock, '2.5');
    else console.log(`${stockLabel.padEnd(34)} ${spec.name.padEnd(24)} loom ${median(loom).toFixed(0).padStart(6)}/s  tfjs-layers cannot train it on stock wasm: ${stockError}`);
  }
  await handle.dispose();
}
