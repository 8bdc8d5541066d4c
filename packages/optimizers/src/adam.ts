import { chain } from './chain.js';
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
 * Adam: `chain(scaleByAdam(options), scaleByLearningRate(learningRate))`.
 *
 * @example
 * const optimizer = adam({ learningRate: 1e-3 });
 */
export function adam(options: AdamOptions = {}): GradientTransformation {
  const learningRate = requireScalarOrSchedule(options.learningRate ?? 1e-3, 'learningRate', 'adam');
  return chain(scaleByAdam(options), scaleByLearningRate(learningRate));
}
