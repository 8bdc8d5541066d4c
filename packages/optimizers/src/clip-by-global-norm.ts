import * as tf from '@tensorflow/tfjs-core';
import { mapParams } from './tree.js';
import type { GradientTransformation, Params } from './types.js';
import { requireNumber } from './validate.js';

/**
 * The l2 norm of all entries together: `sqrt(sum over keys of sum(g^2))`, as a scalar tensor.
 *
 * @example
 * const norm = globalNorm(grads); console.log(norm.dataSync()[0]); norm.dispose();
 */
export function globalNorm(tree: Params): tf.Scalar {
  return tf.tidy(() => {
    const squares = Object.values(tree).map((g) => tf.sum(tf.square(tf.cast(g, 'float32'))));
    return tf.sqrt(squares.length === 0 ? tf.scalar(0) : tf.addN(squares)) as tf.Scalar;
  });
}

/**
 * Rescales all updates together so their global l2 norm is at most `maxNorm`:
 * unchanged when `norm <= maxNorm`, else multiplied by `maxNorm / norm`.
 *
 * @example
 * const t = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(1e-3));
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<null> {
  requireNumber(maxNorm, 'maxNorm', 'clipByGlobalNorm', 'positive');
  return {
    init: () => null,
    update(grads) {
      const updates = tf.tidy(() => {
        const norm = globalNorm(grads);
        // maxNorm / max(norm, maxNorm) is 1 below the threshold and never divides by zero.
        const factor = tf.div(maxNorm, tf.maximum(norm, maxNorm));
        return mapParams(grads, (g) => tf.mul(g, factor));
      });
      return { updates, state: null };
    },
  };
}
