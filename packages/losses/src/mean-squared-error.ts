import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type Loss } from './loss.js';
import { reduceToBatch } from './reduce-to-batch.js';
import { assertMinRank, assertSameShape } from './validate.js';

/**
 * Mean squared error per sample: mean over non-batch axes of (yTrue - yPred)^2.
 *
 * @example
 * const loss = meanSquaredError();
 * loss.perSample(tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 4]])); // [2]
 */
export function meanSquaredError(): Loss {
  const name = 'meanSquaredError';
  return defineLoss(name, {}, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 1);
    assertSameShape(name, yTrue, yPred);
    return tf.tidy(() => reduceToBatch(tf.squaredDifference(tf.cast(yTrue, 'float32'), yPred)));
  });
}
