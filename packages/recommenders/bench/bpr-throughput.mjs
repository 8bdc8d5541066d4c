// BPR training throughput (samples/s) on tfjs's cpu backend vs Loom's wasm backend, measured
// side by side in one run on the same matrix, model size, batch size and seed. Uses
// MovieLens-small when a local copy exists, else a synthetic matrix of the same shape.
// tfjs-backend-cpu's UnsortedSegmentSum (the gradient of `gather`) costs O(items × batch ×
// factors) per step, so the side-by-side run uses the 1,000 most-rated items and about 3,000
// (user, item) pairs; a second line times loom-wasm alone on the full matrix. Run after `pnpm build`.
//   BENCH_ITEMS (1000), BENCH_PAIRS (3000), BENCH_FACTORS (64), BENCH_BATCH (1024), BENCH_ROUNDS (3)
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initWasm, LOOM_WASM_BACKEND, registerGradients } from '@loom-ml/wasm';
import { BprMf, CsrMatrix, buildInteractions, seededRandom } from '../dist/index.js';
import { interleavedRounds, machineLine, median, ratios } from '../../../tools/scripts/bench.mjs';

const itemLimit = Number(process.env.BENCH_ITEMS ?? 1000);
const pairLimit = Number(process.env.BENCH_PAIRS ?? 3000);
const factors = Number(process.env.BENCH_FACTORS ?? 64);
const batchSize = Number(process.env.BENCH_BATCH ?? 1024);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const path = '/work/shared/data/movielens_small_ratings.csv.gz';
let events;
if (existsSync(path)) {
  events = gunzipSync(readFileSync(path))
    .toString('utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [user, item] = line.split(',');
      return { user: Number(user), item: Number(item) };
    });
} else {
  const random = seededRandom(1);
  events = Array.from({ length: 100_000 }, () => ({ user: Math.floor(random() * 671), item: Math.floor(random() ** 3 * 9066) }));
}
const full = buildInteractions(events).matrix;

// Side-by-side subset: the most-rated items, then users in order until about pairLimit pairs.
const counts = full.columnCounts();
const topItems = new Set(Array.from(counts.keys()).sort((a, b) => counts[b] - counts[a] || a - b).slice(0, itemLimit));
const itemIndex = new Map([...topItems].sort((a, b) => a - b).map((item, index) => [item, index]));
const rows = [];
const columns = [];
for (let user = 0; user < full.rows && rows.length < pairLimit; user++) {
  for (const item of full.rowIndices(user)) if (itemIndex.has(item)) rows.push(user), columns.push(itemIndex.get(item));
}
const users = rows.at(-1) + 1;
const subset = CsrMatrix.fromTriplets(users, itemLimit, rows, columns, rows.map(() => 1));

function samplesPerSecond(matrix, epochs) {
  // One uniform negative per pair, as this bench has always timed (BprMf's default is now 8 candidates).
  const model = new BprMf({ factors, epochs, batchSize, learningRate: 0.002, seed: 1, negativeCandidates: 1 }).fit(matrix);
  const last = model.history.at(-1);
  return last.samples / last.seconds;
}

registerGradients();
tf.env().set('IS_TEST', true); // silences tfjs's "install tfjs-node" banner
const warmUp = () => samplesPerSecond(CsrMatrix.fromTriplets(2, itemLimit, [0, 1], [0, 1], [1, 1]), 1);
await tf.setBackend('cpu');
warmUp();
const wasm = await initWasm({ threads: 'auto', onNotice: () => undefined });
warmUp();
// One epoch on each backend per round, who goes first rotating, so load hits both alike.
const on = (backend) => async () => {
  await tf.setBackend(backend);
  return samplesPerSecond(subset, 1);
};
const results = await interleavedRounds({ cpu: on('cpu'), wasm: on(LOOM_WASM_BACKEND) }, { rounds });
const cpu = median(results.cpu);
const loom = median(results.wasm);
console.log(`BPR training, factors ${factors}, batch ${batchSize}, Adam; ${machineLine()}`);
console.log(`  ${users} users x ${itemLimit} items, ${subset.nnz} pairs (one epoch each, side by side, medians of ${rounds} interleaved rounds):`);
console.log(`    cpu       ${cpu.toFixed(0).padStart(8)} samples/s`);
console.log(`    loom-wasm ${loom.toFixed(0).padStart(8)} samples/s (${wasm.threads} threads)   ratio wasm/cpu ${median(ratios(results.wasm, results.cpu)).toFixed(1)}x`);
await tf.setBackend(LOOM_WASM_BACKEND);
const fullRate = samplesPerSecond(full, 2);
console.log(`  full matrix ${full.rows} x ${full.columns}, ${full.nnz} pairs: loom-wasm ${fullRate.toFixed(0)} samples/s (second epoch)`);
await wasm.dispose();
