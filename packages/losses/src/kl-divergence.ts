import * as tf from '@tensorflow/tfjs-core';
import { probabilityEpsilon } from './epsilon.js';
import { defineLoss, type Loss } from './loss.js';
import { reduceToBatch } from './reduce-to-batch.js';
import { assertMinRank, assertSameShape } from './validate.js';

/**
 * Kullback–Leibler divergence Σ y log(y / p) over the last axis, both clipped to [1e-7, 1]
 * (as Keras does), so y = 0 entries contribute 0.
 *
 * @example
 * klDivergence().perSample(tf.tensor2d([[0.5, 0.5]]), tf.tensor2d([[0.9, 0.1]])); // [0.5 ln(0.5/0.9) + 0.5 ln(0.5/0.1)] ≈ [0.511]
 */
export function klDivergence(): Loss {
  const name = 'klDivergence';
  return defineLoss(name, {}, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 2);
    assertSameShape(name, yTrue, yPred);
    return tf.tidy(() => {
      const y = tf.clipByValue(tf.cast(yTrue, 'float32'), probabilityEpsilon, 1);
      const p = tf.clipByValue(yPred, probabilityEpsilon, 1);
      return reduceToBatch(tf.sum(tf.mul(y, tf.log(tf.div(y, p))), -1));
    });
  });
}
