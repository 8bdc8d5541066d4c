import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type Loss } from './loss.js';
import { reduceToBatch } from './reduce-to-batch.js';
import { assertMinRank, assertSameShape } from './validate.js';

/** max(0, 1 - y * yPred) with labels 0 mapped to -1 (so 0/1 and -1/+1 labels both work). */
export function hingeMargins(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const labels = tf.cast(yTrue, 'float32');
    // 0 is not a valid ±1 label, so mapping 0 → -1 is unambiguous and needs no data read.
    const signed = tf.where(tf.equal(labels, 0), tf.fill(labels.shape, -1), labels);
    return tf.relu(tf.sub(1, tf.mul(signed, yPred)));
  });
}

/**
 * Hinge loss per sample: mean over non-batch axes of max(0, 1 - y ŷ). Labels are -1/+1;
 * 0/1 labels are accepted (0 is read as -1). yPred is a raw score, not a probability.
 *
 * @example
 * hinge().perSample(tf.tensor1d([1, 0]), tf.tensor1d([0.3, -2])); // [0.7, 0]
 */
export function hinge(): Loss {
  const name = 'hinge';
  return defineLoss(name, {}, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 1);
    assertSameShape(name, yTrue, yPred);
    return tf.tidy(() => reduceToBatch(hingeMargins(yTrue, yPred)));
  });
}

/**
 * Squared hinge loss per sample: mean over non-batch axes of max(0, 1 - y ŷ)^2 (labels as in `hinge`).
 *
 * @example
 * squaredHinge().perSample(tf.tensor1d([1, 0]), tf.tensor1d([0.3, -2])); // [0.49, 0]
 */
export function squaredHinge(): Loss {
  const name = 'squaredHinge';
  return defineLoss(name, {}, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 1);
    assertSameShape(name, yTrue, yPred);
    return tf.tidy(() => reduceToBatch(tf.square(hingeMargins(yTrue, yPred))));
  });
}
