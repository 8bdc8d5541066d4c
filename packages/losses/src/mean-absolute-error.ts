import * as tf from '@tensorflow/tfjs-core';
import { defineLoss, type Loss } from './loss.js';
import { reduceToBatch } from './reduce-to-batch.js';
import { assertMinRank, assertSameShape } from './validate.js';

/**
 * Mean absolute error per sample: mean over non-batch axes of |yTrue - yPred|.
 *
 * @example
 * const loss = meanAbsoluteError();
 * loss.perSample(tf.tensor2d([[1, 2]]), tf.tensor2d([[0, 4]])); // [1.5]
 */
export function meanAbsoluteError(): Loss {
  const name = 'meanAbsoluteError';
  return defineLoss(name, {}, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 1);
    assertSameShape(name, yTrue, yPred);
    return tf.tidy(() => reduceToBatch(tf.abs(tf.sub(tf.cast(yTrue, 'float32'), yPred))));
  });
}
