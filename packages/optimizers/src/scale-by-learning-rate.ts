import { scale, scaleBySchedule } from './scale.js';
import type { GradientTransformation, OptState, ScalarOrSchedule } from './types.js';
import { requireScalarOrSchedule } from './validate.js';

/**
 * Multiplies the updates by `-learningRate` (a number or a schedule of the step), so that
 * `applyUpdates` descends. Pass `{ flipSign: false }` to ascend.
 *
 * @example
 * const step = scaleByLearningRate(warmupCosineDecaySchedule({ peakValue: 1e-3, warmupSteps: 100, decaySteps: 1000 }));
 */
export function scaleByLearningRate(
  learningRate: ScalarOrSchedule,
  options: { flipSign?: boolean } = {},
): GradientTransformation<OptState> {
  requireScalarOrSchedule(learningRate, 'learningRate', 'scaleByLearningRate');
  const sign = options.flipSign === false ? 1 : -1;
  if (typeof learningRate === 'number') return scale(sign * learningRate) as GradientTransformation<OptState>;
  return scaleBySchedule((step) => sign * learningRate(step)) as unknown as GradientTransformation<OptState>;
}
