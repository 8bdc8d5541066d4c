import * as tf from '@tensorflow/tfjs-core';
import { probabilityEpsilon } from './epsilon.js';
import { defineLoss, type Loss } from './loss.js';
import { reduceToBatch } from './reduce-to-batch.js';
import { assertMinRank, assertSameShape } from './validate.js';

/**
 * Poisson negative log-likelihood per sample, without the constant log(y!) term: mean over
 * non-batch axes of ŷ - y log(ŷ + 1e-7), as Keras defines it. yTrue holds counts, yPred the
 * predicted rate (positive, e.g. after `tf.exp` or softplus); the 1e-7 keeps ŷ = 0 finite.
 *
 * @example
 * poisson().perSample(tf.tensor1d([2]), tf.tensor1d([1])); // [1 - 2 log(1)] = [1]
 */
export function poisson(): Loss {
  const name = 'poisson';
  return defineLoss(name, {}, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 1);
    assertSameShape(name, yTrue, yPred);
    return tf.tidy(() => reduceToBatch(tf.sub(yPred, tf.mul(tf.cast(yTrue, 'float32'), tf.log(tf.add(yPred, probabilityEpsilon))))));
  });
}
