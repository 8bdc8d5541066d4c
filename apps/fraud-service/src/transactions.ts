import type { TabularRow, TabularSchema } from '@loom-ml/fraud-detection';
import { invalidValue } from './errors.js';

/** Most transactions one request may carry. */
export const MAX_BATCH = 1000;

export interface ParsedRequest {
  /** True when the body was `{ "transactions": [...] }`; false for a single transaction object. */
  batch: boolean;
  /** Schema columns only, validated. */
  rows: TabularRow[];
  /** Each transaction's optional `id` (string or number), echoed back. */
  ids: (string | number | undefined)[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseTransaction(value: unknown, path: string, schema: TabularSchema, where: string): { row: TabularRow; id: string | number | undefined } {
  if (!isObject(value)) throw invalidValue(path || 'body', where, 'a JSON object with the loan fields', value);
  const prefix = path ? `${path}.` : '';
  // Wrong values first, then missing fields: a client sending one bad field hears about that field.
  for (const column of schema.numeric) {
    const v = value[column];
    if (column in value && v !== null && !(typeof v === 'number' && Number.isFinite(v))) throw invalidValue(`${prefix}${column}`, where, 'a finite number or null', v);
  }
  for (const column of schema.categorical) {
    if (column in value && typeof value[column] !== 'string') throw invalidValue(`${prefix}${column}`, where, 'a string', value[column]);
  }
  const row: TabularRow = {};
  for (const column of [...schema.numeric, ...schema.categorical]) {
    if (!(column in value)) {
      throw invalidValue(`${prefix}${column}`, where, `${schema.numeric.includes(column) ? 'a finite number or null' : 'a string'} (the field is missing)`, undefined);
    }
    row[column] = value[column];
  }
  const id = value.id;
  if (id !== undefined && typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) throw invalidValue(`${prefix}id`, where, 'a string or a number', id);
  return { row, id: id as string | number | undefined };
}

/**
 * Validates a `POST /score` body: one transaction object, or `{ "transactions": [...] }` with 1 to
 * 1000 of them. Every schema column must be present: numeric fields a finite number or null
 * (null = missing, imputed as the encoder does), categorical fields a string (an unseen category
 * is fine: it takes the encoder's `<other>` slot). Errors name the field, e.g. `transactions[2].int_rate`.
 * Fields outside the schema are ignored, except `id`, which is echoed back.
 *
 * @example
 * parseScoreRequest({ transactions: [loan] }, LOAN_SCHEMA).rows; // [loan's 22 fields]
 */
export function parseScoreRequest(body: unknown, schema: TabularSchema, where = 'POST /score'): ParsedRequest {
  if (isObject(body) && 'transactions' in body) {
    const list = body.transactions;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH) {
      throw invalidValue('transactions', where, `an array of 1 to ${MAX_BATCH} transaction objects`, Array.isArray(list) ? `${list.length} items` : list);
    }
    const parsed = list.map((item, i) => parseTransaction(item, `transactions[${i}]`, schema, where));
    return { batch: true, rows: parsed.map((p) => p.row), ids: parsed.map((p) => p.id) };
  }
  const { row, id } = parseTransaction(body, '', schema, where);
  return { batch: false, rows: [row], ids: [id] };
}
