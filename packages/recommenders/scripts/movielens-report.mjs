// Prints popularity vs item-kNN vs implicit ALS vs BPR vs WARP vs a two-tower model on a fixed
// seeded 80/20 per-user split of MovieLens latest-small, in one table. BPR, WARP and the two-tower
// model train with tfjs on Loom's wasm backend (initWasm from @loom-ml/wasm). Runs against the
// built package: `pnpm build && pnpm report:movielens`.
// Every rating counts as one implicit interaction (value 1) unless --min-rating N keeps only
// ratings >= N. ALS hyperparameters are chosen on a validation split carved out of the
// training events (never on the test split), unless --no-tune. Not a test: it prints results.
// --export-split DIR writes the split (train.csv, test.csv: dense user,item indices) and Loom's
// ALS settings and metrics (loom-als.json) for scripts/als_reference.py.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { initWasm } from '@loom-ml/wasm';
import {
  BprMf,
  ExplicitMf,
  ImplicitAls,
  ItemKnnRecommender,
  PopularityRecommender,
  TwoTower,
  evaluateRecommender,
  formatMetricsTable,
  multiHotEncode,
  randomSplit,
  WarpMf,
} from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    ratings: { type: 'string', default: '/work/shared/data/movielens_small_ratings.csv.gz' },
    movies: { type: 'string', default: '/work/shared/data/movielens_small_movies.csv.gz' },
    'min-rating': { type: 'string', default: '0' },
    seed: { type: 'string', default: '42' },
    factors: { type: 'string', default: '32' },
    epochs: { type: 'string', default: '15' },
    alpha: { type: 'string', default: '2' },
    regularization: { type: 'string', default: '2' },
    'no-tune': { type: 'boolean', default: false },
    k: { type: 'string', default: '10' },
    'bpr-epochs': { type: 'string', default: '60' },
    'warp-epochs': { type: 'string', default: '10' },
    'no-warp': { type: 'boolean', default: false },
    'two-tower-epochs': { type: 'string', default: '10' },
    'no-two-tower': { type: 'boolean', default: false },
    'export-split': { type: 'string' },
  },
});

const wasm = await initWasm({ threads: 'auto', onNotice: () => undefined });
console.log(`tfjs backend for BPR/WARP: loom-wasm, ${wasm.threads} thread(s).`);

const raw = readFileSync(args.ratings);
const text = (args.ratings.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
const minRating = Number(args['min-rating']);
const events = [];
const ratingEvents = [];
for (const line of text.split('\n').slice(1)) {
  if (line.trim() === '') continue;
  const [user, item, rating, timestamp] = line.split(',');
  ratingEvents.push({ user: Number(user), item: Number(item), value: Number(rating), timestamp: Number(timestamp) });
  if (Number(rating) < minRating) continue;
  events.push({ user: Number(user), item: Number(item), value: 1, timestamp: Number(timestamp) });
}

const k = Number(args.k);
const split = randomSplit(events, { testFraction: 0.2, seed: Number(args.seed) });
const train = split.train.matrix;
console.log(
  `MovieLens-small: ${events.length} events, ${train.rows} users x ${train.columns} items; ` +
    `train nnz ${train.nnz}, test nnz ${split.test.nnz}, dropped test events ${split.dropped.events} ` +
    `(${split.dropped.items} items unseen in train). Seed ${args.seed}.`,
);

// Leak check: no held-out entry may be stored in the training matrix.
let leaked = 0;
for (let user = 0; user < split.test.rows; user++) for (const item of split.test.rowIndices(user)) if (train.has(user, item)) leaked++;
console.log(`Leak check: ${leaked} test entries stored in train.`);

const rows = [];
let start = performance.now();
const popularity = new PopularityRecommender().fit(train);
rows.push({ name: 'popularity', metrics: evaluateRecommender(popularity, split, { k }), extra: { 'fit s': ((performance.now() - start) / 1000).toFixed(2) } });

for (const weighting of ['cosine', 'bm25', 'tfidf']) {
  start = performance.now();
  const knn = new ItemKnnRecommender({ neighbours: 50, weighting }).fit(train);
  rows.push({ name: `item-kNN ${weighting}`, metrics: evaluateRecommender(knn, split, { k }), extra: { 'fit s': ((performance.now() - start) / 1000).toFixed(2) } });
}

let alsConfig = { factors: Number(args.factors), alpha: Number(args.alpha), regularization: Number(args.regularization) };
if (!args['no-tune']) {
  // Validation: a second per-user 80/20 split of the training events only.
  const validation = randomSplit(split.trainEvents, { testFraction: 0.2, seed: Number(args.seed) + 1 });
  const grid = [
    { factors: 32, alpha: 2, regularization: 2 },
    { factors: 32, alpha: 5, regularization: 1 },
    { factors: 64, alpha: 5, regularization: 0.05 },
    { factors: 64, alpha: 20, regularization: 0.05 },
  ];
  let best = -1;
  for (const config of grid) {
    const candidate = new ImplicitAls({ ...config, epochs: Number(args.epochs), seed: 1, computeLoss: false }).fit(validation.train.matrix);
    const ndcg = evaluateRecommender(candidate, validation, { k }).ndcg;
    console.log(`  validation ALS ${JSON.stringify(config)}: NDCG@${k} ${ndcg.toFixed(4)}`);
    if (ndcg > best) (best = ndcg), (alsConfig = config);
  }
  console.log(`  chosen on validation: ${JSON.stringify(alsConfig)}`);
}

start = performance.now();
const als = new ImplicitAls({
  ...alsConfig,
  epochs: Number(args.epochs),
  seed: 1,
  onEpoch: ({ epoch, loss, seconds }) => console.log(`  ALS epoch ${epoch}: loss ${loss.toFixed(6)}, ${seconds.toFixed(3)} s`),
}).fit(train);
const fitSeconds = (performance.now() - start) / 1000;
const epochSeconds = als.history.map((h) => h.seconds).sort((a, b) => a - b);
const medianEpoch = epochSeconds[Math.floor(epochSeconds.length / 2)] ?? Number.NaN;
const alsMetrics = evaluateRecommender(als, split, { k });
rows.push({
  name: `ALS cg f=${alsConfig.factors}`,
  metrics: alsMetrics,
  extra: { 'fit s': fitSeconds.toFixed(2), 'epoch s (median)': medianEpoch.toFixed(3) },
});

if (args['export-split'] !== undefined) {
  // The exact split and Loom's ALS result, for the independent NumPy reference (scripts/als_reference.py).
  const directory = args['export-split'];
  mkdirSync(directory, { recursive: true });
  const pairs = (matrix, withValues) => {
    const lines = [withValues ? 'user,item,value' : 'user,item'];
    for (let user = 0; user < matrix.rows; user++) {
      const values = matrix.rowValues(user);
      matrix.rowIndices(user).forEach((item, n) => lines.push(withValues ? `${user},${item},${values[n]}` : `${user},${item}`));
    }
    return lines.join('\n') + '\n';
  };
  const writeAtomic = (name, text) => {
    const temporary = join(directory, `${name}.${process.pid}.tmp`);
    writeFileSync(temporary, text);
    renameSync(temporary, join(directory, name));
  };
  writeAtomic('train.csv', pairs(train, true));
  writeAtomic('test.csv', pairs(split.test, false));
  writeAtomic(
    'loom-als.json',
    JSON.stringify({
      users: train.rows,
      items: train.columns,
      k,
      config: alsConfig,
      epochs: Number(args.epochs),
      precision: alsMetrics.precision,
      ndcg: alsMetrics.ndcg,
      evaluatedUsers: alsMetrics.users,
      seconds: fitSeconds,
    }),
  );
  console.log(`  exported the split and Loom's ALS result to ${directory} (python3 scripts/als_reference.py ${directory})`);
}

// BPR and WARP: hyperparameters picked on the same kind of validation split of the training
// events (see README); fixed here so the report is one reproducible run.
const pairwiseRuns = [
  // Classic BPR: one uniform negative per pair (negativeCandidates: 1).
  { name: 'BPR f=64 uniform', Model: BprMf, options: { factors: 64, epochs: Number(args['bpr-epochs']), batchSize: 1024, learningRate: 0.002, regularization: 0.001, negativeCandidates: 1 } },
  // BprMf's default sampler: the highest-scoring of 8 uniform negatives per pair (dynamic negative sampling).
  { name: 'BPR f=64 (DNS x8)', Model: BprMf, options: { factors: 64, epochs: 20, batchSize: 1024, learningRate: 0.002, regularization: 0.001 } },
];
if (!args['no-warp']) {
  pairwiseRuns.push({ name: 'WARP f=64', Model: WarpMf, options: { factors: 64, epochs: Number(args['warp-epochs']), batchSize: 1024, learningRate: 0.002, regularization: 0.001, maxNegatives: 16, margin: 0.5 } });
}
// Fits one epoch-trained model (progress every 5 epochs), then adds its metrics, fit time and
// median epoch time to the table.
function fitAndEvaluate(name, options, build) {
  const started = performance.now();
  const model = build({
    ...options,
    seed: 1,
    onEpoch: ({ epoch, loss, seconds, samples }) => {
      if (epoch % 5 === 0 || epoch === options.epochs) console.log(`  ${name} epoch ${epoch}: loss ${loss.toFixed(4)}, ${seconds.toFixed(2)} s, ${(samples / seconds).toFixed(0)} samples/s`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const epochTimes = model.history.map((h) => h.seconds).sort((a, b) => a - b);
  rows.push({
    name,
    metrics: evaluateRecommender(model, split, { k }),
    extra: { 'fit s': seconds.toFixed(2), 'epoch s (median)': (epochTimes[Math.floor(epochTimes.length / 2)] ?? Number.NaN).toFixed(3) },
  });
}

for (const { name, Model, options } of pairwiseRuns) fitAndEvaluate(name, options, (resolved) => new Model(resolved).fit(train));

if (!args['no-two-tower']) {
  // Item side features: each movie's genres, multi-hot, in the training matrix's item order.
  const moviesRaw = readFileSync(args.movies);
  const genresOf = new Map();
  for (const line of (args.movies.endsWith('.gz') ? gunzipSync(moviesRaw) : moviesRaw).toString('utf8').split('\n').slice(1)) {
    if (line.trim() === '') continue;
    // movieId first, genres last ("A|B|C"); titles may hold quoted commas in between.
    genresOf.set(Number(line.slice(0, line.indexOf(','))), line.slice(line.lastIndexOf(',') + 1).trim().split('|'));
  }
  const genres = multiHotEncode(Array.from({ length: train.columns }, (_, item) => genresOf.get(Number(split.train.items.idAt(item))) ?? []));
  // Settings picked by hand on the validation split of the training events (see README).
  const epochs = Number(args['two-tower-epochs']);
  const towerRuns = [
    { name: 'two-tower d=64 +genres', options: { embeddingDimension: 64, temperature: 0.1, learningRate: 0.01, batchSize: 256, epochs }, data: { itemFeatures: genres.rows } },
  ];
  for (const { name, options, data } of towerRuns) fitAndEvaluate(name, options, (resolved) => new TwoTower(resolved).fit(train, data));
  console.log(`  two-tower item features: ${genres.vocabulary.length} genres (${genres.vocabulary.join(', ')}).`);
}

console.log();
console.log(formatMetricsTable(rows));
console.log(`\nEvaluated users: ${rows[0].metrics.users}. Per-user metrics: rankingMetricsAtK from @loom-ml/metrics.`);

// Explicit ratings: ALS-WR matrix factorisation vs the global-mean baseline, RMSE on the same
// kind of seeded 80/20 per-user split (re-ratings: the latest wins).
const ratingSplit = randomSplit(ratingEvents, { testFraction: 0.2, seed: Number(args.seed), duplicates: 'last' });
start = performance.now();
// f = 10, lambda = 0.2: best of {5, 10, 20} x {0.1, 0.2} on a validation split of the training events.
const mf = new ExplicitMf({ factors: 10, regularization: 0.2, epochs: 10, seed: 1 }).fit(ratingSplit.train.matrix);
const mfSeconds = (performance.now() - start) / 1000;
let squared = 0;
for (const value of ratingSplit.test.values) squared += (value - mf.globalMean) ** 2;
const baselineRmse = Math.sqrt(squared / ratingSplit.test.nnz);
console.log(
  `\nExplicit MF (ALS-WR, f=10, lambda=0.2, 10 epochs, ${mfSeconds.toFixed(2)} s): ` +
    `train RMSE ${mf.history.at(-1).rmse.toFixed(4)}, test RMSE ${mf.rmse(ratingSplit.test).toFixed(4)} ` +
    `(global mean baseline ${baselineRmse.toFixed(4)}; ${ratingSplit.test.nnz} test ratings).`,
);

await wasm.dispose();
