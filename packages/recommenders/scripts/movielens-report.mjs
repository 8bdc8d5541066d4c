// Prints popularity vs item-kNN vs implicit ALS on a fixed seeded 80/20 per-user split of
// MovieLens latest-small. Runs against the built package: `pnpm build && pnpm report:movielens`.
// Every rating counts as one implicit interaction (value 1) unless --min-rating N keeps only
// ratings >= N. Not a test: it prints results.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import {
  ImplicitAls,
  ItemKnnRecommender,
  PopularityRecommender,
  evaluateRecommender,
  formatMetricsTable,
  randomSplit,
} from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    ratings: { type: 'string', default: '/work/shared/data/movielens_small_ratings.csv.gz' },
    'min-rating': { type: 'string', default: '0' },
    seed: { type: 'string', default: '42' },
    factors: { type: 'string', default: '64' },
    epochs: { type: 'string', default: '15' },
    alpha: { type: 'string', default: '20' },
    regularization: { type: 'string', default: '0.05' },
    k: { type: 'string', default: '10' },
  },
});

const raw = readFileSync(args.ratings);
const text = (args.ratings.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
const minRating = Number(args['min-rating']);
const events = [];
for (const line of text.split('\n').slice(1)) {
  if (line.trim() === '') continue;
  const [user, item, rating, timestamp] = line.split(',');
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

const rows = [];
let start = performance.now();
const popularity = new PopularityRecommender().fit(train);
rows.push({ name: 'popularity', metrics: evaluateRecommender(popularity, split, { k }), extra: { 'fit s': ((performance.now() - start) / 1000).toFixed(2) } });

for (const weighting of ['cosine', 'bm25']) {
  start = performance.now();
  const knn = new ItemKnnRecommender({ neighbours: 50, weighting }).fit(train);
  rows.push({ name: `item-kNN ${weighting}`, metrics: evaluateRecommender(knn, split, { k }), extra: { 'fit s': ((performance.now() - start) / 1000).toFixed(2) } });
}

start = performance.now();
const als = new ImplicitAls({
  factors: Number(args.factors),
  epochs: Number(args.epochs),
  alpha: Number(args.alpha),
  regularization: Number(args.regularization),
  seed: 1,
  onEpoch: ({ epoch, loss, seconds }) => console.log(`  ALS epoch ${epoch}: loss ${loss.toFixed(6)}, ${seconds.toFixed(3)} s`),
}).fit(train);
const fitSeconds = (performance.now() - start) / 1000;
const epochSeconds = als.history.map((h) => h.seconds).sort((a, b) => a - b);
const medianEpoch = epochSeconds[Math.floor(epochSeconds.length / 2)] ?? Number.NaN;
rows.push({
  name: `ALS cg f=${args.factors}`,
  metrics: evaluateRecommender(als, split, { k }),
  extra: { 'fit s': fitSeconds.toFixed(2), 'epoch s (median)': medianEpoch.toFixed(3) },
});

console.log();
console.log(formatMetricsTable(rows));
console.log(`\nEvaluated users: ${rows[0].metrics.users}. Metrics: ranking metrics local to @loom-ml/recommenders (to be replaced by @loom-ml/metrics).`);
