import { addDecayedWeights, type ParamMask } from './add-decayed-weights.js';
import { adamHyper } from './adam.js';
import { chain } from './chain.js';
import { adamPlan } from './fused-chains.js';
import { withFusedUpdate } from './fused-updates.js';
import { scaleByAdam, type ScaleByAdamOptions } from './scale-by-adam.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import type { GradientTransformation, ScalarOrSchedule } from './types.js';
import { requireScalarOrSchedule } from './validate.js';

/** Options of `adamw`. */
export interface AdamWOptions extends ScaleByAdamOptions {
  /** A number or a schedule of the step. Default 1e-3. */
  learningRate?: ScalarOrSchedule;
  /** Decoupled weight decay coefficient. Default 1e-4 (as optax). */
  weightDecay?: number;
  /** Which parameters to decay, e.g. `decayMatricesOnly` to skip biases. Default: all. */
  mask?: ParamMask;
}

/**
 * AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay,
 * `chain(scaleByAdam(), addDecayedWeights(weightDecay, { mask }), scaleByLearningRate(learningRate))`,
 * so each step subtracts `learningRate * (adamUpdate + weightDecay * param)`; one fused kernel
 * call per parameter where `@loom-ml/wasm` registered it (see `adam`).
 *
 * @example
 * const optimizer = adamw({ learningRate: 1e-3, weightDecay: 1e-2, mask: decayMatricesOnly });
 */
export function adamw(options: AdamWOptions = {}): GradientTransformation {
  const learningRate = requireScalarOrSchedule(options.learningRate ?? 1e-3, 'learningRate', 'adamw');
  const decayOptions = options.mask === undefined ? {} : { mask: options.mask };
  const weightDecay = options.weightDecay ?? 1e-4;
  const general = chain(scaleByAdam(options), addDecayedWeights(weightDecay, decayOptions), scaleByLearningRate(learningRate));
  return withFusedUpdate(general, adamPlan(adamHyper(options), learningRate, { present: true, weightDecay, mask: options.mask }));
}
