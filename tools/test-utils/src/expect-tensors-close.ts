import * as tf from '@tensorflow/tfjs-core';

/** Anything that can be compared as a flat list of numbers with a shape. */
export type TensorLike = tf.Tensor | number | ArrayLike<number> | readonly unknown[];

export interface Tolerance {
  /** Relative tolerance: allowed |actual - expected| grows with |expected|. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance: the floor of the allowed difference. Default 1e-6. */
  atol?: number;
}

interface Flat {
  shape: number[] | null;
  values: ArrayLike<number>;
}

function flatten(value: TensorLike): Flat {
  if (value instanceof tf.Tensor) {
    return { shape: value.shape.slice(), values: value.dataSync() as ArrayLike<number> };
  }
  if (typeof value === 'number') return { shape: [], values: [value] };
  if (Array.isArray(value)) {
    const shape: number[] = [];
    let level: unknown = value;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = level[0];
    }
    return { shape, values: (value as unknown[]).flat(Infinity) as number[] };
  }
  return { shape: null, values: value as ArrayLike<number> };
}

function sameShape(a: number[] | null, b: number[] | null): boolean {
  if (a === null || b === null) return true;
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

/**
 * Asserts `|actual - expected| <= atol + rtol * |expected|` element-wise (numpy's
 * `allclose` rule). NaN matches only NaN; infinities must match exactly.
 * Throws with the count of mismatches and the worst offender.
 *
 * @example
 * expectTensorsClose(tf.add(a, b), [3, 5], { rtol: 1e-6, atol: 1e-6 });
 */
export function expectTensorsClose(
  actual: TensorLike,
  expected: TensorLike,
  { rtol = 1e-5, atol = 1e-6 }: Tolerance = {},
): void {
  const a = flatten(actual);
  const e = flatten(expected);
  if (!sameShape(a.shape, e.shape)) {
    throw new Error(
      `Shape mismatch. Expected: [${e.shape?.join(', ')}]. Received: [${a.shape?.join(', ')}].`,
    );
  }
  if (a.values.length !== e.values.length) {
    throw new Error(
      `Size mismatch. Expected ${e.values.length} values. Received: ${a.values.length}.`,
    );
  }
  let mismatches = 0;
  let worstIndex = -1;
  let worstExcess = -Infinity;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i] as number;
    const y = e.values[i] as number;
    let excess: number;
    if (Number.isNaN(x) || Number.isNaN(y)) excess = Number.isNaN(x) && Number.isNaN(y) ? 0 : Infinity;
    else if (!Number.isFinite(x) || !Number.isFinite(y)) excess = x === y ? 0 : Infinity;
    else excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > 0) {
      mismatches++;
      if (excess > worstExcess) {
        worstExcess = excess;
        worstIndex = i;
      }
    }
  }
  if (mismatches > 0) {
    const x = a.values[worstIndex];
    const y = e.values[worstIndex];
    throw new Error(
      `${mismatches} of ${a.values.length} values differ beyond rtol=${rtol}, atol=${atol}. ` +
        `Worst at flat index ${worstIndex}: expected ${y}, received ${x} ` +
        `(|diff| = ${Math.abs((x as number) - (y as number))}).`,
    );
  }
}
