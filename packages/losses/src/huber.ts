import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type Loss } from './loss.js';
import { reduceToBatch } from './reduce-to-batch.js';
import { assertKnownOptions, assertMinRank, assertNumberInRange, assertSameShape } from './validate.js';

/** Options of `huber`. */
export interface HuberOptions {
  /** Where the loss turns from quadratic to linear. Default 1. */
  delta?: number;
}

/**
 * Huber loss per sample: mean over non-batch axes of 0.5 x^2 when |x| <= delta, else
 * delta (|x| - 0.5 delta), with x = yTrue - yPred. Quadratic near 0, linear in the tails.
 *
 * @example
 * huber({ delta: 1 }).perSample(tf.tensor1d([0, 0]), tf.tensor1d([0.5, 3])); // [0.125, 2.5]
 */
export function huber(options: HuberOptions = {}): Loss {
  const name = 'huber';
  assertKnownOptions(name, options, ['delta']);
  const delta = assertNumberInRange(name, 'delta', options.delta ?? 1, { min: 0, max: Infinity, minInclusive: false });
  return defineLoss(name, { delta }, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 1);
    assertSameShape(name, yTrue, yPred);
    return tf.tidy(() => {
      const error = tf.abs(tf.sub(tf.cast(yTrue, 'float32'), yPred));
      // min(|x|, delta) splits the error into a quadratic part and a linear rest.
      const quadratic = tf.minimum(error, delta);
      const linear = tf.sub(error, quadratic);
      return reduceToBatch(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, linear)));
    });
  });
}
