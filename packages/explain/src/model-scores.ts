import * as tf from '@tensorflow/tfjs-core';
import { ExplainError, checkPositiveInteger, invalidValue } from './errors.js';

/** Anything with a Loom model's `apply`: a `Sequential`, a functional model, a layer. */
export interface ApplyModel {
  /** The forward pass; the explainers call it with `training: false`. */
  apply(inputs: tf.Tensor | tf.Tensor[], options?: { training?: boolean }): tf.Tensor | tf.Tensor[];
}

/**
 * A model as a function of tensors: it receives what `apply` would (one tensor, or one per input
 * for a model with several inputs) and returns the output(s), batch first. Written as a method
 * so that `(x: tf.Tensor2D) => tf.Tensor1D` is accepted as well.
 */
export type ModelFunction = { bivarianceHack(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] }['bivarianceHack'];

/** A `@loom-ml/layers` model (or anything with its `apply`) or a function of tensors. */
export type ExplainableModel = ApplyModel | ModelFunction;

/** Which number of the model's output is explained. */
export interface TargetOptions {
  /**
   * The class (output column) explained: one index for every row, one index per row, or
   * `'predicted'` (each row's largest output). Default: column 0 when the output has one column
   * (a sigmoid or regression score), `'predicted'` otherwise.
   */
  target?: number | readonly number[] | 'predicted';
  /** For a model with several outputs: which one. Required then; default 0 for one output. */
  output?: number;
}

/** A model run on a batch of points, each taken from row `rows[i]` of the explained inputs. */
export type Runner = (points: tf.Tensor[], rows: Int32Array) => tf.Tensor | tf.Tensor[];

/** The default number of points per model call: large enough that calls are few, small enough for memory. */
export const DEFAULT_BATCH_SIZE = 128;

export function runnerOf(model: ExplainableModel, singleInput: boolean, where: string): Runner {
  if (typeof model === 'function') {
    return (points) => (model as (inputs: tf.Tensor | tf.Tensor[]) => tf.Tensor | tf.Tensor[])(singleInput ? points[0]! : points);
  }
  if (model === null || typeof model !== 'object' || typeof (model as ApplyModel).apply !== 'function') {
    throw invalidValue('model', where, 'a Loom model (with apply) or a function of tensors', model);
  }
  return (points) => model.apply(singleInput ? points[0]! : points, { training: false });
}

/** The inputs as a list, each with the same batch size. */
export function inputList(inputs: tf.Tensor | readonly tf.Tensor[], where: string): { list: tf.Tensor[]; single: boolean; n: number } {
  const single = !Array.isArray(inputs);
  const list = (single ? [inputs] : [...(inputs as readonly tf.Tensor[])]) as tf.Tensor[];
  if (list.length === 0) throw invalidValue('inputs', where, 'a tensor, or one tensor per model input', 'an empty list');
  list.forEach((x, i) => {
    if (!(x instanceof tf.Tensor)) throw invalidValue(single ? 'inputs' : `inputs[${i}]`, where, 'a tensor with the batch first', x);
    if (x.rank < 1 || x.shape[0] === 0) throw invalidValue(single ? 'inputs' : `inputs[${i}]`, where, 'a tensor with at least one row (batch first)', `shape [${x.shape.join(', ')}]`);
    if (x.isDisposed) throw invalidValue(single ? 'inputs' : `inputs[${i}]`, where, 'a live tensor', 'a disposed tensor');
  });
  const n = list[0]!.shape[0];
  list.forEach((x, i) => {
    if (x.shape[0] !== n) throw invalidValue(`inputs[${i}]`, where, `${n} rows, as inputs[0] has`, `shape [${x.shape.join(', ')}]`);
  });
  return { list, single, n };
}

export function checkBatchSize(value: unknown, where: string): number {
  return value === undefined ? DEFAULT_BATCH_SIZE : checkPositiveInteger(value, 'batchSize', where, 1 << 20);
}

/** The explained output as a matrix [m, k]. */
export function outputMatrix(out: tf.Tensor | tf.Tensor[], m: number, outputIndex: number | undefined, where: string): tf.Tensor2D {
  let tensor: tf.Tensor;
  if (Array.isArray(out)) {
    if (outputIndex === undefined && out.length !== 1) throw invalidValue('output', where, `which of the model's ${out.length} outputs to explain (0 to ${out.length - 1})`, outputIndex);
    const index = outputIndex ?? 0;
    if (!(Number.isInteger(index) && index >= 0 && index < out.length)) throw invalidValue('output', where, `an integer from 0 to ${out.length - 1}`, outputIndex);
    tensor = out[index]!;
  } else {
    if (outputIndex !== undefined && outputIndex !== 0) throw invalidValue('output', where, '0 (the model has one output)', outputIndex);
    tensor = out;
  }
  if (!(tensor instanceof tf.Tensor) || tensor.rank < 1 || tensor.shape[0] !== m) {
    throw invalidValue('model', where, `a model returning one output row per input row (batch ${m} first)`, tensor instanceof tf.Tensor ? `an output of shape [${tensor.shape.join(', ')}]` : tensor);
  }
  return (tensor.rank === 1 ? tf.reshape(tensor, [m, 1]) : tf.reshape(tensor, [m, -1])) as tf.Tensor2D;
}

/** One score per row: column `targets[i]` of row i. */
export function selectScores(matrix: tf.Tensor2D, targets: Int32Array): tf.Tensor1D {
  const [m, k] = matrix.shape;
  if (k === 1) return tf.reshape(matrix, [m]) as tf.Tensor1D;
  const mask = tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), k), matrix.dtype);
  return tf.sum(tf.mul(matrix, mask), 1) as tf.Tensor1D;
}

/**
 * Runs the model on every row (in batches) and settles what each row explains: the output
 * column (`target`) and the score there. Returns the column count too.
 */
export function resolveTargets(
  run: Runner,
  list: tf.Tensor[],
  n: number,
  options: TargetOptions,
  batchSize: number,
  where: string,
): { targets: Int32Array; scores: Float64Array; columns: number } {
  const matrices: Float32Array[] = [];
  let columns = -1;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const rows = Int32Array.from({ length: end - start }, (_, i) => start + i);
    const data = tf.tidy(() => {
      const points = list.map((x) => (start === 0 && end === n ? x : tf.slice(x, start, end - start)));
      const matrix = outputMatrix(run(points, rows), end - start, options.output, where);
      columns = matrix.shape[1];
      return matrix.dataSync() as Float32Array;
    });
    matrices.push(data);
  }
  const { target } = options;
  const targets = new Int32Array(n);
  const scores = new Float64Array(n);
  const checkIndex = (value: unknown, name: string) => {
    if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < columns)) {
      throw invalidValue(name, where, columns === 1 ? '0 (the output has one column)' : `a class index from 0 to ${columns - 1}, or 'predicted'`, value);
    }
    return value;
  };
  if (Array.isArray(target) && target.length !== n) throw invalidValue('target', where, `one class index per row (${n})`, `${target.length} indices`);
  if (target !== undefined && target !== 'predicted' && !Array.isArray(target)) checkIndex(target, 'target');
  let row = 0;
  for (const data of matrices) {
    for (let i = 0; i < data.length / columns; i++, row++) {
      let chosen: number;
      if (Array.isArray(target)) chosen = checkIndex(target[row], `target[${row}]`);
      else if (typeof target === 'number') chosen = target;
      else if (columns === 1 && target === undefined) chosen = 0;
      else {
        chosen = 0;
        for (let c = 1; c < columns; c++) if (data[i * columns + c]! > data[i * columns + chosen]!) chosen = c;
      }
      targets[row] = chosen;
      scores[row] = data[i * columns + chosen]!;
      if (!Number.isFinite(scores[row])) throw new ExplainError(`${where}: the model scored row ${row} as ${scores[row]}; scores must be finite.`);
    }
  }
  return { targets, scores, columns };
}

/** Scores (at each row's target) of many points, in batches of `batchSize` model rows. */
export function scorePoints(
  run: Runner,
  total: number,
  rowOf: (point: number) => number,
  build: (start: number, end: number, rows: Int32Array) => tf.Tensor[],
  targets: Int32Array,
  outputIndex: number | undefined,
  batchSize: number,
  where: string,
): Float64Array {
  const scores = new Float64Array(total);
  for (let start = 0; start < total; start += batchSize) {
    const end = Math.min(total, start + batchSize);
    const rows = Int32Array.from({ length: end - start }, (_, i) => rowOf(start + i));
    const chunkTargets = rows.map((r) => targets[r]!);
    const data = tf.tidy(() => selectScores(outputMatrix(run(build(start, end, rows), rows), end - start, outputIndex, where), chunkTargets).dataSync());
    scores.set(data, start);
  }
  return scores;
}

/**
 * Σ over points of weight(point) · ∂score/∂point (times the point itself when
 * `multiplyByPoint`), accumulated per source row in float64: one array per input, [n · rowSize].
 * Each batch of points is one model call and one backward pass.
 */
export function accumulateGradients(
  run: Runner,
  total: number,
  rowOf: (point: number) => number,
  build: (start: number, end: number, rows: Int32Array) => tf.Tensor[],
  weightOf: (point: number) => number,
  targets: Int32Array,
  rowSizes: readonly number[],
  n: number,
  outputIndex: number | undefined,
  batchSize: number,
  multiplyByPoint: boolean,
  where: string,
): Float64Array[] {
  const sums = rowSizes.map((size) => new Float64Array(n * size));
  for (let start = 0; start < total; start += batchSize) {
    const end = Math.min(total, start + batchSize);
    const rows = Int32Array.from({ length: end - start }, (_, i) => rowOf(start + i));
    const chunkTargets = rows.map((r) => targets[r]!);
    const gradients = tf.tidy(() => {
      const points = build(start, end, rows);
      points.forEach((p, i) => {
        if (p.dtype !== 'float32') throw invalidValue(`inputs[${i}]`, where, 'float32 values (ids are not differentiable: use embeddingAttributions for token ids)', `dtype ${p.dtype}`);
      });
      const f = (...xs: tf.Tensor[]) => tf.sum(selectScores(outputMatrix(run(xs, rows), end - start, outputIndex, where), chunkTargets));
      const grads = tf.grads(f)(points);
      return grads.map((g, i) => (multiplyByPoint ? tf.mul(g, points[i]!) : g).dataSync() as Float32Array);
    });
    gradients.forEach((g, i) => {
      const size = rowSizes[i]!;
      const sum = sums[i]!;
      for (let p = start; p < end; p++) {
        const weight = weightOf(p);
        const offset = rows[p - start]! * size;
        const from = (p - start) * size;
        for (let d = 0; d < size; d++) sum[offset + d]! += weight * g[from + d]!;
      }
    });
  }
  return sums;
}
