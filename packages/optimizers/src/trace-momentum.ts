import * as tf from '@tensorflow/tfjs-core';
import { entry, mapParams, zerosLikeParams } from './tree.js';
import type { GradientTransformation, Params } from './types.js';
import { requireDecay } from './validate.js';

/** State of `traceMomentum`: the momentum buffer. */
export interface TraceState {
  [key: string]: Params;
  trace: Params;
}

/** Options of `traceMomentum`. */
export interface TraceMomentumOptions {
  /** Momentum coefficient in [0, 1). Default 0.9. */
  decay?: number;
  /** Nesterov momentum: the update looks ahead along the new trace. Default false. */
  nesterov?: boolean;
}

/**
 * Heavy-ball or Nesterov momentum (optax `trace`):
 * `trace = g + decay * trace`; update = `trace`, or `g + decay * trace` with Nesterov.
 *
 * @example
 * const momentum = chain(traceMomentum({ decay: 0.9, nesterov: true }), scaleByLearningRate(0.01));
 */
export function traceMomentum(options: TraceMomentumOptions = {}): GradientTransformation<TraceState> {
  const decay = requireDecay(options.decay ?? 0.9, 'decay', 'traceMomentum');
  const nesterov = options.nesterov ?? false;
  return {
    init: (params) => ({ trace: zerosLikeParams(params) }),
    update(grads, state) {
      return tf.tidy(() => {
        const trace = mapParams(grads, (g, key) => tf.add(g, tf.mul(entry(state.trace, key, 'state.trace', 'traceMomentum'), decay)));
        const updates = nesterov
          ? mapParams(grads, (g, key) => tf.add(g, tf.mul(trace[key] as tf.Tensor, decay)))
          : mapParams(trace, (t) => tf.clone(t));
        return { updates, state: { trace } };
      });
    },
  };
}
