import type * as tf from '@tensorflow/tfjs-core';

/** Numbers from a tensor (read synchronously) or an array. */
export type Values = tf.Tensor | ArrayLike<number>;

function isTensor(value: unknown): value is tf.Tensor {
  return typeof value === 'object' && value !== null && typeof (value as tf.Tensor).dataSync === 'function' && Array.isArray((value as tf.Tensor).shape);
}

/** Flat values and the shape (arrays are 1-D). */
export function read(values: Values): { data: ArrayLike<number>; shape: number[] } {
  if (isTensor(values)) return { data: values.dataSync() as ArrayLike<number>, shape: values.shape.slice() };
  return { data: values, shape: [values.length] };
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
