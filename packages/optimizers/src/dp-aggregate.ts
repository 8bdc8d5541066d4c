import * as tf from '@tensorflow/tfjs-core';
import { chain } from './chain.js';
import { invalidValue } from './errors.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { traceMomentum } from './trace-momentum.js';
import type { GradientTransformation, Params, ScalarOrSchedule } from './types.js';
import { requireNumber, requireScalarOrSchedule } from './validate.js';

/** Options of `privatizePerExampleGradients`. */
export interface PrivatizeOptions {
  /** Each example's gradient (over all parameters together) is clipped to this l2 norm `C`. */
  l2NormClip: number;
  /** Noise standard deviation as a multiple of `l2NormClip` (`sigma`); 0 adds no noise. */
  noiseMultiplier: number;
  /** Integer seed of the Gaussian noise; the same seed gives the same noise. */
  seed: number;
}

/** Mixes integers into a 31-bit seed (so each step and each parameter draws different noise). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ Math.floor(part / 2 ** 32), 0x01000193) >>> 0;
    h ^= h >>> 15;
  }
  return h & 0x7fffffff;
}

/**
 * The DP-SGD gradient (Abadi et al. 2016). `perExampleGrads[name]` has shape `[batch, ...param.shape]`.
 * Each example's gradient, taken over all parameters together, is scaled by
 * `min(1, C / ||g_i||)`; the clipped gradients are summed over the batch, Gaussian noise
 * `N(0, (noiseMultiplier * C)^2)` is added (seeded), and the result is divided by the batch size.
 * Returns new tensors of the parameter shapes.
 *
 * @example
 * const grads = privatizePerExampleGradients({ w: perExampleW }, { l2NormClip: 1, noiseMultiplier: 1.1, seed: step });
 */
export function privatizePerExampleGradients(perExampleGrads: Params, options: PrivatizeOptions): Params {
  const where = 'privatizePerExampleGradients';
  const clip = requireNumber(options?.l2NormClip, 'l2NormClip', where, 'positive');
  const noiseMultiplier = requireNumber(options.noiseMultiplier, 'noiseMultiplier', where, 'nonNegative');
  const seed = options.seed;
  if (!Number.isInteger(seed)) throw invalidValue('seed', where, 'an integer', seed);
  const keys = Object.keys(perExampleGrads);
  if (keys.length === 0) return {};
  const batch = (perExampleGrads[keys[0] as string] as tf.Tensor).shape[0];
  for (const key of keys) {
    const g = perExampleGrads[key] as tf.Tensor;
    if (g.rank < 1 || g.shape[0] !== batch) {
      throw invalidValue(`perExampleGrads.${key}`, where, `a tensor with the batch (${batch}) as its first dimension`, `shape [${g.shape.join(', ')}]`);
    }
  }
  if (batch === undefined || batch < 1) throw invalidValue('perExampleGrads', where, 'at least one example', batch);
  return tf.tidy(() => {
    const squaredNorms = keys.map((key) => {
      const g = perExampleGrads[key] as tf.Tensor;
      return tf.sum(tf.square(tf.reshape(tf.cast(g, 'float32'), [batch, -1])), 1);
    });
    const norms = tf.sqrt(tf.addN(squaredNorms));
    // C / max(norm, C) equals min(1, C / norm) and is 1 (not NaN) for a zero gradient.
    const factors = tf.div(clip, tf.maximum(norms, clip));
    const out: Params = {};
    keys.forEach((key, index) => {
      const g = tf.cast(perExampleGrads[key] as tf.Tensor, 'float32');
      const shape = g.shape.slice(1);
      const scaled = tf.mul(g, tf.reshape(factors, [batch, ...shape.map(() => 1)]));
      let total = tf.sum(scaled, 0);
      if (noiseMultiplier > 0) {
        total = tf.add(total, tf.randomNormal(shape, 0, noiseMultiplier * clip, 'float32', mixSeed(seed, index)));
      }
      out[key] = tf.div(total, batch);
    });
    return out;
  });
}

/** State of `differentiallyPrivateAggregate`: the step counter that varies the noise seed. */
export interface DpAggregateState {
  [key: string]: number;
  count: number;
}

/**
 * A transformation whose input is per-example gradients (`[batch, ...]` per parameter) and
 * whose output is the privatized mean gradient (see `privatizePerExampleGradients`); the
 * noise seed is derived from `seed` and the step count, so runs are reproducible.
 *
 * @example
 * const t = chain(differentiallyPrivateAggregate({ l2NormClip: 1, noiseMultiplier: 1.1, seed: 42 }), scaleByLearningRate(0.15));
 */
export function differentiallyPrivateAggregate(options: PrivatizeOptions): GradientTransformation<DpAggregateState> {
  // Validate eagerly so bad options fail at construction, not at the first step.
  const where = 'differentiallyPrivateAggregate';
  requireNumber(options?.l2NormClip, 'l2NormClip', where, 'positive');
  requireNumber(options.noiseMultiplier, 'noiseMultiplier', where, 'nonNegative');
  if (!Number.isInteger(options.seed)) throw invalidValue('seed', where, 'an integer', options.seed);
  return {
    init: () => ({ count: 0 }),
    update(perExampleGrads, state) {
      const updates = privatizePerExampleGradients(perExampleGrads, { ...options, seed: mixSeed(options.seed, state.count) });
      return { updates, state: { count: state.count + 1 } };
    },
  };
}

/** Options of `dpSgd`. */
export interface DpSgdOptions extends PrivatizeOptions {
  learningRate: ScalarOrSchedule;
  /** Momentum in [0, 1). Default none. */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

/**
 * DP-SGD: `chain(differentiallyPrivateAggregate(...), traceMomentum?(...), scaleByLearningRate(learningRate))`.
 * `step` takes per-example gradients. Report its privacy with `dpSgdEpsilon`.
 *
 * @example
 * const optimizer = dpSgd({ learningRate: 0.15, l2NormClip: 1, noiseMultiplier: 1.1, seed: 0 });
 */
export function dpSgd(options: DpSgdOptions): GradientTransformation {
  requireScalarOrSchedule(options?.learningRate, 'learningRate', 'dpSgd');
  const transforms: GradientTransformation[] = [differentiallyPrivateAggregate(options)];
  if (options.momentum !== undefined && options.momentum !== 0) {
    transforms.push(traceMomentum({ decay: options.momentum, nesterov: options.nesterov ?? false }));
  }
  transforms.push(scaleByLearningRate(options.learningRate));
  return chain(...transforms);
}
