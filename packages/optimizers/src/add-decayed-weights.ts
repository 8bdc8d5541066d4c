import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import { entry, mapParams } from './tree.js';
import type { GradientTransformation } from './types.js';
import { requireNumber } from './validate.js';

/**
 * Which parameters a transformation applies to: a map from name to boolean (missing names
 * count as `true`), or a predicate on the name and the parameter.
 */
export type ParamMask = Record<string, boolean> | ((name: string, param: tf.Tensor) => boolean);

/**
 * A mask that skips biases and normalisation scales: only parameters of rank 2 or more
 * (kernels, embeddings) are selected.
 *
 * @example
 * adamw({ learningRate: 1e-3, weightDecay: 1e-2, mask: decayMatricesOnly });
 */
export function decayMatricesOnly(_name: string, param: tf.Tensor): boolean {
  return param.rank >= 2;
}

/** Whether `mask` selects the parameter `name` (internal; not re-exported). */
export function isSelected(mask: ParamMask | undefined, name: string, param: tf.Tensor): boolean {
  if (mask === undefined) return true;
  if (typeof mask === 'function') return mask(name, param);
  return mask[name] ?? true;
}

/** Options of `addDecayedWeights`. */
export interface AddDecayedWeightsOptions {
  /** Parameters to decay; the others pass through unchanged. Default: all. */
  mask?: ParamMask;
}

/**
 * Decoupled weight decay (Loshchilov & Hutter 2019): update = `g + weightDecay * param`.
 * Placed before `scaleByLearningRate`, so the decay is scaled by the learning rate as in AdamW.
 *
 * @example
 * const t = chain(scaleByAdam(), addDecayedWeights(1e-2, { mask: decayMatricesOnly }), scaleByLearningRate(1e-3));
 */
export function addDecayedWeights(weightDecay: number, options: AddDecayedWeightsOptions = {}): GradientTransformation<null> {
  const where = 'addDecayedWeights';
  requireNumber(weightDecay, 'weightDecay', where, 'nonNegative');
  const { mask } = options;
  if (mask !== undefined && typeof mask !== 'function' && (typeof mask !== 'object' || mask === null)) {
    throw invalidValue('mask', where, 'a record of booleans or a function (name, param) => boolean', mask);
  }
  return {
    init: () => null,
    update(grads, _state, params) {
      if (params === undefined) {
        throw invalidValue('params', where, 'the current parameters (weight decay needs them)', params);
      }
      const updates = tf.tidy(() =>
        mapParams(grads, (g, key) => {
          const param = entry(params, key, 'params', where);
          return isSelected(mask, key, param) ? tf.add(g, tf.mul(tf.cast(param, 'float32'), weightDecay)) : tf.clone(g);
        }),
      );
      return { updates, state: null };
    },
  };
}
