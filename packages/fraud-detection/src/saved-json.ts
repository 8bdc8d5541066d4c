import { invalidValue } from './errors.js';

/**
 * Checks the `format` and `version` tags of a saved model, so a file of another kind (or from a
 * newer release) is named as such instead of failing later on a missing field.
 */
export function checkSavedFormat(json: unknown, format: string, version: number, where: string): Record<string, unknown> {
  const record = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  if (record?.format !== format) throw invalidValue('format', where, `'${format}' (the output of toJSON())`, record === undefined ? json : (record.format ?? null));
  if (record.version !== version) throw invalidValue('version', where, `${version}`, record.version ?? null);
  return record;
}

/** A saved finite number, or an error naming the field. */
export function savedNumber(record: Record<string, unknown>, field: string, where: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidValue(field, where, 'a finite number', value ?? null);
  return value;
}

/** A saved non-empty array of finite numbers, or an error naming the field (or the bad element). */
export function savedNumbers(record: Record<string, unknown>, field: string, where: string): number[] {
  const value = record[field];
  if (!Array.isArray(value) || value.length === 0) throw invalidValue(field, where, 'a non-empty array of finite numbers', value ?? null);
  value.forEach((v: unknown, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidValue(`${field}[${i}]`, where, 'a finite number', v ?? null);
  });
  return value as number[];
}
