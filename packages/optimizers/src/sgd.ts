import { chain } from './chain.js';
import { momentumPlan } from './fused-chains.js';
import { withFusedUpdate } from './fused-updates.js';
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
 * `chain(traceMomentum({ decay: momentum, nesterov }), scaleByLearningRate(learningRate))`; with
 * momentum, one fused kernel call per parameter where `@loom-ml/wasm` registered it (see `adam`).
 *
 * @example
 * const optimizer = sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 */
export function sgd(options: SgdOptions): GradientTransformation {
  requireScalarOrSchedule(options?.learningRate, 'learningRate', 'sgd');
  const momentum = options.momentum ?? 0;
  const transforms: GradientTransformation[] = [];
  const traced = momentum !== 0 || Boolean(options.nesterov);
  if (traced) transforms.push(traceMomentum({ decay: momentum, nesterov: options.nesterov ?? false }));
  transforms.push(scaleByLearningRate(options.learningRate));
  const general = chain(...transforms);
  // Plain SGD is one multiply already; momentum fuses the trace, the look-ahead and the rate.
  return traced ? withFusedUpdate(general, momentumPlan({ decay: momentum, nesterov: Boolean(options.nesterov) }, options.learningRate)) : general;
}
