import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import { reductions, type Loss, type Reduction } from './loss.js';

/** Options of `computeLoss`: how per-sample losses become one value, and optional per-sample weights. */
export interface ComputeLossOptions {
  /** Default 'sumOverBatchSize' (Keras). */
  reduction?: Reduction;
  /** One weight per sample, shape [batch]. */
  sampleWeight?: tf.Tensor;
}

/**
 * Applies sample weights and a reduction to a loss's per-sample values.
 * `mean` divides by the sum of the weights (0 when they sum to 0, rather than NaN);
 * `sumOverBatchSize` divides by the batch size.
 *
 * @example
 * const value = computeLoss(meanSquaredError(), yTrue, yPred, { reduction: 'mean', sampleWeight });
 */
export function computeLoss(loss: Loss, yTrue: tf.Tensor, yPred: tf.Tensor, options: ComputeLossOptions = {}): tf.Tensor {
  const reduction = options.reduction ?? 'sumOverBatchSize';
  if (!reductions.includes(reduction)) throw invalidValue('reduction', 'computeLoss', `one of ${reductions.join(', ')}`, reduction);
  const { sampleWeight } = options;
  return tf.tidy(() => {
    const perSample = loss.perSample(yTrue, yPred);
    const batch = perSample.shape[0]!;
    let weighted: tf.Tensor = perSample;
    if (sampleWeight !== undefined) {
      if (sampleWeight.size !== batch) throw invalidValue('sampleWeight', `computeLoss(${loss.name})`, `${batch} weights (one per sample)`, sampleWeight.shape);
      weighted = tf.mul(perSample, tf.reshape(tf.cast(sampleWeight, 'float32'), [batch]));
    }
    switch (reduction) {
      case 'none':
        return weighted;
      case 'sum':
        return tf.sum(weighted);
      case 'sumOverBatchSize':
        return tf.div(tf.sum(weighted), Math.max(batch, 1));
      case 'mean': {
        const total = sampleWeight === undefined ? tf.scalar(batch) : tf.sum(tf.cast(sampleWeight, 'float32'));
        // divNoNan: all-zero weights give 0, not NaN.
        return tf.divNoNan(tf.sum(weighted), total);
      }
    }
  });
}
