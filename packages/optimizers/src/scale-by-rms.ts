import * as tf from '@tensorflow/tfjs-core';
import { entry, mapParams } from './tree.js';
import type { GradientTransformation, Params } from './types.js';
import { requireDecay, requireNumber } from './validate.js';

/** State of `scaleByRms`: the running mean of squared gradients. */
export interface RmsState {
  [key: string]: Params;
  nu: Params;
}

/** State of `scaleByStddev`: running means of gradients and squared gradients. */
export interface StddevState {
  [key: string]: Params;
  mu: Params;
  nu: Params;
}

/** Options of `scaleByRms` and `scaleByStddev`. */
export interface ScaleByRmsOptions {
  /** Decay of the running averages. Default 0.9. */
  decay?: number;
  /** Added inside the square root. Default 1e-8. */
  epsilon?: number;
  /** Initial value of the squared-gradient average. Default 0. */
  initialScale?: number;
}

function options(opts: ScaleByRmsOptions, where: string) {
  return {
    decay: requireDecay(opts.decay ?? 0.9, 'decay', where),
    epsilon: requireNumber(opts.epsilon ?? 1e-8, 'epsilon', where, 'nonNegative'),
    initialScale: requireNumber(opts.initialScale ?? 0, 'initialScale', where, 'nonNegative'),
  };
}

/**
 * RMSprop's rescaling: `nu = decay nu + (1-decay) g^2`, update = `g / sqrt(nu + epsilon)`.
 *
 * @example
 * const t = chain(scaleByRms({ decay: 0.9 }), scaleByLearningRate(1e-3));
 */
export function scaleByRms(opts: ScaleByRmsOptions = {}): GradientTransformation<RmsState> {
  const where = 'scaleByRms';
  const { decay, epsilon, initialScale } = options(opts, where);
  return {
    init: (params) => ({ nu: mapParams(params, (p) => tf.fill(p.shape, initialScale, 'float32')) }),
    update(grads, state) {
      return tf.tidy(() => {
        const nu = mapParams(grads, (g, key) =>
          tf.add(tf.mul(entry(state.nu, key, 'state.nu', where), decay), tf.mul(tf.square(g), 1 - decay)),
        );
        const updates = mapParams(grads, (g, key) => tf.mul(g, tf.rsqrt(tf.add(nu[key] as tf.Tensor, epsilon))));
        return { updates, state: { nu } };
      });
    },
  };
}

/**
 * Centered RMSprop's rescaling: also tracks `mu = decay mu + (1-decay) g`, and divides by
 * the running standard deviation: update = `g / sqrt(nu - mu^2 + epsilon)`.
 *
 * @example
 * const t = chain(scaleByStddev(), scaleByLearningRate(1e-3));
 */
export function scaleByStddev(opts: ScaleByRmsOptions = {}): GradientTransformation<StddevState> {
  const where = 'scaleByStddev';
  const { decay, epsilon, initialScale } = options(opts, where);
  return {
    init: (params) => ({
      mu: mapParams(params, (p) => tf.zeros(p.shape, 'float32')),
      nu: mapParams(params, (p) => tf.fill(p.shape, initialScale, 'float32')),
    }),
    update(grads, state) {
      return tf.tidy(() => {
        const mu = mapParams(grads, (g, key) =>
          tf.add(tf.mul(entry(state.mu, key, 'state.mu', where), decay), tf.mul(g, 1 - decay)),
        );
        const nu = mapParams(grads, (g, key) =>
          tf.add(tf.mul(entry(state.nu, key, 'state.nu', where), decay), tf.mul(tf.square(g), 1 - decay)),
        );
        const updates = mapParams(grads, (g, key) => {
          const variance = tf.sub(nu[key] as tf.Tensor, tf.square(mu[key] as tf.Tensor));
          return tf.mul(g, tf.rsqrt(tf.add(variance, epsilon)));
        });
        return { updates, state: { mu, nu } };
      });
    },
  };
}
