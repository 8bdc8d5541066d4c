import type * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';

/**
 * Numbers from a tensor (read synchronously), a flat array (`[n]`) or an array of rows
 * (`[n, columns]`, e.g. per-class scores `[[0.1, 0.9], [0.2, 0.8]]`).
 */
export type Values = tf.Tensor | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

function isTensor(value: unknown): value is tf.Tensor {
  return typeof value === 'object' && value !== null && typeof (value as tf.Tensor).dataSync === 'function' && Array.isArray((value as tf.Tensor).shape);
}

function isRow(value: unknown): value is ArrayLike<number> {
  return typeof value === 'object' && value !== null && typeof (value as ArrayLike<number>).length === 'number';
}

/**
 * Flat values and their shape. An array whose elements are arrays is read as rows: shape
 * `[rows, columns]`, every row as long as the first and made of numbers, so
 * `[[0.1, 0.9], [0.2, 0.8]]` is two samples of two class scores, never two scalars.
 * `name` and `where` name the argument in errors.
 */
export function read(values: Values, name: string, where: string): { data: ArrayLike<number>; shape: number[] } {
  if (isTensor(values)) return { data: values.dataSync() as ArrayLike<number>, shape: values.shape.slice() };
  if (!isRow(values)) throw invalidValue(name, where, 'a tensor, an array of numbers or an array of rows', typeof values);
  if (values.length === 0 || !isRow(values[0])) {
    if (ArrayBuffer.isView(values)) return { data: values as ArrayLike<number>, shape: [values.length] };
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'number') throw invalidValue(`${name}[${i}]`, where, `a number (like ${name}[0])`, typeof values[i] === 'object' ? 'an array' : values[i]);
    }
    return { data: values as ArrayLike<number>, shape: [values.length] };
  }
  const rows = values as unknown as ArrayLike<ArrayLike<number>>;
  const columns = rows[0]!.length;
  const data = new Float64Array(rows.length * columns);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!isRow(row) || row.length !== columns) {
      throw invalidValue(`${name}[${r}]`, where, `a row of ${columns} numbers (like ${name}[0])`, isRow(row) ? `a row of ${row.length}` : row);
    }
    for (let c = 0; c < columns; c++) {
      const value = row[c];
      if (typeof value !== 'number') throw invalidValue(`${name}[${r}][${c}]`, where, 'a number', isRow(value) ? 'an array (at most 2 levels of nesting)' : value);
      data[r * columns + c] = value;
    }
  }
  return { data, shape: [rows.length, columns] };
}

/** Index of the largest value in each row of a [rows, columns] buffer (first on ties). */
export function argmaxRows(data: ArrayLike<number>, columns: number): Int32Array {
  const rows = Math.floor(data.length / columns);
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < columns; c++) if (data[r * columns + c]! > data[r * columns + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/**
 * One number per sample (`[n]` or `[n, 1]`), for labels, class indices and binary scores; an
 * array of wider rows (per-class scores) is refused by name instead of being misread.
 */
export function readPerSample(values: Values, name: string, where: string, what = 'one number per sample'): ArrayLike<number> {
  const { data, shape } = read(values, name, where);
  if (shape.length > 2 || (shape.length === 2 && shape[1] !== 1)) {
    throw invalidValue(name, where, `${what} (shape [n] or [n, 1])`, `shape [${shape.join(', ')}]`);
  }
  return data;
}
