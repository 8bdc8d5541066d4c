import { occludeFeatures, type FeatureOcclusionOptions, type FeatureOcclusionResult } from '@loom-ml/explain';
import { FraudError, invalidValue } from './errors.js';
import type { TabularRow } from './tabular-encoder.js';

/** How much one feature moved the score of one row. */
export interface FeatureAttribution {
  /** Column name (or the position's name for array rows). */
  feature: string;
  /** The row's value of this feature. */
  value: unknown;
  /** The reference value it was replaced by. */
  baseline: unknown;
  /** score(row) − score(row with this feature set to the baseline value). */
  attribution: number;
}

/** The score of a row and its per-feature attributions, largest |attribution| first. */
export interface Explanation {
  score: number;
  attributions: FeatureAttribution[];
}

/** A row keyed by column name, or a plain vector of numbers. */
export type ExplainableRow = TabularRow | readonly number[];

/** Options of `explainByPerturbation`: the baseline row and which features to attribute. */
export interface PerturbationOptions<Row extends ExplainableRow> {
  /**
   * Reference values, same shape as the row: for tabular data the training median of each
   * numeric column and the mode of each categorical column (`tabularBaseline`).
   */
  baseline: Row;
  /**
   * Object rows: the columns to attribute (default: every key of `baseline`).
   * Array rows: a name for each position (default `x0`, `x1`, ...).
   */
  features?: readonly string[];
}

const WHERE = 'explainByPerturbation';

function isArrayRow(row: ExplainableRow): row is readonly number[] {
  return Array.isArray(row);
}

/** Checks the row, baseline and feature names with this API's messages; returns the attributed names. */
function checkArguments<Row extends ExplainableRow>(row: Row, options: PerturbationOptions<Row>): string[] {
  const { baseline } = options;
  if (typeof row !== 'object' || row === null) throw invalidValue('row', WHERE, 'an object keyed by column or an array of numbers', row);
  if (typeof baseline !== 'object' || baseline === null || isArrayRow(baseline) !== isArrayRow(row)) {
    throw invalidValue('baseline', WHERE, `the same kind of row as \`row\` (${isArrayRow(row) ? 'an array' : 'an object'})`, baseline);
  }
  if (isArrayRow(row)) {
    const base = baseline as readonly number[];
    if (base.length !== row.length) throw invalidValue('baseline', WHERE, `${row.length} values (one per feature of the row)`, `${base.length} values`);
    const names = options.features ?? row.map((_, i) => `x${i}`);
    if (names.length !== row.length) throw invalidValue('features', WHERE, `${row.length} names (one per position of the row)`, `${names.length} names`);
    return [...names];
  }
  const base = baseline as TabularRow;
  const names = [...(options.features ?? Object.keys(base))];
  if (names.length === 0) throw invalidValue('features', WHERE, 'at least one column to attribute', names);
  for (const name of names) {
    if (!(name in base)) throw invalidValue('baseline', WHERE, `a value for every attributed column, including \`${name}\``, base);
  }
  return names;
}

/** The scores, checked with this API's messages before the shared implementation reads them. */
function checkScores(scores: ArrayLike<number>, names: readonly string[]): ArrayLike<number> {
  if (scores === null || typeof scores !== 'object' || scores.length !== names.length + 1) {
    throw invalidValue('scoreRows', WHERE, `a function returning ${names.length + 1} scores for ${names.length + 1} rows`, scores === null || typeof scores !== 'object' ? scores : `${scores.length} scores`);
  }
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new FraudError(`${WHERE}: scoreRows returned ${scores[i]} for ${i === 0 ? 'the row itself' : `the row with \`${names[i - 1]}\` at its baseline`}; scores must be finite.`);
  }
  return scores;
}

function toExplanation(result: FeatureOcclusionResult, baseline: ExplainableRow, keys: (string | number)[]): Explanation {
  const attributions = result.attributions.map(({ feature, value, attribution }, i) => ({
    feature,
    value,
    baseline: (baseline as Record<string | number, unknown>)[keys[i]!],
    attribution,
  }));
  // Stable sort: equal magnitudes keep the column order.
  attributions.sort((a, b) => Math.abs(b.attribution) - Math.abs(a.attribution));
  return { score: result.score, attributions };
}

/**
 * Model-agnostic explanation of one row: each feature's attribution is the score of the row minus
 * the score of the row with that feature replaced by its baseline value (the training median or
 * mode), so a positive attribution means "this value pushed the score up". Needs only a
 * `(rows) => scores` function, so it explains logistic regression, isolation forests, MLPs and
 * ensembles alike. All perturbed rows are scored in one call (by `@loom-ml/explain`'s
 * `occludeFeatures`, which this wraps). If `scoreRows` returns a promise,
 * so does this function.
 *
 * Attributions of correlated features are one-at-a-time effects and need not add up to
 * score(row) − score(baseline); use `integratedGradients` when that completeness matters.
 *
 * @example
 * const baseline = tabularBaseline(trainRows, schema);
 * const scoreRows = (rows) => model.predictProba(encoder.transform(rows));
 * const { score, attributions } = explainByPerturbation(scoreRows, loan, { baseline });
 * formatAttributions(attributions.slice(0, 2)); // "int_rate +0.21, sub_grade +0.12"
 */
export function explainByPerturbation<Row extends ExplainableRow>(
  scoreRows: (rows: Row[]) => Promise<ArrayLike<number>>,
  row: Row,
  options: PerturbationOptions<Row>,
): Promise<Explanation>;
export function explainByPerturbation<Row extends ExplainableRow>(scoreRows: (rows: Row[]) => ArrayLike<number>, row: Row, options: PerturbationOptions<Row>): Explanation;
export function explainByPerturbation<Row extends ExplainableRow>(
  scoreRows: (rows: Row[]) => ArrayLike<number> | Promise<ArrayLike<number>>,
  row: Row,
  options: PerturbationOptions<Row>,
): Explanation | Promise<Explanation> {
  if (typeof scoreRows !== 'function') throw invalidValue('scoreRows', WHERE, 'a function (rows) => scores', scoreRows);
  if (typeof options !== 'object' || options === null) throw invalidValue('options', WHERE, 'an object with a `baseline` row', options);
  const names = checkArguments(row, options);
  const keys: (string | number)[] = isArrayRow(row) ? row.map((_, i) => i) : names;
  // The shared one-at-a-time occlusion of @loom-ml/explain builds and scores the rows (in one call).
  const score = (rows: Row[]) => {
    const scores = scoreRows(rows);
    return scores instanceof Promise ? scores.then((s) => checkScores(s, names)) : checkScores(scores, names);
  };
  const shared = { baseline: options.baseline, features: names } as FeatureOcclusionOptions<Row>;
  const result = occludeFeatures(score as (rows: Row[]) => ArrayLike<number>, row, shared) as FeatureOcclusionResult | Promise<FeatureOcclusionResult>;
  if (result instanceof Promise) return result.then((r) => toExplanation(r, options.baseline, keys));
  return toExplanation(result, options.baseline, keys);
}

/**
 * One line for an analyst: attributions (per feature or per column) with their signs, e.g. "int_rate +0.21, sub_grade +0.12".
 *
 * @example
 * formatAttributions([{ feature: 'int_rate', attribution: 0.2104 }, { feature: 'term', attribution: -0.05 }]);
 * // "int_rate +0.21, term -0.05"
 */
export function formatAttributions(attributions: readonly ({ attribution: number } & ({ feature: string } | { column: string }))[], { digits = 2 } = {}): string {
  return attributions
    .map((item) => `${'feature' in item ? item.feature : item.column} ${item.attribution >= 0 ? '+' : '-'}${Math.abs(item.attribution).toFixed(digits)}`)
    .join(', ');
}
