import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type Loss } from './loss.js';
import { reduceToBatch } from './reduce-to-batch.js';
import { assertMinRank, assertSameShape } from './validate.js';

/**
 * Negative cosine similarity over the last axis: -(y · p) / (|y| |p|), in [-1, 1]; minimising it
 * aligns the directions. Zero vectors are guarded by a 1e-12 floor on the norms, giving 0.
 *
 * @example
 * cosineSimilarity().perSample(tf.tensor2d([[1, 0]]), tf.tensor2d([[2, 0]])); // [-1]
 */
export function cosineSimilarity(): Loss {
  const name = 'cosineSimilarity';
  return defineLoss(name, {}, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 2);
    assertSameShape(name, yTrue, yPred);
    return tf.tidy(() => {
      const y = tf.cast(yTrue, 'float32');
      const norm = (t: tf.Tensor) => tf.sqrt(tf.maximum(tf.sum(tf.square(t), -1), 1e-24));
      return reduceToBatch(tf.neg(tf.div(tf.sum(tf.mul(y, yPred), -1), tf.mul(norm(y), norm(yPred)))));
    });
  });
}
