// BPR training throughput (samples/s) on tfjs's cpu backend vs Loom's wasm backend, measured
// side by side in one run on the same matrix, model size and seed. Uses MovieLens-small when a
// local copy exists, else a synthetic matrix of the same size. Run after `pnpm build`.
//   BENCH_EPOCHS (default 3), BENCH_FACTORS (default 64), BENCH_BATCH (default 1024)
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initWasm, registerGradients } from '@loom-ml/wasm';
import { BprMf, CsrMatrix, buildInteractions, createRng } from '../dist/index.js';

const epochs = Number(process.env.BENCH_EPOCHS ?? 3);
const factors = Number(process.env.BENCH_FACTORS ?? 64);
const batchSize = Number(process.env.BENCH_BATCH ?? 1024);

const path = '/work/shared/data/movielens_small_ratings.csv.gz';
let matrix;
if (existsSync(path)) {
  const events = gunzipSync(readFileSync(path))
    .toString('utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [user, item] = line.split(',');
      return { user: Number(user), item: Number(item) };
    });
  matrix = buildInteractions(events).matrix;
} else {
  const random = createRng(1);
  const rows = [];
  const columns = [];
  for (let k = 0; k < 100_000; k++) rows.push(Math.floor(random() * 671)), columns.push(Math.floor(random() ** 3 * 9066));
  matrix = CsrMatrix.fromTriplets(671, 9066, rows, columns, rows.map(() => 1));
}
console.log(`BPR throughput: matrix ${matrix.rows} x ${matrix.columns}, nnz ${matrix.nnz}; factors ${factors}, batch ${batchSize}, ${epochs} epochs (median epoch)`);

function samplesPerSecond() {
  const model = new BprMf({ factors, epochs, batchSize, learningRate: 0.002, seed: 1 }).fit(matrix);
  const rates = model.history.map((h) => h.samples / h.seconds).sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

registerGradients();
await tf.setBackend('cpu');
const cpu = samplesPerSecond();
const wasm = await initWasm({ threads: 'auto', onNotice: () => undefined });
const loom = samplesPerSecond();
console.log(`cpu       ${cpu.toFixed(0).padStart(8)} samples/s`);
console.log(`loom-wasm ${loom.toFixed(0).padStart(8)} samples/s (${wasm.threads} threads)   ratio wasm/cpu ${(loom / cpu).toFixed(2)}x`);
await wasm.dispose();
