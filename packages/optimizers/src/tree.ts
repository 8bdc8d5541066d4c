import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import type { OptState, Params } from './types.js';

/** Applies `fn` to every entry of `params`, keeping the keys. */
export function mapParams(params: Params, fn: (value: tf.Tensor, key: string) => tf.Tensor): Params {
  const out: Params = {};
  for (const key of Object.keys(params)) out[key] = fn(params[key] as tf.Tensor, key);
  return out;
}

/** Looks up `key` in `params`, naming the transformation when it is missing. */
export function entry(params: Params, key: string, what: string, where: string): tf.Tensor {
  const value = params[key];
  if (value === undefined) {
    throw invalidValue(what, where, `an entry for every key of the gradients (missing: '${key}')`, Object.keys(params));
  }
  return value;
}

/** Every tensor inside a state tree. */
export function collectTensors(state: OptState, into: tf.Tensor[] = []): tf.Tensor[] {
  if (state === null || typeof state === 'number') return into;
  if (state instanceof tf.Tensor) {
    into.push(state);
  } else if (Array.isArray(state)) {
    for (const item of state) collectTensors(item, into);
  } else {
    for (const item of Object.values(state)) collectTensors(item, into);
  }
  return into;
}

/** Disposes every tensor in `state` that is not also in `keep` (guards against aliasing). */
export function disposeStateExcept(state: OptState, keep: OptState): void {
  const kept = new Set(collectTensors(keep).map((t) => t.id));
  for (const tensor of collectTensors(state)) if (!kept.has(tensor.id) && !tensor.isDisposed) tensor.dispose();
}

/** Zeros shaped like every parameter (float32, as the moments are kept in float32). */
export function zerosLikeParams(params: Params): Params {
  return mapParams(params, (p) => tf.zeros(p.shape, 'float32'));
}
