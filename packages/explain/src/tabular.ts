import { ExplainError, checkPositiveInteger, invalidValue } from './errors.js';
import { checkOptions } from './gradient-methods.js';
import { seededRandom } from '@loom-ml/core';

/** A row keyed by column name, or a plain array of values. */
export type TabularRow = Readonly<Record<string, unknown>> | readonly unknown[];

/** A black-box scorer: one number per row, returned at once or as a promise. */
export type ScoreRows<Row> = (rows: Row[]) => ArrayLike<number> | Promise<ArrayLike<number>>;

/** One feature's value and attribution. */
export interface FeatureAttribution {
  /** Column name, or `x0`, `x1`, ... for array rows (unless `features` names them). */
  feature: string;
  /** The row's value of the feature. */
  value: unknown;
  /** The attribution: how much this feature moved the score, in the score's units. */
  attribution: number;
}

interface Layout<Row> {
  names: string[];
  /** A copy of `row` with the features where `useRow[i]` is false taken from `other`. */
  compose(useRow: ArrayLike<boolean>, other: Row): Row;
  valueOf(i: number): unknown;
}

const isArrayRow = (row: unknown): row is readonly unknown[] => Array.isArray(row);

function layoutOf<Row extends TabularRow>(row: Row, references: readonly Row[], features: readonly string[] | undefined, where: string, referenceName: string): Layout<Row> {
  if (typeof row !== 'object' || row === null) throw invalidValue('row', where, 'an object keyed by column or an array of values', row);
  for (const reference of references) {
    if (typeof reference !== 'object' || reference === null || isArrayRow(reference) !== isArrayRow(row)) {
      throw invalidValue(referenceName, where, `the same kind of row as \`row\` (${isArrayRow(row) ? 'an array' : 'an object'})`, reference);
    }
  }
  if (isArrayRow(row)) {
    for (const reference of references) {
      if ((reference as readonly unknown[]).length !== row.length) throw invalidValue(referenceName, where, `${row.length} values (one per feature of the row)`, `${(reference as readonly unknown[]).length} values`);
    }
    const names = features ? [...features] : row.map((_, i) => `x${i}`);
    if (names.length !== row.length) throw invalidValue('features', where, `${row.length} names (one per position of the row)`, `${names.length} names`);
    return {
      names,
      compose: (useRow, other) => row.map((v, i) => (useRow[i] ? v : (other as readonly unknown[])[i])) as unknown as Row,
      valueOf: (i) => row[i],
    };
  }
  const names = [...(features ?? Object.keys(references[0] ?? row))];
  if (names.length === 0) throw invalidValue('features', where, 'at least one column to attribute', names);
  for (const reference of references) {
    for (const name of names) {
      if (!Object.prototype.hasOwnProperty.call(reference, name)) throw invalidValue(referenceName, where, `a value for every attributed column, including \`${name}\``, reference);
    }
  }
  const record = row as Readonly<Record<string, unknown>>;
  return {
    names,
    compose: (useRow, other) => {
      // Spread and defineProperty create own data properties, so a column named __proto__
      // stays a column (an assignment would set the copy's prototype).
      const copy: Record<string, unknown> = { ...record };
      names.forEach((name, i) => {
        if (!useRow[i]) Object.defineProperty(copy, name, { value: (other as Readonly<Record<string, unknown>>)[name], enumerable: true, writable: true, configurable: true });
      });
      return copy as unknown as Row;
    },
    valueOf: (i) => record[names[i]!],
  };
}

function checkScores(scores: ArrayLike<number>, expected: number, where: string, describe: (i: number) => string): void {
  if (scores === null || typeof scores !== 'object' || typeof scores.length !== 'number' || scores.length !== expected) {
    throw invalidValue('scoreRows', where, `a function returning ${expected} scores for ${expected} rows`, scores === null || typeof scores !== 'object' ? scores : `${scores.length} scores`);
  }
  for (let i = 0; i < expected; i++) {
    if (!Number.isFinite(scores[i])) throw new ExplainError(`${where}: scoreRows returned ${scores[i]} for ${describe(i)}; scores must be finite.`);
  }
}

function then<T, U>(value: T | Promise<T>, next: (value: T) => U): U | Promise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Options of `occludeFeatures`: the baseline row and which features to attribute. */
export interface FeatureOcclusionOptions<Row> {
  /** The reference row: each feature in turn takes its value from it (e.g. training medians and modes). */
  baseline: Row;
  /** Object rows: the columns to attribute (default: every key of `baseline`). Array rows: a name per position. */
  features?: readonly string[];
}

/** What `occludeFeatures` returns: the row's score and one attribution per feature. */
export interface FeatureOcclusionResult {
  /** score(row). */
  score: number;
  /** Per feature, in `features` order: score(row) − score(row with that feature at the baseline). */
  attributions: FeatureAttribution[];
}

/**
 * One-at-a-time occlusion for a tabular row: each feature's attribution is the score of the row
 * minus the score with that feature set to its baseline value. Needs only a `(rows) => scores`
 * function; the row and its d perturbed copies are scored in one call. Returns a promise when
 * `scoreRows` does.
 *
 * Caveat: one feature at a time; attributions of correlated or interacting features need not
 * add up to score(row) − score(baseline). Use `kernelShap` when they must.
 *
 * @example
 * const { attributions } = occludeFeatures((rows) => model.predict(rows), [5.1, 3.5], { baseline: [5.8, 3.0] });
 */
export function occludeFeatures<Row extends TabularRow>(scoreRows: (rows: Row[]) => Promise<ArrayLike<number>>, row: Row, options: FeatureOcclusionOptions<Row>): Promise<FeatureOcclusionResult>;
export function occludeFeatures<Row extends TabularRow>(scoreRows: (rows: Row[]) => ArrayLike<number>, row: Row, options: FeatureOcclusionOptions<Row>): FeatureOcclusionResult;
export function occludeFeatures<Row extends TabularRow>(scoreRows: ScoreRows<Row>, row: Row, options: FeatureOcclusionOptions<Row>): FeatureOcclusionResult | Promise<FeatureOcclusionResult> {
  const where = 'occludeFeatures';
  if (typeof scoreRows !== 'function') throw invalidValue('scoreRows', where, 'a function (rows) => scores', scoreRows);
  const settings = checkOptions(options, where);
  const layout = layoutOf(row, [settings.baseline], settings.features, where, 'baseline');
  const d = layout.names.length;
  const rows = [row, ...layout.names.map((_, i) => layout.compose(Array.from({ length: d }, (_, j) => j !== i), settings.baseline))];
  return then(scoreRows(rows), (scores) => {
    checkScores(scores, d + 1, where, (i) => (i === 0 ? 'the row itself' : `the row with \`${layout.names[i - 1]}\` at its baseline`));
    const score = scores[0]!;
    return { score, attributions: layout.names.map((feature, i) => ({ feature, value: layout.valueOf(i), attribution: score - scores[i + 1]! })) };
  });
}

/**
 * Options of `kernelShap`: the reference row(s) an absent feature takes its value from, which
 * features to attribute, and how many coalitions to sample (seeded).
 */
export interface KernelShapOptions<Row> {
  /** One reference row. Give this or `background`. */
  baseline?: Row;
  /**
   * Reference rows (a sample of training rows): an absent feature takes each one's value in
   * turn and the scores are averaged, which estimates Shapley values of the expected score.
   */
  background?: readonly Row[];
  /** Object rows: the columns to attribute. Array rows: a name per position. */
  features?: readonly string[];
  /**
   * Coalitions (subsets of features) to evaluate. When it is at least 2^d − 2, every coalition
   * is used and the values are the exact Shapley values. Default 2048.
   */
  samples?: number;
  /** Seed of the sampled coalitions. Default 0. */
  seed?: number;
}

/**
 * What `kernelShap` returns: the attributions (Shapley value estimates, which add up to
 * `score - baselineScore`) and what it cost to compute them.
 */
export interface KernelShapResult {
  /** score(row). */
  score: number;
  /** The mean score of the reference rows: the attributions add up to score − baselineScore. */
  baselineScore: number;
  /** Per feature, in `features` order. */
  attributions: FeatureAttribution[];
  /** Coalitions evaluated (each scored on every reference row). */
  coalitions: number;
  /** True when every coalition was evaluated: the attributions are the exact Shapley values. */
  exact: boolean;
  /** Rows scored in all (coalitions + 2, times the reference rows). */
  rowsScored: number;
}

function binomial(n: number, k: number): number {
  let value = 1;
  for (let i = 1; i <= k; i++) value = (value * (n - k + i)) / i;
  return value;
}

/** Solves A x = b (A symmetric positive semi-definite, small) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const m = b.length;
  const scale = Math.max(1e-300, ...a.map((row, i) => Math.abs(row[i]!)));
  const matrix = a.map((row, i) => [...row.map((v, j) => v + (i === j ? 1e-12 * scale : 0)), b[i]!]);
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(matrix[r]![col]!) > Math.abs(matrix[pivot]![col]!)) pivot = r;
    [matrix[col], matrix[pivot]] = [matrix[pivot]!, matrix[col]!];
    const head = matrix[col]!;
    if (head[col] === 0) continue;
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const factor = matrix[r]![col]! / head[col]!;
      if (factor !== 0) for (let c = col; c <= m; c++) matrix[r]![c]! -= factor * head[c]!;
    }
  }
  return matrix.map((row, i) => (row[i] === 0 ? 0 : row[m]! / row[i]!));
}

/**
 * KernelSHAP (Lundberg & Lee 2017) for a tabular row and any `(rows) => scores` function: scores
 * the row with subsets of its features replaced by reference values and fits the Shapley-kernel
 * weighted linear model whose coefficients are the features' Shapley values, constrained to add
 * up to score − baselineScore. With 2^d − 2 or more `samples`, every subset is used and the
 * answer is exact; otherwise `samples` coalitions are drawn (seeded, in complementary pairs).
 * Everything is scored in one call of `scoreRows`; returns a promise when it does.
 *
 * Caveat: sampled values carry sampling noise (rerun with another seed to see it; it shrinks as
 * 1/√samples), and replacing features by reference values independently creates rows that may
 * never occur (a loan amount far above the income), which the model may score strangely.
 *
 * @example
 * const { attributions, coalitions, exact } = kernelShap(scoreRows, row, { background: trainRows.slice(0, 20), samples: 512, seed: 1 });
 */
export function kernelShap<Row extends TabularRow>(scoreRows: (rows: Row[]) => Promise<ArrayLike<number>>, row: Row, options: KernelShapOptions<Row>): Promise<KernelShapResult>;
export function kernelShap<Row extends TabularRow>(scoreRows: (rows: Row[]) => ArrayLike<number>, row: Row, options: KernelShapOptions<Row>): KernelShapResult;
export function kernelShap<Row extends TabularRow>(scoreRows: ScoreRows<Row>, row: Row, options: KernelShapOptions<Row>): KernelShapResult | Promise<KernelShapResult> {
  const where = 'kernelShap';
  if (typeof scoreRows !== 'function') throw invalidValue('scoreRows', where, 'a function (rows) => scores', scoreRows);
  const settings = checkOptions(options, where);
  if ((settings.baseline === undefined) === (settings.background === undefined)) throw invalidValue('options', where, 'either `baseline` (one row) or `background` (rows)', 'both or neither');
  const references = settings.background !== undefined ? settings.background : [settings.baseline!];
  if (!Array.isArray(references) || references.length === 0) throw invalidValue('background', where, 'a non-empty array of rows', references);
  const referenceName = settings.background !== undefined ? 'background' : 'baseline';
  const layout = layoutOf(row, references, settings.features, where, referenceName);
  const d = layout.names.length;
  const samples = settings.samples === undefined ? 2048 : checkPositiveInteger(settings.samples, 'samples', where, 1 << 20);
  const seed = settings.seed ?? 0;
  if (!(typeof seed === 'number' && Number.isFinite(seed))) throw invalidValue('seed', where, 'a number', seed);

  // Coalitions (true = the feature keeps the row's value) and their regression weights.
  const coalitions: boolean[][] = [];
  const weights: number[] = [];
  const all = 2 ** d - 2;
  const exact = d <= 30 && samples >= all;
  if (exact) {
    for (let mask = 1; mask <= all; mask++) {
      const coalition = Array.from({ length: d }, (_, i) => ((mask >> i) & 1) === 1);
      const size = coalition.filter(Boolean).length;
      coalitions.push(coalition);
      weights.push((d - 1) / (binomial(d, size) * size * (d - size)));
    }
  } else if (d >= 2) {
    // Sizes drawn with probability ∝ (d − 1) / (k (d − k)) (the kernel's mass per size); each
    // coalition comes with its complement, which halves the variance of the fit.
    const random = seededRandom(seed);
    const sizeMass = Array.from({ length: d - 1 }, (_, i) => (d - 1) / ((i + 1) * (d - i - 1)));
    const totalMass = sizeMass.reduce((a, b) => a + b, 0);
    while (coalitions.length < samples) {
      let u = random() * totalMass;
      let size = 1;
      while (size < d - 1 && u > sizeMass[size - 1]!) u -= sizeMass[size++ - 1]!;
      const order = Array.from({ length: d }, (_, i) => i);
      for (let i = 0; i < size; i++) {
        const j = i + Math.floor(random() * (d - i));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const coalition = new Array<boolean>(d).fill(false);
      for (let i = 0; i < size; i++) coalition[order[i]!] = true;
      coalitions.push(coalition);
      weights.push(1);
      if (coalitions.length < samples) {
        coalitions.push(coalition.map((v) => !v));
        weights.push(1);
      }
    }
  }
  const everything = new Array<boolean>(d).fill(true);
  const nothing = new Array<boolean>(d).fill(false);
  const masks = [everything, nothing, ...coalitions];
  const rows: Row[] = [];
  for (const mask of masks) for (const reference of references) rows.push(layout.compose(mask, reference));
  const r = references.length;
  return then(scoreRows(rows), (scores) => {
    checkScores(scores, rows.length, where, (i) => `row ${i} (coalition ${Math.floor(i / r)}, reference row ${i % r})`);
    const value = (k: number) => {
      let sum = 0;
      for (let j = 0; j < r; j++) sum += scores[k * r + j]!;
      return sum / r;
    };
    const full = value(0);
    const empty = value(1);
    const total = full - empty;
    let phi: number[];
    if (d === 1) phi = [total];
    else {
      // Eliminate the last feature with the constraint Σ φ = total: y = v(z) − v(∅) − z_d · total,
      // X_i = z_i − z_d, and solve the weighted normal equations for φ_1..φ_{d−1}.
      const m = d - 1;
      const gram = Array.from({ length: m }, () => new Array<number>(m).fill(0));
      const right = new Array<number>(m).fill(0);
      coalitions.forEach((z, c) => {
        const w = weights[c]!;
        const last = z[d - 1] ? 1 : 0;
        const y = value(c + 2) - empty - last * total;
        const features = Array.from({ length: m }, (_, i) => (z[i] ? 1 : 0) - last);
        for (let i = 0; i < m; i++) {
          if (features[i] === 0) continue;
          right[i]! += w * features[i]! * y;
          for (let j = 0; j < m; j++) gram[i]![j]! += w * features[i]! * features[j]!;
        }
      });
      const head = solve(gram, right);
      phi = [...head, total - head.reduce((a, b) => a + b, 0)];
    }
    return {
      score: full,
      baselineScore: empty,
      attributions: layout.names.map((feature, i) => ({ feature, value: layout.valueOf(i), attribution: phi[i]! })),
      coalitions: coalitions.length,
      exact: exact || d === 1,
      rowsScored: rows.length,
    };
  });
}
