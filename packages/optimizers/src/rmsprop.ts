import { chain } from './chain.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { scaleByRms, scaleByStddev, type ScaleByRmsOptions } from './scale-by-rms.js';
import { traceMomentum } from './trace-momentum.js';
import type { GradientTransformation, ScalarOrSchedule } from './types.js';
import { requireScalarOrSchedule } from './validate.js';

/** Options of `rmsprop`. */
export interface RmspropOptions extends ScaleByRmsOptions {
  /** A number or a schedule of the step. */
  learningRate: ScalarOrSchedule;
  /** Divide by the running standard deviation instead of the RMS. Default false. */
  centered?: boolean;
  /** Momentum applied after the learning rate (as optax and Keras). Default none. */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/**
 * RMSprop (Tieleman & Hinton 2012):
 * `chain(scaleByRms() or scaleByStddev(), scaleByLearningRate(lr), traceMomentum(momentum)?)`.
 *
 * @example
 * const optimizer = rmsprop({ learningRate: 1e-3, centered: true, momentum: 0.9 });
 */
export function rmsprop(options: RmspropOptions): GradientTransformation {
  requireScalarOrSchedule(options?.learningRate, 'learningRate', 'rmsprop');
  const transforms: GradientTransformation[] = [
    options.centered ? scaleByStddev(options) : scaleByRms(options),
    scaleByLearningRate(options.learningRate),
  ];
  if (options.momentum !== undefined && options.momentum !== 0) {
    transforms.push(traceMomentum({ decay: options.momentum, nesterov: options.nesterov ?? false }));
  }
  return chain(...transforms);
}
