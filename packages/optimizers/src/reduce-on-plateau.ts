import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import { mapParams } from './tree.js';
import type { GradientTransformation } from './types.js';
import { requireNumber } from './validate.js';

/** State of `reduceOnPlateau` (plain numbers, so checkpoints keep it exactly). */
export interface ReduceOnPlateauState {
  [key: string]: number;
  /** Current multiplier applied to the updates. */
  scale: number;
  /** Best metric seen so far. */
  best: number;
  /** Reports since the last improvement. */
  plateauCount: number;
  /** Reports left before plateaus count again. */
  cooldownCount: number;
}

/** Options of `reduceOnPlateau`. */
export interface ReduceOnPlateauOptions {
  /** Multiplier applied to the scale on a plateau. Default 0.1. */
  factor?: number;
  /** Reports without improvement before reducing. Default 10. */
  patience?: number;
  /** Relative improvement needed to count as better. Default 1e-4. */
  rtol?: number;
  /** Absolute improvement needed to count as better. Default 0. */
  atol?: number;
  /** Reports to wait after a reduction before counting plateaus again. Default 0. */
  cooldown?: number;
  /** The scale never goes below this. Default 0. */
  minScale?: number;
  /** `'min'` (a loss) or `'max'` (an accuracy). Default `'min'`. */
  mode?: 'min' | 'max';
}

/**
 * Scales the updates by a factor that is multiplied by `factor` whenever the monitored metric
 * has not improved for `patience` reports (as Keras' ReduceLROnPlateau and optax's
 * `contrib.reduce_on_plateau`). Put it last in a chain: `chain(adam({ learningRate }), reduceOnPlateau())`.
 *
 * The metric arrives through `update(grads, state, params, { metric })`; with the `Optimizer`
 * class, call `optimizer.reportMetric(validationLoss)` once per evaluation (e.g. per epoch)
 * and the next `step` consumes it. Steps without a reported metric only apply the scale.
 *
 * @example
 * const optimizer = new Optimizer(chain(adam({ learningRate: 1e-3 }), reduceOnPlateau({ patience: 3 })), weights);
 * // after each epoch: optimizer.reportMetric(validationLoss);
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions = {}): GradientTransformation<ReduceOnPlateauState> {
  const where = 'reduceOnPlateau';
  const factor = options.factor ?? 0.1;
  if (typeof factor !== 'number' || !(factor > 0 && factor < 1)) throw invalidValue('factor', where, 'a number in (0, 1)', factor);
  const patience = options.patience ?? 10;
  if (!Number.isInteger(patience) || patience < 0) throw invalidValue('patience', where, 'a non-negative integer', patience);
  const cooldown = options.cooldown ?? 0;
  if (!Number.isInteger(cooldown) || cooldown < 0) throw invalidValue('cooldown', where, 'a non-negative integer', cooldown);
  const rtol = requireNumber(options.rtol ?? 1e-4, 'rtol', where, 'nonNegative');
  const atol = requireNumber(options.atol ?? 0, 'atol', where, 'nonNegative');
  const minScale = requireNumber(options.minScale ?? 0, 'minScale', where, 'nonNegative');
  const mode = options.mode ?? 'min';
  if (mode !== 'min' && mode !== 'max') throw invalidValue('mode', where, "'min' or 'max'", mode);
  // In 'max' mode we track the negated metric, so "better" is always "smaller".
  const sign = mode === 'min' ? 1 : -1;

  return {
    init: () => ({ scale: 1, best: Infinity, plateauCount: 0, cooldownCount: 0 }),
    update(grads, state, _params, extras) {
      let next = state;
      if (extras?.metric !== undefined) {
        const value = sign * extras.metric;
        // The threshold uses |best| so rtol also works for negative metrics (e.g. 'max' mode).
        const improved = value < state.best - rtol * Math.abs(state.best) - atol || state.best === Infinity;
        let { scale, best, plateauCount, cooldownCount } = state;
        if (improved) {
          best = value;
          plateauCount = 0;
        } else {
          plateauCount += 1;
        }
        if (cooldownCount > 0) {
          cooldownCount -= 1;
          plateauCount = 0;
        } else if (plateauCount >= patience && !improved) {
          scale = Math.max(scale * factor, minScale);
          plateauCount = 0;
          cooldownCount = cooldown;
        }
        next = { scale, best, plateauCount, cooldownCount };
      }
      const scale = next.scale;
      return { updates: tf.tidy(() => mapParams(grads, (g) => tf.mul(g, scale))), state: next };
    },
  };
}
