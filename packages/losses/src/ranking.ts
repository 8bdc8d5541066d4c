import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import { assertKnownOptions } from './validate.js';
import { defineLoss, type Loss } from './loss.js';

/**
 * Bayesian personalised ranking (Rendle et al. 2009): -log σ(s⁺ - s⁻) per sample, written as
 * softplus(s⁻ - s⁺) so large margins stay finite (gradient -σ(s⁻ - s⁺), exact at ±1e4).
 * `yPred` is either `[batch, 2]` with the positive item's score in column 0 and the sampled
 * negative's in column 1, or `[batch]` score differences s⁺ - s⁻. `yTrue` is ignored (pass
 * anything, e.g. zeros) because the pair itself is the label.
 *
 * @example
 * bprLoss().perSample(tf.zeros([1]), tf.tensor2d([[2, 0]])); // [softplus(-2)] ≈ [0.127]
 * bprLoss().perSample(tf.zeros([1]), tf.tensor1d([2]));      // the same, from the difference
 */
export function bprLoss(): Loss {
  const name = 'bprLoss';
  return defineLoss(name, {}, (_yTrue, yPred) => {
    if (yPred.rank === 1) return tf.tidy(() => tf.softplus(tf.neg(yPred)) as tf.Tensor1D);
    if (yPred.rank !== 2 || yPred.shape[1] !== 2) {
      throw invalidValue('yPred', name, 'scores of shape [batch, 2] ([positive, negative]) or differences of shape [batch]', yPred.shape);
    }
    return tf.tidy(() => {
      const [positive, negative] = tf.split(yPred, 2, 1) as [tf.Tensor, tf.Tensor];
      return tf.reshape(tf.softplus(tf.sub(negative, positive)), [-1]) as tf.Tensor1D;
    });
  });
}

/** Options of `sampledSoftmaxLoss`. */
export interface SampledSoftmaxOptions {
  /**
   * log q(candidate): the log-probability with which each candidate column was sampled
   * (length = number of candidates). Subtracting it from the logits removes the popularity bias
   * of in-batch negatives (Yi et al. 2019, "logQ correction"). Fixed for the loss's lifetime: when
   * the candidates change every batch, correct the logits per batch with `logQCorrection` instead.
   */
  logSamplingProbabilities?: number[];
}

/**
 * Softmax cross-entropy over sampled candidates, for retrieval models trained with in-batch
 * negatives. `yPred` is `[batch, candidates]` logits (user · item for every item in the batch,
 * so `[batch, batch]` for pure in-batch negatives, or `[batch, candidates]` with extra sampled
 * items); `yTrue` holds the integer column of each row's positive, int32 or float, shape
 * `[batch]` (for in-batch training 0..batch-1: the diagonal). With `logSamplingProbabilities`
 * (log q of each candidate column, e.g. log of its in-batch frequency / batch), logits become
 * s - log q before the log-softmax, which is stable for any finite logits.
 *
 * @example
 * const loss = sampledSoftmaxLoss();
 * loss.perSample(tf.tensor1d([0, 1], 'int32'), tf.tensor2d([[3, 1], [0, 2]]));
 */
export function sampledSoftmaxLoss(options: SampledSoftmaxOptions = {}): Loss {
  const name = 'sampledSoftmaxLoss';
  assertKnownOptions(name, options, ['logSamplingProbabilities']);
  const logQ = options.logSamplingProbabilities;
  if (logQ !== undefined && !(Array.isArray(logQ) && logQ.every((v) => typeof v === 'number' && Number.isFinite(v) && v <= 0))) {
    throw invalidValue('logSamplingProbabilities', name, 'an array of log-probabilities (finite numbers <= 0)', logQ);
  }
  return defineLoss(name, logQ ? { logSamplingProbabilities: logQ } : {}, (yTrue, yPred) => {
    if (yPred.rank !== 2) throw invalidValue('yPred', name, 'logits of shape [batch, candidates]', yPred.shape);
    const [batch, candidates] = yPred.shape as [number, number];
    if (yTrue.size !== batch) throw invalidValue('yTrue', name, `${batch} positive column indices (one per row)`, yTrue.shape);
    if (logQ && logQ.length !== candidates) throw invalidValue('logSamplingProbabilities', name, `${candidates} values (one per candidate column)`, logQ.length);
    // An out-of-range column would one-hot to zeros and silently cost 0; a [batch] read is cheap.
    const columns = yTrue.dataSync();
    columns.forEach((column, row) => {
      if (!Number.isInteger(column) || column < 0 || column >= candidates) {
        throw invalidValue('yTrue', name, `integer column indices in [0, ${candidates})`, `${column} at row ${row}`);
      }
    });
    return tf.tidy(() => {
      const logits = logQ ? tf.sub(yPred, tf.tensor1d(logQ)) : yPred;
      const targets = tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), candidates);
      return tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), -1)) as tf.Tensor1D;
    });
  });
}
