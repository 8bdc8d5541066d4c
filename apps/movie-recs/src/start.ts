// `pnpm start`: trains popularity, item-kNN, implicit ALS and BPR on MovieLens-small, prints one
// evaluation table on a seeded 80/20 per-user split, then re-fits ALS on every rating and saves it
// (with the movie catalogue) under runs/latest for `pnpm recommend` and `pnpm serve`.
// `pnpm full` adds WARP and a two-tower model with genre features. Reads local CSV copies
// (--ratings, --movies); nothing downloads. `--help` lists the flags.
import type { Recommender } from '@loom-ml/recommenders';
import { startCommand } from './cli-args.js';
import { readCommandLine, startStep } from './command-line.js';

const { values: args } = await readCommandLine(startCommand);
const { quiet } = args;
const log = quiet ? () => {} : (line: string) => console.log(line);
// Loaded once the flags are read, so that --help and a bad flag answer at once.
const { initWasm } = await import('@loom-ml/wasm');
const { BprMf, WarpMf, ImplicitAls, ItemKnnRecommender, PopularityRecommender, TwoTower, buildInteractions, evaluateRecommender, formatMetricsTable, multiHotEncode, randomSplit } =
  await import('@loom-ml/recommenders');
const { saveBundle } = await import('./model-bundle.js');
const { readMovies, readRatings } = await import('./movielens.js');

const loading = startStep('Loading MovieLens', { quiet });
const [events, movies] = await Promise.all([readRatings(args.ratings), readMovies(args.movies)]);
loading.end(`${events.length} ratings, ${movies.length} movies`);
const split = randomSplit(events, { testFraction: 0.2, seed: args.seed });
const train = split.train.matrix;
log(`MovieLens: ${events.length} ratings, ${train.rows} users x ${train.columns} movies in train; seeded 80/20 split per user (seed ${args.seed}).`);

const wasm = await initWasm({ threads: args.threads, onNotice: () => undefined });
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
  const step = startStep(`  training and evaluating ${name}`, { quiet });
  const start = performance.now();
  const model = fit();
  const seconds = (performance.now() - start) / 1000;
  rows.push({ name, metrics: evaluateRecommender(model, split, { k: 10 }), extra: { 'fit s': seconds.toFixed(1) } });
  step.end(`fitted in ${seconds.toFixed(1)} s`);
}
log('');
log(formatMetricsTable(rows));
await wasm.dispose();

// The served model learns from every rating, not just the training 80%.
const all = buildInteractions(events);
const served = new ImplicitAls(alsOptions).fit(all.matrix);
await saveBundle(args.out, { model: served, users: all.users, items: all.items, movies });
const model = args.out === 'runs/latest' ? '' : ` --model ${args.out}`;
console.log(`Saved ALS (fitted on all ${events.length} ratings) to ${args.out}. Next: pnpm --filter @loom-ml/app-movie-recs recommend --user 42${model}, or serve${model}`);
