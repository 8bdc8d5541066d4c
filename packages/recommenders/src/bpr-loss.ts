import * as tf from '@tensorflow/tfjs-core';

/**
 * Bayesian personalised ranking loss per sample (Rendle et al. 2009):
 * −log σ(positive − negative) = softplus(negative − positive), computed with `softplus` so it
 * stays finite for large score gaps. Returns shape [batch]; the caller reduces.
 *
 * Local to this package until `@loom-ml/losses` ships its own `bprLoss`.
 *
 * @example
 * bprLoss(tf.tensor1d([2, 0]), tf.tensor1d([0, 0])); // [softplus(-2), log 2] ≈ [0.1269, 0.6931]
 */
export function bprLoss(positiveScores: tf.Tensor1D, negativeScores: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.softplus(tf.sub(negativeScores, positiveScores)) as tf.Tensor1D);
}
