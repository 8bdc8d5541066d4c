import * as tf from '@tensorflow/tfjs-core';

/**
 * Averages every axis but the first, so element-wise losses become one value per sample
 * (a [batch, outputs] regression gives the mean over outputs, as Keras does for its last axis).
 */
export function reduceToBatch(values: tf.Tensor): tf.Tensor1D {
  if (values.rank === 1) return values.clone() as tf.Tensor1D;
  const axes = Array.from({ length: values.rank - 1 }, (_, i) => i + 1);
  return tf.mean(values, axes) as tf.Tensor1D;
}
