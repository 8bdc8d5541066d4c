import * as tf from '@tensorflow/tfjs-core';
import { mapParams } from './tree.js';
import type { GradientTransformation } from './types.js';
import { requireNumber } from './validate.js';

/**
 * Clips every update element to `[-maxDelta, maxDelta]`.
 *
 * @example
 * const t = chain(clipByValue(1), scaleByLearningRate(0.1));
 */
export function clipByValue(maxDelta: number): GradientTransformation<null> {
  requireNumber(maxDelta, 'maxDelta', 'clipByValue', 'positive');
  return {
    init: () => null,
    update: (grads) => ({
      updates: tf.tidy(() => mapParams(grads, (g) => tf.clipByValue(g, -maxDelta, maxDelta))),
      state: null,
    }),
  };
}
