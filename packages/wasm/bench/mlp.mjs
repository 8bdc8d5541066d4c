// Benchmark: MLP 784-128-10, Adam, batch 128, trained with tfjs-layers `model.fit` on stock
// tfjs-backend-wasm and the same model and data on Loom's wasm backend (1 and N threads),
// side by side in one run, interleaved rounds. Synthetic data: throughput does not depend on the values.
//   pnpm --filter @loom-ml/wasm bench            (BENCH_THREADS=N to pick N, default all cores; BENCH_ROUNDS, default 3)
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { initWasm, LOOM_WASM_BACKEND } from '../dist/index.js';
import { interleavedRounds, machineLine, median, printTable, ratios } from '../../../tools/scripts/bench.mjs';

const threads = Number(process.env.BENCH_THREADS ?? Math.min(os.cpus().length, 8));
const sampleCount = 128 * 24;
const batchSize = 128;
const epochs = 3;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
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

// Each contender sets up its backend itself, so the rounds can interleave (who goes first rotates).
const onLoom = (count) => async () => {
  const handle = await initWasm({ threads: count, onNotice: () => {} });
  try {
    return { rate: await samplesPerSecond(LOOM_WASM_BACKEND), threads: handle.threads };
  } finally {
    await handle.dispose();
  }
};
const results = await interleavedRounds(
  { stock: async () => ({ rate: await samplesPerSecond('wasm'), threads: 1 }), one: onLoom(1), many: onLoom(threads) },
  { rounds },
);
const rate = (name) => median(results[name].map((r) => r.rate));
const manyThreads = results.many[0].threads;
console.log(`MLP 784-128-10, Adam, batch ${batchSize}, ${sampleCount} samples x ${epochs} epochs, medians of ${rounds} interleaved rounds; ${machineLine()}`);
printTable([
  { backend: 'tfjs-layers model.fit, stock wasm', 'samples/s': Math.round(rate('stock')) },
  { backend: 'same model, loom-wasm 1 thread', 'samples/s': Math.round(rate('one')) },
  { backend: `same model, loom-wasm ${manyThreads} threads`, 'samples/s': Math.round(rate('many')) },
]);
const speedUp = (name) => median(ratios(results[name].map((r) => r.rate), results.stock.map((r) => r.rate))).toFixed(2);
console.log(`speed-up over tfjs-layers on stock wasm (median of per-round ratios): 1 thread ${speedUp('one')}x, ${manyThreads} threads ${speedUp('many')}x (target >= 2.5x)`);
