import { addDecayedWeights, type ParamMask } from './add-decayed-weights.js';
import { chain } from './chain.js';
import { lionPlan } from './fused-chains.js';
import { withFusedUpdate } from './fused-updates.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { scaleByLion, type ScaleByLionOptions } from './scale-by-lion.js';
import type { GradientTransformation, ScalarOrSchedule } from './types.js';
import { requireScalarOrSchedule } from './validate.js';

/** Options of `lion`. */
export interface LionOptions extends ScaleByLionOptions {
  /** A number or a schedule; Lion wants 3-10x smaller rates than Adam. */
  learningRate: ScalarOrSchedule;
  /** Decoupled weight decay. Default 0 (optax uses 1e-3; set it explicitly). */
  weightDecay?: number;
  /** Which parameters to decay. Default: all. */
  mask?: ParamMask;
}

/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"):
 * `chain(scaleByLion(), addDecayedWeights(weightDecay), scaleByLearningRate(learningRate))`; one
 * fused kernel call per parameter where `@loom-ml/wasm` registered it (see `adam`).
 *
 * @example
 * const optimizer = lion({ learningRate: 1e-4, weightDecay: 1e-2 });
 */
export function lion(options: LionOptions): GradientTransformation {
  requireScalarOrSchedule(options?.learningRate, 'learningRate', 'lion');
  const weightDecay = options.weightDecay ?? 0;
  const transforms: GradientTransformation[] = [scaleByLion(options)];
  if (weightDecay !== 0) {
    transforms.push(addDecayedWeights(weightDecay, options.mask === undefined ? {} : { mask: options.mask }));
  }
  transforms.push(scaleByLearningRate(options.learningRate));
  const hyper = { beta1: options.beta1 ?? 0.9, beta2: options.beta2 ?? 0.99 };
  return withFusedUpdate(chain(...transforms), lionPlan(hyper, options.learningRate, { present: weightDecay !== 0, weightDecay, mask: options.mask }));
}
