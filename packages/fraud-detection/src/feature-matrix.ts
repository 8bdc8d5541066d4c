import * as tf from '@tensorflow/tfjs-core';
import { FraudError, invalidValue } from './errors.js';

/** Rows of features: plain number arrays or Float32Arrays, every row the same length. */
export type FeatureRows = readonly (readonly number[] | Float32Array)[];

/**
 * Packs rows into one Float32Array after checking that they are rectangular and finite, so a
 * bad row is reported by number instead of surfacing as NaN scores later.
 */
export function packRows(rows: FeatureRows, where: string, expectedWidth?: number): { values: Float32Array; rows: number; width: number } {
  if (!Array.isArray(rows) || rows.length === 0) throw invalidValue('rows', where, 'a non-empty array of feature rows', Array.isArray(rows) ? '[]' : rows);
  const width = expectedWidth ?? rows[0]!.length;
  if (!(width > 0)) throw invalidValue('rows[0]', where, 'a non-empty feature row', '[]');
  // Every row's length is checked before allocating, so a width from a saved model (say a
  // billion features) never allocates more than the rows hold.
  rows.forEach((row, i) => {
    if (row?.length !== width) throw new FraudError(`${where}: row ${i} has ${row?.length} features, expected ${width}.`);
  });
  const values = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    for (let j = 0; j < width; j++) {
      const v = row[j]!;
      if (!Number.isFinite(v)) throw new FraudError(`${where}: row ${i}, feature ${j} is ${v}; impute missing values first.`);
      values[i * width + j] = v;
    }
  });
  return { values, rows: rows.length, width };
}

/** The rows as a [rows, width] tensor the caller owns. */
export function rowsToTensor(rows: FeatureRows, where: string, expectedWidth?: number): tf.Tensor2D {
  const packed = packRows(rows, where, expectedWidth);
  return tf.tensor2d(packed.values, [packed.rows, packed.width]);
}

/** Checks binary labels (one per row) and returns them as numbers. */
export function binaryLabels(labels: ArrayLike<number>, rows: number, where: string): Float32Array {
  if (labels === null || typeof labels !== 'object' || labels.length !== rows) {
    throw invalidValue('labels', where, `${rows} labels (one per row)`, labels === null || typeof labels !== 'object' ? labels : `${labels.length} labels`);
  }
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw invalidValue(`labels[${i}]`, where, '0 or 1', labels[i]);
    out[i] = labels[i]!;
  }
  return out;
}

/** A tensor-saved weight: shape and values as plain JSON. */
export interface WeightJSON {
  shape: number[];
  values: number[];
}

/** Copies tensors into JSON-safe arrays (float32 values survive a JSON round trip exactly). */
export function weightsToJSON(weights: readonly tf.Tensor[]): WeightJSON[] {
  return weights.map((w) => ({ shape: [...w.shape], values: Array.from(w.dataSync()) }));
}

/** The largest finite float32: saved weights beyond it would load as Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Saved architecture fields: `inputSize` a positive integer, `hiddenUnits` a list of them. */
export function savedArchitecture(record: Record<string, unknown>, where: string, allowNoHidden: boolean): { inputSize: number; hiddenUnits: number[] } {
  const inputSize = record.inputSize;
  if (!(Number.isSafeInteger(inputSize) && (inputSize as number) > 0)) throw invalidValue('inputSize', where, 'a positive integer', inputSize ?? null);
  const hidden = record.hiddenUnits;
  const ok = Array.isArray(hidden) && (allowNoHidden || hidden.length > 0) && hidden.length <= 64 && hidden.every((u) => Number.isSafeInteger(u) && (u as number) > 0);
  if (!ok) throw invalidValue('hiddenUnits', where, `${allowNoHidden ? 'an' : 'a non-empty'} array of at most 64 positive integers`, hidden ?? null);
  return { inputSize: inputSize as number, hiddenUnits: [...(hidden as number[])] };
}

/** Kernel [inputs, units] and bias [units] of each dense layer of a stack, in `getWeights` order. */
export function denseWeightShapes(inputSize: number, units: readonly number[]): number[][] {
  const shapes: number[][] = [];
  let inputs = inputSize;
  for (const u of units) {
    shapes.push([inputs, u], [u]);
    inputs = u;
  }
  return shapes;
}

/**
 * Checks saved weights against the shapes a network will have, before the network is built:
 * one entry per weight, each with exactly that shape, as many values as the shape holds, every
 * one a finite float32. So a file declaring a huge network without the weights to fill it is
 * refused without allocating, and nothing is allocated beyond the values the file holds.
 */
export function savedWeights(saved: unknown, shapes: readonly number[][], where: string): Float32Array[] {
  if (!Array.isArray(saved) || saved.length !== shapes.length) {
    throw invalidValue('weights', where, `${shapes.length} saved weights`, Array.isArray(saved) ? `${saved.length} weights` : (saved ?? null));
  }
  const shapeText = (shape: readonly unknown[]) => `[${shape.join(', ')}]`;
  return shapes.map((shape, i) => {
    const w = saved[i] as Record<string, unknown> | null;
    const size = shape.reduce((a, b) => a * b, 1);
    const savedShape = w?.shape;
    if (typeof w !== 'object' || w === null || !Array.isArray(savedShape) || savedShape.length !== shape.length || savedShape.some((d, k) => d !== shape[k])) {
      throw invalidValue(`weights[${i}].shape`, where, shapeText(shape), Array.isArray(savedShape) ? shapeText(savedShape.slice(0, 8)) : (savedShape ?? null));
    }
    const values = w.values;
    if (!Array.isArray(values) || values.length !== size) {
      throw invalidValue(`weights[${i}].values`, where, `${size} values (shape ${shapeText(shape)})`, Array.isArray(values) ? `${values.length} values` : (values ?? null));
    }
    const out = new Float32Array(size);
    for (let k = 0; k < size; k++) {
      const v = values[k];
      if (typeof v !== 'number' || !(Math.abs(v) <= FLOAT32_MAX)) throw invalidValue(`weights[${i}].values[${k}]`, where, 'a finite float32', v ?? null);
      out[k] = v;
    }
    return out;
  });
}

/** Assigns weights already checked by `savedWeights` (same order and shapes as `target`). */
export function assignWeights(target: readonly tf.Variable[], weights: readonly Float32Array[]): void {
  target.forEach((variable, i) => tf.tidy(() => variable.assign(tf.tensor(weights[i]!, variable.shape, 'float32'))));
}
