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
  const values = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    if (row.length !== width) throw new FraudError(`${where}: row ${i} has ${row.length} features, expected ${width}.`);
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

/** Checks saved weights against a model's weights and assigns them. */
export function assignWeightsFromJSON(target: readonly tf.Variable[], saved: unknown, where: string): void {
  if (!Array.isArray(saved) || saved.length !== target.length) {
    throw invalidValue('weights', where, `${target.length} saved weights`, Array.isArray(saved) ? `${saved.length} weights` : saved);
  }
  target.forEach((variable, i) => {
    const w = saved[i] as WeightJSON;
    const size = variable.shape.reduce((a, b) => a * b, 1);
    if (!w || !Array.isArray(w.shape) || !tf.util.arraysEqual(w.shape, variable.shape) || !Array.isArray(w.values) || w.values.length !== size) {
      throw invalidValue(`weights[${i}]`, where, `shape [${variable.shape.join(', ')}] with ${size} values`, w && Array.isArray(w.shape) ? `shape [${w.shape.join(', ')}]` : w);
    }
    tf.tidy(() => variable.assign(tf.tensor(w.values, variable.shape, 'float32')));
  });
}
