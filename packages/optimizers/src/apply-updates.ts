import * as tf from '@tensorflow/tfjs-core';
import { entry } from './tree.js';
import type { Params } from './types.js';

/**
 * Returns `params + updates` for every key of `params` (new tensors; the inputs are kept).
 * Updates already carry the sign: `scaleByLearningRate` multiplies by `-learningRate`.
 *
 * @example
 * const newParams = applyUpdates(params, updates);
 */
export function applyUpdates(params: Params, updates: Params): Params {
  const out: Params = {};
  for (const key of Object.keys(params)) {
    const param = params[key] as tf.Tensor;
    const update = entry(updates, key, 'updates', 'applyUpdates');
    out[key] = tf.tidy(() => tf.add(param, tf.cast(update, param.dtype)));
  }
  return out;
}
