// Benchmark: MLP 784-128-10, Adam, batch 128, trained with tfjs-layers `model.fit` on stock
// tfjs-backend-wasm and the same model and data on Loom's wasm backend (1 and N threads),
// side by side in one run. Synthetic data: throughput does not depend on the values.
//   pnpm --filter @loom-ml/wasm bench            (BENCH_THREADS=N to pick N; default: all cores)
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { initWasm, LOOM_WASM_BACKEND } from '../dist/index.js';

const threads = Number(process.env.BENCH_THREADS ?? Math.min(os.cpus().length, 8));
const sampleCount = 128 * 24;
const batchSize = 128;
const epochs = 3;
tf.env().set('IS_TEST', false);

function buildModel() {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [784], units: 128, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return model;
}

async function samplesPerSecond(backendName) {
  await tf.setBackend(backendName);
  const x = tf.randomUniform([sampleCount, 784], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.randomUniform([sampleCount], 0, 10, 'int32', 2), 10);
  const model = buildModel();
  await model.fit(x, y, { batchSize, epochs: 1, verbose: 0 }); // warm-up: kernel setup, packing
  const start = performance.now();
  await model.fit(x, y, { batchSize, epochs, verbose: 0 });
  const seconds = (performance.now() - start) / 1000;
  model.dispose();
  tf.dispose([x, y]);
  return (sampleCount * epochs) / seconds;
}

const rows = [];
rows.push({ backend: 'tfjs-layers model.fit, stock wasm', 'samples/s': (await samplesPerSecond('wasm')).toFixed(0) });
let handle = await initWasm({ threads: 1, onNotice: () => {} });
rows.push({ backend: 'same model, loom-wasm 1 thread', 'samples/s': (await samplesPerSecond(LOOM_WASM_BACKEND)).toFixed(0) });
await handle.dispose();
handle = await initWasm({ threads, onNotice: () => {} });
rows.push({ backend: `same model, loom-wasm ${handle.threads} threads`, 'samples/s': (await samplesPerSecond(LOOM_WASM_BACKEND)).toFixed(0) });
await handle.dispose();

console.log(`MLP 784-128-10, Adam, batch ${batchSize}, ${sampleCount} samples x ${epochs} epochs; Node ${process.version}, ${os.cpus().length} cores`);
console.table(rows);
const stock = Number(rows[0]['samples/s']);
console.log(`speed-up over tfjs-layers on stock wasm: 1 thread ${(Number(rows[1]['samples/s']) / stock).toFixed(2)}x, ` +
  `${handle.threads} threads ${(Number(rows[2]['samples/s']) / stock).toFixed(2)}x (target >= 2.5x)`);
