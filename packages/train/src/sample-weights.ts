import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import type { LossLike } from './types.js';

/** Weight per class index, e.g. `{ 0: 1, 1: 10 }` for a rare positive class. */
export type ClassWeight = Record<number, number>;

/** Checks a class-weight map: non-negative integer keys, non-negative finite weights. */
export function validateClassWeight(classWeight: unknown, where: string): ClassWeight | undefined {
  if (classWeight === undefined) return undefined;
  if (typeof classWeight !== 'object' || classWeight === null) throw invalidValue('classWeight', where, 'an object mapping class index to weight', classWeight);
  for (const [key, weight] of Object.entries(classWeight)) {
    if (!/^\d+$/.test(key)) throw invalidValue('classWeight', where, 'non-negative integer class indices as keys', key);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) throw invalidValue(`classWeight[${key}]`, where, 'a non-negative finite number', weight);
  }
  return classWeight as ClassWeight;
}

/**
 * Per-sample weights for a batch: `sampleWeight` times the weight of each sample's class
 * (labels as indices, `[batch]` or `[batch, 1]`, or one-hot `[batch, classes]`). Classes missing
 * from `classWeight` weigh 1. Returns `undefined` when neither is given.
 */
export function batchSampleWeights(y: tf.Tensor, sampleWeight: tf.Tensor | undefined, classWeight: ClassWeight | undefined): tf.Tensor1D | undefined {
  if (sampleWeight === undefined && classWeight === undefined) return undefined;
  return tf.tidy(() => {
    let weights: tf.Tensor1D = sampleWeight !== undefined ? (tf.cast(sampleWeight, 'float32') as tf.Tensor1D) : tf.ones([y.shape[0]!]);
    if (classWeight !== undefined) {
      const keys = Object.keys(classWeight).map(Number);
      const table = new Array<number>(Math.max(...keys, 0) + 1).fill(1);
      for (const key of keys) table[key] = classWeight[key]!;
      const labels = y.rank >= 2 && y.shape[y.rank - 1]! > 1 ? tf.argMax(y, -1) : tf.cast(tf.round(tf.reshape(y, [-1])), 'int32');
      // Labels beyond the table weigh 1: clip into a padded table whose last entry is 1.
      const padded = tf.tensor1d([...table, 1]);
      const index = tf.clipByValue(labels, 0, table.length);
      weights = tf.mul(weights, tf.gather(padded, tf.cast(index, 'int32')));
    }
    return weights;
  });
}

/** sum(weight * perSampleLoss) as a scalar; the caller owns it. */
export function weightedLossSum(loss: LossLike, yTrue: tf.Tensor, yPred: tf.Tensor, weights: tf.Tensor1D | undefined): tf.Scalar {
  return tf.tidy(() => {
    const perSample = loss.perSample(yTrue, yPred);
    return tf.sum(weights === undefined ? perSample : tf.mul(perSample, weights));
  });
}
