import { chain } from './chain.js';
import { adamPlan } from './fused-chains.js';
import { withFusedUpdate } from './fused-updates.js';
import { scaleByAdam, type ScaleByAdamOptions } from './scale-by-adam.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import type { GradientTransformation, ScalarOrSchedule } from './types.js';
import { requireScalarOrSchedule } from './validate.js';

/** Options of `adam`. */
export interface AdamOptions extends ScaleByAdamOptions {
  /** A number or a schedule of the step. Default 1e-3. */
  learningRate?: ScalarOrSchedule;
}

/**
 * Adam: `chain(scaleByAdam(options), scaleByLearningRate(learningRate))`. Where `@loom-ml/wasm`
 * registered its fused update kernel (loom-wasm, or cpu via `registerFusedKernels`), each
 * parameter's update is one kernel call with the same values and state (see `useFusedUpdates`).
 *
 * @example
 * const optimizer = adam({ learningRate: 1e-3 });
 */
export function adam(options: AdamOptions = {}): GradientTransformation {
  const learningRate = requireScalarOrSchedule(options.learningRate ?? 1e-3, 'learningRate', 'adam');
  const general = chain(scaleByAdam(options), scaleByLearningRate(learningRate));
  return withFusedUpdate(general, adamPlan(adamHyper(options), learningRate, { present: false, weightDecay: 0, mask: undefined }));
}

/** scaleByAdam's hyper-parameters with their defaults (validated by scaleByAdam). */
export function adamHyper(options: ScaleByAdamOptions): { beta1: number; beta2: number; epsilon: number; epsilonRoot: number } {
  return { beta1: options.beta1 ?? 0.9, beta2: options.beta2 ?? 0.999, epsilon: options.epsilon ?? 1e-8, epsilonRoot: options.epsilonRoot ?? 0 };
}
