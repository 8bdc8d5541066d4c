import * as tf from '@tensorflow/tfjs-core';
import { entry, mapParams } from './tree.js';
import type { GradientTransformation, Params } from './types.js';
import { requireNumber } from './validate.js';

/** State of `scaleByRss`: the running sum of squared gradients. */
export interface RssState {
  [key: string]: Params;
  sumOfSquares: Params;
}

/** Options of `scaleByRss`. */
export interface ScaleByRssOptions {
  /** Initial value of the accumulator. Default 0.1. */
  initialAccumulatorValue?: number;
  /** Added inside the square root. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adagrad's rescaling by the root of the summed squares:
 * `s = s + g^2`, update = `g / sqrt(s + epsilon)` (0 where `s` is 0).
 *
 * @example
 * const t = chain(scaleByRss(), scaleByLearningRate(0.1));
 */
export function scaleByRss(options: ScaleByRssOptions = {}): GradientTransformation<RssState> {
  const where = 'scaleByRss';
  const initial = requireNumber(options.initialAccumulatorValue ?? 0.1, 'initialAccumulatorValue', where, 'nonNegative');
  const epsilon = requireNumber(options.epsilon ?? 1e-7, 'epsilon', where, 'nonNegative');
  return {
    init: (params) => ({ sumOfSquares: mapParams(params, (p) => tf.fill(p.shape, initial, 'float32')) }),
    update(grads, state) {
      return tf.tidy(() => {
        const sumOfSquares = mapParams(grads, (g, key) =>
          tf.add(entry(state.sumOfSquares, key, 'state.sumOfSquares', where), tf.square(g)),
        );
        const updates = mapParams(grads, (g, key) => {
          const s = sumOfSquares[key] as tf.Tensor;
          // A zero accumulator means the gradient has always been zero: no update, not NaN.
          return tf.where(tf.greater(s, 0), tf.mul(g, tf.rsqrt(tf.add(s, epsilon))), tf.zerosLike(g));
        });
        return { updates, state: { sumOfSquares } };
      });
    },
  };
}
