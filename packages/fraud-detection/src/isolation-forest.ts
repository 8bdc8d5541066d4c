import { FraudError, invalidValue } from './errors.js';
import type { FeatureRows } from './feature-matrix.js';
import { seededRandom } from './random.js';

type Node = { feature: number; split: number; left: Node; right: Node } | { size: number };

export interface IsolationForestOptions {
  /** Number of trees. Default 100 (Liu et al. 2008). */
  trees?: number;
  /** Rows sampled (without replacement) per tree. Default 256. */
  sampleSize?: number;
  seed?: number;
}

/** Euler–Mascheroni constant, for the harmonic-number approximation. */
const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n items,
 * 2 H(n-1) - 2 (n-1)/n, which normalises path lengths (Liu, Ting & Zhou 2008).
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/**
 * Isolation forest anomaly detector in plain TypeScript. Anomalies are few and different, so
 * random axis-aligned splits isolate them in fewer steps: score(x) = 2^(-E[h(x)] / c(ψ)),
 * in (0, 1]; near 1 is anomalous, around 0.5 or below is normal.
 *
 * @example
 * const forest = new IsolationForest({ seed: 1 }).fit(rows);
 * const scores = forest.score(rows);
 */
export class IsolationForest {
  readonly trees: number;
  readonly sampleSize: number;
  readonly seed: number;
  private forest: Node[] = [];
  private usedSampleSize = 0;
  private features = 0;

  constructor(options: IsolationForestOptions = {}) {
    this.trees = options.trees ?? 100;
    this.sampleSize = options.sampleSize ?? 256;
    this.seed = options.seed ?? 0;
    if (!(Number.isInteger(this.trees) && this.trees > 0)) throw invalidValue('trees', 'IsolationForest', 'a positive integer', options.trees);
    if (!(Number.isInteger(this.sampleSize) && this.sampleSize > 1)) throw invalidValue('sampleSize', 'IsolationForest', 'an integer > 1', options.sampleSize);
  }

  /** Grows the trees on rows of numbers (every row the same length, finite values). */
  fit(rows: FeatureRows): this {
    if (!Array.isArray(rows) || rows.length < 2) throw invalidValue('rows', 'IsolationForest.fit', 'at least 2 rows', Array.isArray(rows) ? `${rows.length} rows` : rows);
    this.features = rows[0]!.length;
    rows.forEach((row, i) => {
      if (row.length !== this.features) throw new FraudError(`IsolationForest.fit: row ${i} has ${row.length} features, row 0 has ${this.features}.`);
      row.forEach((v: number, j: number) => {
        if (!Number.isFinite(v)) throw new FraudError(`IsolationForest.fit: row ${i}, feature ${j} is ${v}; impute missing values first.`);
      });
    });
    const random = seededRandom(this.seed);
    this.usedSampleSize = Math.min(this.sampleSize, rows.length);
    const heightLimit = Math.ceil(Math.log2(this.usedSampleSize));
    this.forest = Array.from({ length: this.trees }, () => {
      const indices = Array.from({ length: rows.length }, (_, i) => i);
      for (let i = 0; i < this.usedSampleSize; i++) {
        const j = i + Math.floor(random() * (indices.length - i));
        [indices[i], indices[j]] = [indices[j]!, indices[i]!];
      }
      return this.grow(rows, indices.slice(0, this.usedSampleSize), 0, heightLimit, random);
    });
    return this;
  }

  private grow(rows: FeatureRows, indices: number[], depth: number, limit: number, random: () => number): Node {
    if (depth >= limit || indices.length <= 1) return { size: indices.length };
    // Pick a feature that varies in this node; a node of identical rows is a leaf.
    const candidates = Array.from({ length: this.features }, (_, j) => j).filter((j) => {
      const first = rows[indices[0]!]![j]!;
      return indices.some((i) => rows[i]![j] !== first);
    });
    if (candidates.length === 0) return { size: indices.length };
    const feature = candidates[Math.floor(random() * candidates.length)]!;
    let min = Infinity;
    let max = -Infinity;
    for (const i of indices) {
      const v = rows[i]![feature]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const split = min + random() * (max - min);
    const left = indices.filter((i) => rows[i]![feature]! < split);
    const right = indices.filter((i) => rows[i]![feature]! >= split);
    return { feature, split, left: this.grow(rows, left, depth + 1, limit, random), right: this.grow(rows, right, depth + 1, limit, random) };
  }

  private pathLength(row: FeatureRows[number], node: Node, depth: number): number {
    if ('size' in node) return depth + averagePathLength(node.size);
    return this.pathLength(row, row[node.feature]! < node.split ? node.left : node.right, depth + 1);
  }

  /** Anomaly scores in (0, 1], one per row. */
  score(rows: FeatureRows): Float64Array {
    if (this.forest.length === 0) throw new FraudError('IsolationForest.score: call fit(rows) first.');
    const normaliser = averagePathLength(this.usedSampleSize);
    return Float64Array.from(rows, (row, i) => {
      if (row.length !== this.features) throw new FraudError(`IsolationForest.score: row ${i} has ${row.length} features, the forest was fitted on ${this.features}.`);
      const mean = this.forest.reduce((sum, tree) => sum + this.pathLength(row, tree, 0), 0) / this.forest.length;
      return 2 ** (-mean / normaliser);
    });
  }
}
