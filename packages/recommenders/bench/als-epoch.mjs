// ALS epoch time on MovieLens-small (local copy; falls back to a synthetic matrix of the same
// size), conjugate gradient vs exact Cholesky solves measured side by side in one run.
// Target (issue 6): one CG epoch under 1 s on 2 cores. Run after `pnpm build`.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CsrMatrix, ImplicitAls, buildInteractions, seededRandom } from '../dist/index.js';
import { median } from '../../../tools/scripts/bench.mjs';

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
  const random = seededRandom(1);
  const rows = [];
  const columns = [];
  for (let k = 0; k < 100_000; k++) rows.push(Math.floor(random() * 671)), columns.push(Math.floor(random() ** 3 * 9066));
  matrix = CsrMatrix.fromTriplets(671, 9066, rows, columns, rows.map(() => 1));
}
console.log(`matrix ${matrix.rows} x ${matrix.columns}, nnz ${matrix.nnz}`);

for (const factors of [32, 64]) {
  const times = {};
  for (const solver of ['cg', 'cholesky']) {
    const als = new ImplicitAls({ factors, epochs: 5, solver, alpha: 2, regularization: 2, seed: 1, computeLoss: false }).fit(matrix);
    times[solver] = median(als.history.map((h) => h.seconds));
  }
  const nnzPerSecond = (2 * matrix.nnz) / times.cg;
  console.log(
    `factors ${factors}: CG (3 steps) epoch ${times.cg.toFixed(3)} s, Cholesky epoch ${times.cholesky.toFixed(3)} s, ` +
      `ratio ${(times.cholesky / times.cg).toFixed(1)}x; ${(nnzPerSecond / 1e6).toFixed(2)} M nnz-updates/s (CG)`,
  );
}
