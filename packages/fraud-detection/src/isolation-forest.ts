import { FraudError, invalidValue } from './errors.js';
import type { FeatureRows } from './feature-matrix.js';
import { seededRandom } from './random.js';
import { checkSavedFormat } from './saved-json.js';

/** One tree node: a split on `feature` at `split` (rows below go left), or a leaf of `size` training rows. */
export type IsolationTreeNode = { feature: number; split: number; left: IsolationTreeNode; right: IsolationTreeNode } | { size: number };
type Node = IsolationTreeNode;

/** What `IsolationForest.toJSON` writes: the options, the fitted sizes and every tree. */
export interface IsolationForestJSON {
  format: 'loom-ml/isolation-forest';
  version: 1;
  sampleSize: number;
  seed: number;
  /** Rows each tree was grown on: min(sampleSize, training rows); sets the score's normaliser c(ψ). */
  usedSampleSize: number;
  /** Features per row. */
  features: number;
  forest: IsolationTreeNode[];
}

/** Options of `new IsolationForest`: number of trees, rows sampled per tree and seed. */
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
 * const restored = IsolationForest.fromJSON(JSON.parse(JSON.stringify(forest.toJSON())));
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

  /**
   * The fitted trees as plain, versioned JSON (`JSON.stringify` it to save). Split points are
   * float64 numbers, which JSON keeps exactly, so a restored forest scores identically.
   *
   * @example
   * await writeFile('forest.json', JSON.stringify(forest.toJSON()));
   */
  toJSON(): IsolationForestJSON {
    if (this.forest.length === 0) throw new FraudError('IsolationForest.toJSON: call fit(rows) first.');
    return {
      format: 'loom-ml/isolation-forest',
      version: 1,
      sampleSize: this.sampleSize,
      seed: this.seed,
      usedSampleSize: this.usedSampleSize,
      features: this.features,
      forest: JSON.parse(JSON.stringify(this.forest)) as IsolationTreeNode[],
    };
  }

  /**
   * Rebuilds a forest saved with `toJSON()`. Every node is checked, and a bad one is named by its
   * path, e.g. `forest[3].left.split`.
   *
   * @example
   * const forest = IsolationForest.fromJSON(JSON.parse(await readFile('forest.json', 'utf8')));
   */
  static fromJSON(json: IsolationForestJSON): IsolationForest {
    const where = 'IsolationForest.fromJSON';
    const record = checkSavedFormat(json, 'loom-ml/isolation-forest', 1, where);
    const integerField = (field: string, min: number): number => {
      const value = record[field];
      if (!(Number.isInteger(value) && (value as number) >= min)) throw invalidValue(field, where, `an integer >= ${min}`, value ?? null);
      return value as number;
    };
    const sampleSize = integerField('sampleSize', 2);
    const usedSampleSize = integerField('usedSampleSize', 2);
    const features = integerField('features', 1);
    const seed = record.seed;
    if (typeof seed !== 'number' || !Number.isFinite(seed)) throw invalidValue('seed', where, 'a finite number', seed ?? null);
    if (usedSampleSize > sampleSize) throw invalidValue('usedSampleSize', where, `at most sampleSize (${sampleSize})`, usedSampleSize);
    const forest = record.forest;
    if (!Array.isArray(forest) || forest.length === 0) throw invalidValue('forest', where, 'a non-empty array of trees', forest ?? null);
    // fit() stops growing at ceil(log2(ψ)); deeper saved trees are not ones fit() could make.
    const heightLimit = Math.ceil(Math.log2(usedSampleSize));
    const check = (node: unknown, path: string, depth: number): Node => {
      const n = typeof node === 'object' && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>) : undefined;
      if (n === undefined) throw invalidValue(path, where, 'a tree node ({ size } or { feature, split, left, right })', node ?? null);
      if ('size' in n) {
        if (!(Number.isInteger(n.size) && (n.size as number) >= 0 && (n.size as number) <= usedSampleSize)) throw invalidValue(`${path}.size`, where, `an integer from 0 to usedSampleSize (${usedSampleSize})`, n.size ?? null);
        return { size: n.size as number };
      }
      if (depth >= heightLimit) throw invalidValue(path, where, `a leaf ({ size }) at depth ${heightLimit}, the height limit for ${usedSampleSize} samples`, 'a split node');
      if (!(Number.isInteger(n.feature) && (n.feature as number) >= 0 && (n.feature as number) < features)) throw invalidValue(`${path}.feature`, where, `an integer from 0 to ${features - 1}`, n.feature ?? null);
      if (typeof n.split !== 'number' || !Number.isFinite(n.split)) throw invalidValue(`${path}.split`, where, 'a finite number', n.split ?? null);
      return { feature: n.feature as number, split: n.split, left: check(n.left, `${path}.left`, depth + 1), right: check(n.right, `${path}.right`, depth + 1) };
    };
    const restored = new IsolationForest({ trees: forest.length, sampleSize, seed });
    restored.forest = forest.map((tree: unknown, t) => check(tree, `forest[${t}]`, 0));
    restored.usedSampleSize = usedSampleSize;
    restored.features = features;
    return restored;
  }
}
