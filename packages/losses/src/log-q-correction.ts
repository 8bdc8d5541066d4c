import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';

/**
 * Subtracts log q(candidate) from each column of `[batch, candidates]` logits: the log-q
 * correction for in-batch negatives (Yi et al. 2019), where popular items appear as negatives
 * more often than uniform sampling would. In-batch candidates change every batch, so compute
 * q per batch (e.g. each item's estimated frequency) and correct here, then pass the result to
 * `sampledSoftmaxLoss()`; its static `logSamplingProbabilities` option suits a fixed candidate set.
 *
 * @example
 * const corrected = logQCorrection(logits, tf.tensor1d([0.5, 0.3, 0.2])); // logits - log q
 * computeLoss(sampledSoftmaxLoss(), diagonal, corrected);
 */
export function logQCorrection(logits: tf.Tensor, samplingProbabilities: tf.Tensor | readonly number[]): tf.Tensor2D {
  const where = 'logQCorrection';
  if (logits.rank !== 2) throw invalidValue('logits', where, 'a tensor of shape [batch, candidates]', logits.shape);
  const candidates = logits.shape[1] as number;
  const size = Array.isArray(samplingProbabilities) ? samplingProbabilities.length : (samplingProbabilities as tf.Tensor).size;
  if (size !== candidates) throw invalidValue('samplingProbabilities', where, `${candidates} probabilities (one per candidate column)`, size);
  if (Array.isArray(samplingProbabilities) && !samplingProbabilities.every((q) => typeof q === 'number' && q > 0 && q <= 1)) {
    throw invalidValue('samplingProbabilities', where, 'probabilities in (0, 1]', samplingProbabilities);
  }
  return tf.tidy(() => {
    const q = Array.isArray(samplingProbabilities)
      ? tf.tensor1d(samplingProbabilities as number[])
      : tf.reshape(tf.cast(samplingProbabilities as tf.Tensor, 'float32'), [candidates]);
    return tf.sub(logits, tf.log(q)) as tf.Tensor2D;
  });
}
