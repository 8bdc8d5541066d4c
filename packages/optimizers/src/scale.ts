import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import { mapParams } from './tree.js';
import type { GradientTransformation, Schedule } from './types.js';
import { requireNumber } from './validate.js';

/**
 * Multiplies every update by a constant `factor`.
 *
 * @example
 * const negate = scale(-1);
 */
export function scale(factor: number): GradientTransformation<null> {
  requireNumber(factor, 'factor', 'scale', 'finite');
  return {
    init: () => null,
    update: (grads) => ({ updates: tf.tidy(() => mapParams(grads, (g) => tf.mul(g, factor))), state: null }),
  };
}

/** State of `scaleBySchedule`: the number of updates seen. */
export interface ScaleByScheduleState {
  [key: string]: number;
  count: number;
}

/**
 * Multiplies the updates by `schedule(count)`, where `count` is the number of earlier updates
 * (the first update uses `schedule(0)`).
 *
 * @example
 * const halfLife = scaleBySchedule((step) => 0.5 ** (step / 100));
 */
export function scaleBySchedule(schedule: Schedule): GradientTransformation<ScaleByScheduleState> {
  if (typeof schedule !== 'function') {
    throw invalidValue('schedule', 'scaleBySchedule', 'a schedule function (step) => number', schedule);
  }
  return {
    init: () => ({ count: 0 }),
    update(grads, state) {
      const factor = schedule(state.count);
      return { updates: tf.tidy(() => mapParams(grads, (g) => tf.mul(g, factor))), state: { count: state.count + 1 } };
    },
  };
}
