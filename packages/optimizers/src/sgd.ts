import { chain } from './chain.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { traceMomentum } from './trace-momentum.js';
import type { GradientTransformation, ScalarOrSchedule } from './types.js';
import { requireScalarOrSchedule } from './validate.js';

/** Options of `sgd`. */
export interface SgdOptions {
  /** A number or a schedule of the step. */
  learningRate: ScalarOrSchedule;
  /** Momentum coefficient in [0, 1); 0 or absent means plain SGD. */
  momentum?: number;
  /** Use Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, optionally with (Nesterov) momentum:
 * `chain(traceMomentum({ decay: momentum, nesterov }), scaleByLearningRate(learningRate))`.
 *
 * @example
 * const optimizer = sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 */
export function sgd(options: SgdOptions): GradientTransformation {
  requireScalarOrSchedule(options?.learningRate, 'learningRate', 'sgd');
  const momentum = options.momentum ?? 0;
  const transforms: GradientTransformation[] = [];
  if (momentum !== 0 || options.nesterov) transforms.push(traceMomentum({ decay: momentum, nesterov: options.nesterov ?? false }));
  transforms.push(scaleByLearningRate(options.learningRate));
  return chain(...transforms);
}
