import { invalidValue } from './errors.js';
import type { TabularEncoder } from './tabular-encoder.js';

/** The summed attribution of one original (schema) column. */
export interface ColumnAttribution {
  column: string;
  attribution: number;
}

/**
 * The schema column behind each encoded feature, in `encoder.featureNames` order: a numeric
 * column and its `_missing` flag map to the column, every one-hot slot (including `<other>`)
 * to its categorical column. Built from the schema, not by parsing names, so column names
 * containing '=' or ending in '_missing' still map correctly.
 */
function columnOfEachFeature(encoder: TabularEncoder): string[] {
  const { schema, numeric, categories } = encoder.toJSON();
  const columns: string[] = [];
  for (const column of schema.numeric) {
    columns.push(column);
    if (numeric[column]!.sawMissing) columns.push(column);
  }
  for (const column of schema.categorical) {
    for (let k = 0; k <= categories[column]!.length; k++) columns.push(column);
  }
  return columns;
}

/**
 * Maps attributions of encoded features (one per `encoder.featureNames` entry, e.g. from
 * `integratedGradients`) back to the schema's columns by summing each column's features (its
 * value and missing flag, or all its one-hot slots), largest |attribution| first. Sums keep
 * completeness: the column attributions add up to the same total.
 *
 * @example
 * const { attributions } = integratedGradients(scoreTensor, encoder.transform([loan]), { baseline });
 * formatAttributions(attributionsByColumn(encoder, attributions[0]).slice(0, 2)); // "int_rate +0.21, sub_grade +0.12"
 */
export function attributionsByColumn(encoder: TabularEncoder, attributions: ArrayLike<number>): ColumnAttribution[] {
  const columns = columnOfEachFeature(encoder);
  if (attributions === null || typeof attributions !== 'object' || attributions.length !== columns.length) {
    throw invalidValue('attributions', 'attributionsByColumn', `${columns.length} values (one per encoded feature)`, attributions === null || typeof attributions !== 'object' ? attributions : `${attributions.length} values`);
  }
  const sums = new Map<string, number>();
  columns.forEach((column, i) => {
    const value = attributions[i]!;
    if (!Number.isFinite(value)) throw invalidValue('attributions', 'attributionsByColumn', 'finite numbers', `${value} at index ${i} (${encoder.featureNames[i]})`);
    sums.set(column, (sums.get(column) ?? 0) + value);
  });
  return [...sums].map(([column, attribution]) => ({ column, attribution })).sort((a, b) => Math.abs(b.attribution) - Math.abs(a.attribution));
}
