import * as tf from '@tensorflow/tfjs-core';
import { entry, mapParams, zerosLikeParams } from './tree.js';
import type { GradientTransformation, Params } from './types.js';
import { requireDecay } from './validate.js';

/** State of `ema`. */
export interface EmaState {
  [key: string]: Params | number;
  count: number;
  average: Params;
}

/** Options of `ema`. */
export interface EmaOptions {
  /** Weight of the old average. */
  decay: number;
  /** Divide by `1 - decay^count` so early averages are not biased towards the zero start. Default true. */
  debias?: boolean;
}

/**
 * Exponential moving average of its inputs (optax `ema`): `average = decay * average + (1 - decay) * x`,
 * output `average / (1 - decay^count)` when debiased. Applied to updates it smooths them;
 * applied to parameters (pass the parameters as the first argument of `update`) it keeps the
 * shadow copy used for evaluation, see `ParameterEma`.
 *
 * @example
 * const smoother = ema({ decay: 0.9 });
 */
export function ema(options: EmaOptions): GradientTransformation<EmaState> {
  const where = 'ema';
  const decay = requireDecay(options?.decay, 'decay', where);
  const debias = options.debias ?? true;
  return {
    init: (params) => ({ count: 0, average: zerosLikeParams(params) }),
    update(values, state) {
      const count = state.count + 1;
      const correction = debias ? 1 - decay ** count : 1;
      return tf.tidy(() => {
        const average = mapParams(values, (x, key) =>
          tf.add(tf.mul(entry(state.average, key, 'state.average', where), decay), tf.mul(tf.cast(x, 'float32'), 1 - decay)),
        );
        const updates = mapParams(average, (a) => (debias ? tf.div(a, correction) : tf.clone(a)));
        return { updates, state: { count, average } };
      });
    },
  };
}
