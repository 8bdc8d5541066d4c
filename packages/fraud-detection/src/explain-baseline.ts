import { FraudError, invalidValue } from './errors.js';
import type { TabularRow, TabularSchema } from './tabular-encoder.js';

function median(sorted: readonly number[]): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The reference row explanations compare against: the median of each numeric column (missing
 * values ignored) and the most frequent value of each categorical column (ties go to the
 * alphabetically first), computed on training rows. A median is an actual typical value, and
 * unlike the mean it is not moved by the long right tail of incomes or balances.
 *
 * @example
 * const baseline = tabularBaseline(trainRows, { numeric: ['int_rate'], categorical: ['term'] });
 * // { int_rate: 11.99, term: 'term_36' }
 */
export function tabularBaseline(rows: readonly TabularRow[], schema: TabularSchema): TabularRow {
  if (!Array.isArray(rows) || rows.length === 0) throw invalidValue('rows', 'tabularBaseline', 'at least one training row', rows);
  if (!schema || !Array.isArray(schema.numeric) || !Array.isArray(schema.categorical)) {
    throw invalidValue('schema', 'tabularBaseline', '{ numeric: string[], categorical: string[] }', schema);
  }
  const baseline: TabularRow = {};
  for (const column of schema.numeric) {
    const values: number[] = [];
    rows.forEach((row, i) => {
      const raw = row[column];
      if (raw === null || raw === undefined || raw === '') return;
      const value = typeof raw === 'number' ? raw : Number(raw);
      if (!Number.isFinite(value)) throw new FraudError(`column \`${column}\` row ${i}: expected a number, received ${JSON.stringify(raw)}.`);
      values.push(value);
    });
    if (values.length === 0) throw new FraudError(`column \`${column}\`: no numeric values in the training rows.`);
    baseline[column] = median(values.sort((a, b) => a - b));
  }
  for (const column of schema.categorical) {
    const counts = new Map<string, number>();
    for (const row of rows) {
      const value = String(row[column] ?? '');
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    const [mode] = [...counts].sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : a > b ? 1 : 0))[0]!;
    baseline[column] = mode;
  }
  return baseline;
}
