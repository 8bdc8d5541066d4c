import * as tf from '@tensorflow/tfjs-core';
import { entry, mapParams, zerosLikeParams } from './tree.js';
import type { GradientTransformation, Params } from './types.js';
import { requireDecay, requireNumber } from './validate.js';

/** State of `scaleByAdam`: first and second moments and the step count. */
export interface AdamState {
  [key: string]: Params | number;
  count: number;
  mu: Params;
  nu: Params;
}

/** Options of `scaleByAdam`. */
export interface ScaleByAdamOptions {
  /** Decay of the first moment. Default 0.9. */
  beta1?: number;
  /** Decay of the second moment. Default 0.999. */
  beta2?: number;
  /** Added to the denominator outside the square root. Default 1e-8. */
  epsilon?: number;
  /** Added inside the square root (useful when differentiating through the update). Default 0. */
  epsilonRoot?: number;
}

/**
 * Adam's rescaling with bias correction (Kingma & Ba 2015):
 * `mu = b1 mu + (1-b1) g`, `nu = b2 nu + (1-b2) g^2`, `t = count + 1`,
 * update = `(mu / (1-b1^t)) / (sqrt(nu / (1-b2^t) + epsilonRoot) + epsilon)`.
 *
 * @example
 * const myAdam = chain(scaleByAdam({ beta2: 0.99 }), scaleByLearningRate(1e-3));
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): GradientTransformation<AdamState> {
  const where = 'scaleByAdam';
  const beta1 = requireDecay(options.beta1 ?? 0.9, 'beta1', where);
  const beta2 = requireDecay(options.beta2 ?? 0.999, 'beta2', where);
  const epsilon = requireNumber(options.epsilon ?? 1e-8, 'epsilon', where, 'nonNegative');
  const epsilonRoot = requireNumber(options.epsilonRoot ?? 0, 'epsilonRoot', where, 'nonNegative');
  return {
    init: (params) => ({ count: 0, mu: zerosLikeParams(params), nu: zerosLikeParams(params) }),
    update(grads, state) {
      const count = state.count + 1;
      // Bias corrections in float64 on the host; only the final factors enter float32.
      const correction1 = 1 - beta1 ** count;
      const correction2 = 1 - beta2 ** count;
      const { updates, mu, nu } = tf.tidy(() => {
        const mu = mapParams(grads, (g, key) =>
          tf.add(tf.mul(entry(state.mu, key, 'state.mu', where), beta1), tf.mul(g, 1 - beta1)),
        );
        const nu = mapParams(grads, (g, key) =>
          tf.add(tf.mul(entry(state.nu, key, 'state.nu', where), beta2), tf.mul(tf.square(g), 1 - beta2)),
        );
        const updates = mapParams(grads, (_, key) => {
          const m = mu[key] as tf.Tensor;
          const v = nu[key] as tf.Tensor;
          if (epsilonRoot === 0) {
            // Same value with two fewer elementwise ops:
            // (m / c1) / (sqrt(v / c2) + eps) = m * (sqrt(c2) / c1) / (sqrt(v) + eps * sqrt(c2)).
            const root2 = Math.sqrt(correction2);
            return tf.div(tf.mul(m, root2 / correction1), tf.add(tf.sqrt(v), epsilon * root2));
          }
          const muHat = tf.div(m, correction1);
          const nuHat = tf.div(v, correction2);
          return tf.div(muHat, tf.add(tf.sqrt(tf.add(nuHat, epsilonRoot)), epsilon));
        });
        return { updates, mu, nu };
      });
      return { updates, state: { count, mu, nu } };
    },
  };
}
