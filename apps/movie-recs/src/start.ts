// `pnpm start`: trains popularity, item-kNN, implicit ALS and BPR on MovieLens-small, prints one
// evaluation table on a seeded 80/20 per-user split, then re-fits ALS on every rating and saves it
// (with the movie catalogue) under runs/latest for `pnpm recommend` and `pnpm serve`.
// `pnpm full` adds WARP and a two-tower model with genre features. Reads local CSV copies
// (--ratings, --movies); nothing downloads.
import { parseArgs } from 'node:util';
import { initWasm } from '@loom-ml/wasm';
import {
  BprMf,
  WarpMf,
  ImplicitAls,
  ItemKnnRecommender,
  PopularityRecommender,
  TwoTower,
  buildInteractions,
  evaluateRecommender,
  formatMetricsTable,
  multiHotEncode,
  randomSplit,
  type Recommender,
} from '@loom-ml/recommenders';
import { AppError } from './errors.js';
import { saveBundle } from './model-bundle.js';
import { DEFAULT_MOVIES_PATH, DEFAULT_RATINGS_PATH, readMovies, readRatings } from './movielens.js';

const { values: args } = parseArgs({
  options: {
    ratings: { type: 'string', default: DEFAULT_RATINGS_PATH },
    movies: { type: 'string', default: DEFAULT_MOVIES_PATH },
    out: { type: 'string', default: 'runs/latest' },
    seed: { type: 'string', default: '42' },
    full: { type: 'boolean', default: false },
  },
});

let events;
let movies;
try {
  [events, movies] = await Promise.all([readRatings(args.ratings), readMovies(args.movies)]);
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(error.message);
  process.exit(2);
}
const split = randomSplit(events, { testFraction: 0.2, seed: Number(args.seed) });
const train = split.train.matrix;
console.log(`MovieLens: ${events.length} ratings, ${train.rows} users x ${train.columns} movies in train; seeded 80/20 split per user (seed ${args.seed}).`);

const wasm = await initWasm({ threads: 'auto', onNotice: () => undefined });
const alsOptions = { factors: 32, alpha: 2, regularization: 2, epochs: 15, seed: 1, computeLoss: false };
const candidates: { name: string; fit: () => Recommender }[] = [
  { name: 'popularity', fit: () => new PopularityRecommender().fit(train) },
  { name: 'item-kNN tfidf', fit: () => new ItemKnnRecommender({ neighbours: 50, weighting: 'tfidf' }).fit(train) },
  { name: 'ALS f=32', fit: () => new ImplicitAls(alsOptions).fit(train) },
  {
    // BPR with dynamic negatives: each pair trains on the hardest of 8 sampled non-rated movies.
    name: 'BPR f=64 DNS x8 (wasm)',
    fit: () =>
      new BprMf({ factors: 64, epochs: 20, batchSize: 1024, learningRate: 0.002, regularization: 0.001, negativeCandidates: 8, seed: 1 }).fit(train),
  },
];
if (args.full) {
  // Item side features for the item tower: each movie's genres, multi-hot, in training item order.
  const genresById = new Map(movies.map((movie) => [movie.id, movie.genres]));
  const genres = multiHotEncode(Array.from({ length: train.columns }, (_, item) => genresById.get(Number(split.train.items.idAt(item))) ?? []));
  candidates.push({
    name: 'two-tower d=64 +genres (wasm)',
    fit: () =>
      new TwoTower({ embeddingDimension: 64, temperature: 0.1, learningRate: 0.01, batchSize: 256, epochs: 10, seed: 1 }).fit(train, { itemFeatures: genres.rows }),
  });
  candidates.push({
    name: 'WARP f=64 (wasm)',
    fit: () =>
      new WarpMf({ factors: 64, epochs: 10, batchSize: 1024, learningRate: 0.002, regularization: 0.001, maxNegatives: 16, margin: 0.5, seed: 1 }).fit(train),
  });
}
const rows = [];
for (const { name, fit } of candidates) {
  const start = performance.now();
  const model = fit();
  const seconds = (performance.now() - start) / 1000;
  rows.push({ name, metrics: evaluateRecommender(model, split, { k: 10 }), extra: { 'fit s': seconds.toFixed(1) } });
  console.log(`  trained ${name} in ${seconds.toFixed(1)} s`);
}
console.log();
console.log(formatMetricsTable(rows));
await wasm.dispose();

// The served model learns from every rating, not just the training 80%.
const all = buildInteractions(events);
const served = new ImplicitAls(alsOptions).fit(all.matrix);
await saveBundle(args.out, { model: served, users: all.users, items: all.items, movies });
console.log(`\nSaved ALS (fitted on all ${events.length} ratings) to ${args.out}. Next:`);
console.log('  pnpm --filter @loom-ml/app-movie-recs recommend --user 42');
console.log('  pnpm --filter @loom-ml/app-movie-recs serve');
