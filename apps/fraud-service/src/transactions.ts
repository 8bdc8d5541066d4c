import type { TabularEncoderJSON, TabularRow, TabularSchema } from '@loom-ml/fraud-detection';
import { invalidValue } from './errors.js';

/** Most transactions one request may carry. */
export const MAX_BATCH = 1000;

/** Longest category value or string `id` accepted, in characters (the training categories are at most 20). */
export const MAX_STRING_LENGTH = 100;

/** Numeric fields must lie within the training mean ± this many training standard deviations. */
export const MAX_STANDARD_SCORE = 1000;

export interface ParsedRequest {
  /** True when the body was `{ "transactions": [...] }`; false for a single transaction object. */
  batch: boolean;
  /** Schema columns only, validated. */
  rows: TabularRow[];
  /** Each transaction's optional `id` (string or number), echoed back. */
  ids: (string | number | undefined)[];
}

/** Allowed range of each numeric field. */
export type NumericRanges = ReadonlyMap<string, { min: number; max: number }>;

export interface RequestLimits {
  /** Longest category value or string id. Default {@link MAX_STRING_LENGTH}. */
  maxStringLength?: number;
  /** Range of each numeric field; fields without one need only be finite. See {@link numericRanges}. */
  ranges?: NumericRanges;
}

/** `value` to 3 significant digits, rounded down for a lower bound (-1) or up for an upper one (1). */
function roundOutward(value: number, direction: -1 | 1): number {
  if (value === 0) return 0;
  const step = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 2);
  let rounded = Number(value.toPrecision(3));
  if (direction * (rounded - value) < 0) rounded = Number((rounded + direction * step).toPrecision(3));
  return rounded;
}

/**
 * The range each numeric field may take: the training mean ± {@link MAX_STANDARD_SCORE} standard
 * deviations, rounded outward to 3 significant digits. Generous for real data (an income 1,000
 * standard deviations out is no income), tight enough that no value can overflow the encoder or
 * the model (1e308 otherwise scores NaN).
 *
 * @example
 * numericRanges(bundle.encoder).get('int_rate'); // { min: -4950, max: 4980 } for mean 12.5, std 4.96
 */
export function numericRanges(encoder: TabularEncoderJSON, standardScores = MAX_STANDARD_SCORE): Map<string, { min: number; max: number }> {
  const ranges = new Map<string, { min: number; max: number }>();
  for (const column of encoder.schema.numeric) {
    const { mean, std } = encoder.numeric[column]!;
    ranges.set(column, { min: roundOutward(mean - standardScores * std, -1), max: roundOutward(mean + standardScores * std, 1) });
  }
  return ranges;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const has = (value: Record<string, unknown>, key: string) => Object.prototype.hasOwnProperty.call(value, key);

function parseTransaction(value: unknown, path: string, schema: TabularSchema, where: string, maxLength: number, ranges: NumericRanges | undefined): { row: TabularRow; id: string | number | undefined } {
  if (!isObject(value)) throw invalidValue(path || 'body', where, 'a JSON object with the loan fields', value);
  const prefix = path ? `${path}.` : '';
  // Wrong values first, then missing fields: a client sending one bad field hears about that field.
  for (const column of schema.numeric) {
    if (!has(value, column)) continue;
    const v = value[column];
    const range = ranges?.get(column);
    if (v !== null && !(typeof v === 'number' && Number.isFinite(v) && (range === undefined || (v >= range.min && v <= range.max)))) {
      throw invalidValue(`${prefix}${column}`, where, range === undefined ? 'a finite number or null' : `a number from ${range.min} to ${range.max} (the training mean ± ${MAX_STANDARD_SCORE} standard deviations) or null`, v);
    }
  }
  for (const column of schema.categorical) {
    if (!has(value, column)) continue;
    const v = value[column];
    if (typeof v !== 'string' || v.length > maxLength) throw invalidValue(`${prefix}${column}`, where, `a string of at most ${maxLength} characters`, v);
  }
  const row: TabularRow = {};
  for (const column of [...schema.numeric, ...schema.categorical]) {
    if (!has(value, column)) {
      throw invalidValue(`${prefix}${column}`, where, `${schema.numeric.includes(column) ? 'a finite number or null' : 'a string'} (the field is missing)`, undefined);
    }
    row[column] = value[column];
  }
  const id = has(value, 'id') ? value.id : undefined;
  if (id !== undefined && !(typeof id === 'string' && id.length <= maxLength) && !(typeof id === 'number' && Number.isFinite(id))) {
    throw invalidValue(`${prefix}id`, where, `a string of at most ${maxLength} characters or a number`, id);
  }
  return { row, id: id as string | number | undefined };
}

/**
 * Validates a `POST /score` body: one transaction object, or `{ "transactions": [...] }` with 1 to
 * 1000 of them. Every schema column must be present: numeric fields a finite number or null
 * (null = missing, imputed as the encoder does), within `limits.ranges` when given; categorical
 * fields a string of at most `limits.maxStringLength` characters (an unseen category is fine: it
 * takes the encoder's `<other>` slot). Errors name the field, e.g. `transactions[2].int_rate`.
 * Fields outside the schema are ignored, except `id` (a short string or a number), echoed back.
 *
 * @example
 * parseScoreRequest({ transactions: [loan] }, LOAN_SCHEMA).rows; // [loan's 22 fields]
 */
export function parseScoreRequest(body: unknown, schema: TabularSchema, where = 'POST /score', limits: RequestLimits = {}): ParsedRequest {
  const maxLength = limits.maxStringLength ?? MAX_STRING_LENGTH;
  if (isObject(body) && has(body, 'transactions')) {
    const list = body.transactions;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH) {
      throw invalidValue('transactions', where, `an array of 1 to ${MAX_BATCH} transaction objects`, Array.isArray(list) ? `${list.length} items` : list);
    }
    const parsed = list.map((item, i) => parseTransaction(item, `transactions[${i}]`, schema, where, maxLength, limits.ranges));
    return { batch: true, rows: parsed.map((p) => p.row), ids: parsed.map((p) => p.id) };
  }
  const { row, id } = parseTransaction(body, '', schema, where, maxLength, limits.ranges);
  return { batch: false, rows: [row], ids: [id] };
}
