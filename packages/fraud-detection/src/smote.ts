import { invalidValue } from './errors.js';
import { seededRandom } from './random.js';

/** Options of `smote`: how many rows to create, from how many neighbours, and the seed. */
export interface SmoteOptions {
  /** How many synthetic rows to create. */
  count: number;
  /** Nearest same-class neighbours to choose from (Euclidean). Default 5. */
  neighbours?: number;
  /** Seed of the random rows, neighbours and positions. Default 0. */
  seed?: number;
}

/**
 * SMOTE (Chawla et al. 2002) for numeric features: each synthetic row lies on the segment
 * between a random minority row and one of its k nearest minority neighbours. Returns only the
 * new rows; append them to the training set with the minority label.
 *
 * @example
 * const synthetic = smote(fraudRows, { count: 500, neighbours: 5, seed: 1 });
 */
export function smote(minorityRows: readonly (readonly number[])[], options: SmoteOptions): number[][] {
  const neighbours = options.neighbours ?? 5;
  if (!Number.isInteger(options.count) || options.count < 0) throw invalidValue('count', 'smote', 'a non-negative integer', options.count);
  if (!Number.isInteger(neighbours) || neighbours < 1) throw invalidValue('neighbours', 'smote', 'a positive integer', neighbours);
  if (minorityRows.length < 2) throw invalidValue('minorityRows', 'smote', 'at least 2 rows', minorityRows.length);
  minorityRows.forEach((row, r) => row.forEach((v, c) => {
    if (!Number.isFinite(v)) throw invalidValue(`minorityRows[${r}][${c}]`, 'smote', 'a finite number (impute first)', v);
  }));
  const k = Math.min(neighbours, minorityRows.length - 1);
  // Brute-force neighbour lists: minority classes are small, so O(n^2) is fine.
  const neighbourLists = minorityRows.map((row, i) =>
    minorityRows
      .map((other, j) => ({ j, distance: row.reduce((acc, v, c) => acc + (v - other[c]!) ** 2, 0) }))
      .filter((d) => d.j !== i)
      .sort((a, b) => a.distance - b.distance || a.j - b.j)
      .slice(0, k)
      .map((d) => d.j),
  );
  const random = seededRandom(options.seed ?? 0);
  const synthetic: number[][] = [];
  for (let s = 0; s < options.count; s++) {
    const i = Math.floor(random() * minorityRows.length);
    const j = neighbourLists[i]![Math.floor(random() * k)]!;
    const gap = random();
    synthetic.push(minorityRows[i]!.map((v, c) => v + gap * (minorityRows[j]![c]! - v)));
  }
  return synthetic;
}
