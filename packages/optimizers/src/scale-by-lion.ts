import * as tf from '@tensorflow/tfjs-core';
import { entry, mapParams, zerosLikeParams } from './tree.js';
import type { GradientTransformation, Params } from './types.js';
import { requireDecay } from './validate.js';

/** State of `scaleByLion`: the momentum. */
export interface LionState {
  [key: string]: Params;
  mu: Params;
}

/** Options of `scaleByLion`. */
export interface ScaleByLionOptions {
  /** Interpolation between momentum and gradient for the update direction. Default 0.9. */
  beta1?: number;
  /** Decay of the momentum. Default 0.99. */
  beta2?: number;
}

/**
 * Lion's sign update (Chen et al. 2023): update = `sign(b1 mu + (1-b1) g)`,
 * then `mu = b2 mu + (1-b2) g`.
 *
 * @example
 * const t = chain(scaleByLion(), scaleByLearningRate(1e-4));
 */
export function scaleByLion(options: ScaleByLionOptions = {}): GradientTransformation<LionState> {
  const where = 'scaleByLion';
  const beta1 = requireDecay(options.beta1 ?? 0.9, 'beta1', where);
  const beta2 = requireDecay(options.beta2 ?? 0.99, 'beta2', where);
  return {
    init: (params) => ({ mu: zerosLikeParams(params) }),
    update(grads, state) {
      return tf.tidy(() => {
        const updates = mapParams(grads, (g, key) =>
          tf.sign(tf.add(tf.mul(entry(state.mu, key, 'state.mu', where), beta1), tf.mul(g, 1 - beta1))),
        );
        const mu = mapParams(grads, (g, key) =>
          tf.add(tf.mul(entry(state.mu, key, 'state.mu', where), beta2), tf.mul(g, 1 - beta2)),
        );
        return { updates, state: { mu } };
      });
    },
  };
}
