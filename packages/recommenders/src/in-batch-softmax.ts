import * as tf from '@tensorflow/tfjs-core';
import { logQCorrection, sampledSoftmaxLoss } from '@loom-ml/losses';
import { invalidValue } from './errors.js';

/** Options of {@link inBatchSoftmaxLoss}. */
export interface InBatchSoftmaxOptions {
  /** Logits are user · item / temperature; default 1. */
  temperature?: number;
  /**
   * q of each row's item (shape `[batch]`, values in (0, 1]): how likely the item is to be
   * drawn into a batch. When given, log q is subtracted from every column's logits.
   */
  samplingProbabilities?: tf.Tensor1D;
}

/**
 * Per-row in-batch sampled softmax loss of a retrieval batch: row i's positive is item i, and
 * the other items of the batch are its negatives. Logits are `users · itemsᵀ / temperature`,
 * corrected by −log q(item) per column when `samplingProbabilities` is given (`logQCorrection`),
 * with other copies of row i's own item masked out (a repeated item is not a negative of
 * itself), then `sampledSoftmaxLoss` from `@loom-ml/losses` on the diagonal. Returns `[batch]`.
 *
 * @example
 * const perRow = inBatchSoftmaxLoss(userVectors, itemVectors, Int32Array.of(4, 9, 4), {
 *   temperature: 0.1, samplingProbabilities: tf.tensor1d([0.2, 0.05, 0.2]),
 * }); // rows 0 and 2 share item 4, so neither counts the other's copy as a negative
 */
export function inBatchSoftmaxLoss(
  users: tf.Tensor2D,
  items: tf.Tensor2D,
  itemIds: ArrayLike<number>,
  options: InBatchSoftmaxOptions = {},
): tf.Tensor1D {
  const where = 'inBatchSoftmaxLoss';
  const temperature = options.temperature ?? 1;
  if (!(Number.isFinite(temperature) && temperature > 0)) throw invalidValue('temperature', where, 'a positive number', temperature);
  const batch = users.shape[0];
  if (items.shape[0] !== batch || items.shape[1] !== users.shape[1]) {
    throw invalidValue('items', where, `shape [${batch}, ${users.shape[1]}] to match users`, items.shape);
  }
  if (itemIds.length !== batch) throw invalidValue('itemIds', where, `${batch} item ids (one per row)`, itemIds.length);
  const mask = duplicateMask(itemIds);
  return tf.tidy(() => {
    let logits: tf.Tensor2D = tf.div(tf.matMul(users, items, false, true), temperature);
    if (options.samplingProbabilities !== undefined) logits = logQCorrection(logits, options.samplingProbabilities);
    if (mask !== null) logits = tf.add(logits, tf.tensor2d(mask, [batch, batch]));
    return sampledSoftmaxLoss().perSample(tf.range(0, batch, 1, 'int32'), logits);
  });
}

/**
 * −1e9 where column j holds the same item as row i (j ≠ i), else 0, as a row-major
 * batch × batch array; null when no item repeats (the common case for large catalogues).
 */
function duplicateMask(itemIds: ArrayLike<number>): Float32Array | null {
  const rowsOf = new Map<number, number[]>();
  for (let row = 0; row < itemIds.length; row++) {
    const rows = rowsOf.get(itemIds[row]!);
    if (rows === undefined) rowsOf.set(itemIds[row]!, [row]);
    else rows.push(row);
  }
  const size = itemIds.length;
  let mask: Float32Array | null = null;
  for (const rows of rowsOf.values()) {
    if (rows.length < 2) continue;
    mask ??= new Float32Array(size * size);
    for (const i of rows) for (const j of rows) if (i !== j) mask[i * size + j] = -1e9;
  }
  return mask;
}
