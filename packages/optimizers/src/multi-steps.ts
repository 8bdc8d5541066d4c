import * as tf from '@tensorflow/tfjs-core';
import { entry, mapParams, zerosLikeParams } from './tree.js';
import type { GradientTransformation, OptState, Params } from './types.js';
import { requirePositiveInteger } from './validate.js';

/** State of `multiSteps`. */
export interface MultiStepsState {
  [key: string]: OptState;
  /** Mini-steps accumulated since the last real update (0..every-1). */
  miniStep: number;
  /** Sum of the gradients of the current mini-steps. */
  accumulated: Params;
  /** State of the wrapped transformation (advances only on real updates). */
  inner: OptState;
  /** Latest metric reported during the window (NaN when none), handed to the inner transformation on the real update. */
  pendingMetric: number;
}

/**
 * Gradient accumulation: collects `every` gradients and, on every `every`-th call, runs the
 * wrapped transformation on their mean; the other calls return zero updates and leave the
 * inner state untouched. Gives the step of a batch `every` times larger. A metric reported
 * during the window (for `reduceOnPlateau` inside) is kept and handed over on the real update.
 *
 * @example
 * const optimizer = multiSteps(adam({ learningRate: 1e-3 }), { every: 4 });
 */
export function multiSteps(transform: GradientTransformation, options: { every: number }): GradientTransformation<MultiStepsState> {
  const where = 'multiSteps';
  const every = requirePositiveInteger(options?.every, 'every', where);
  return {
    init: (params) => ({ miniStep: 0, accumulated: zerosLikeParams(params), inner: transform.init(params), pendingMetric: Number.NaN }),
    update(grads, state, params, extras) {
      const pendingMetric = extras?.metric ?? state.pendingMetric;
      const sum = tf.tidy(() =>
        mapParams(grads, (g, key) => tf.add(entry(state.accumulated, key, 'state.accumulated', where), g)),
      );
      if (state.miniStep + 1 < every) {
        const updates = tf.tidy(() => mapParams(grads, (g) => tf.zerosLike(g)));
        // The inner state is passed on unchanged; clone so the caller can dispose the old state.
        return {
          updates,
          state: { miniStep: state.miniStep + 1, accumulated: sum, inner: cloneState(state.inner), pendingMetric },
        };
      }
      const mean = tf.tidy(() => mapParams(sum, (s) => tf.div(s, every)));
      tf.dispose(Object.values(sum));
      const innerExtras = Number.isNaN(pendingMetric) ? { ...extras } : { ...extras, metric: pendingMetric };
      const result = transform.update(mean, state.inner, params, innerExtras);
      const keep = new Set(Object.values(result.updates).map((t) => t.id));
      for (const t of Object.values(mean)) if (!keep.has(t.id)) t.dispose();
      return {
        updates: result.updates,
        state: { miniStep: 0, accumulated: zerosLikeParams(grads), inner: result.state, pendingMetric: Number.NaN },
      };
    },
  };
}

function cloneState(state: OptState): OptState {
  if (state === null || typeof state === 'number') return state;
  if (state instanceof tf.Tensor) return tf.clone(state);
  if (Array.isArray(state)) return state.map(cloneState);
  const out: { [key: string]: OptState } = {};
  for (const [key, value] of Object.entries(state)) out[key] = cloneState(value);
  return out;
}
