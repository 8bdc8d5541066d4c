import type * as tf from '@tensorflow/tfjs-core';

/** Model parameters (or gradients, or updates) keyed by variable name. */
export type Params = Record<string, tf.Tensor>;

/**
 * Optimizer state: a tree of tensors, numbers and nulls. Numbers hold step counters and
 * scalar bookkeeping so they stay cheap and JSON-safe.
 */
export type OptState = tf.Tensor | number | null | OptState[] | { [key: string]: OptState };

/** A learning-rate (or any hyper-parameter) schedule: a pure function of the step (0-based). */
export type Schedule = (step: number) => number;

/** A fixed number or a schedule. */
export type ScalarOrSchedule = number | Schedule;

/** Side inputs some transformations read, e.g. the monitored metric for `reduceOnPlateau`. */
export interface UpdateExtras {
  /** The latest value of the monitored metric (e.g. validation loss), if one was reported. */
  metric?: number;
}

/**
 * A pure gradient transformation, as in optax.
 *
 * Ownership rule: `update` disposes nothing it was given and returns only tensors it created
 * (a pass-through is a `tf.clone`, which shares memory), so the caller owns and disposes
 * every tensor in `updates` and in the returned state.
 */
export interface GradientTransformation<S extends OptState = OptState> {
  /** The starting state for these parameters (e.g. zero moments); the caller owns its tensors. */
  init(params: Params): S;
  /** Pure: returns new updates and a new state; disposes nothing it was given. */
  update(grads: Params, state: S, params?: Params, extras?: UpdateExtras): { updates: Params; state: S };
}
