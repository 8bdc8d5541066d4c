import * as tf from '@tensorflow/tfjs-core';
import { collectTensors, mapParams } from './tree.js';
import type { GradientTransformation, OptState, Params } from './types.js';

/**
 * Composes transformations left to right: the updates of one are the gradients of the next.
 * The state is the array of the inner states. Intermediate updates are disposed.
 *
 * @example
 * const optimizer = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(1e-3));
 */
export function chain(...transforms: GradientTransformation[]): GradientTransformation<OptState[]> {
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update(grads, state, params, extras) {
      // The caller owns what we return, so even the empty chain returns new tensors.
      if (transforms.length === 0) return { updates: tf.tidy(() => mapParams(grads, (g) => tf.clone(g))), state: [] };
      let updates: Params = grads;
      const newState: OptState[] = [];
      transforms.forEach((transform, index) => {
        const result = transform.update(updates, state[index] as OptState, params, extras);
        if (updates !== grads) disposeUnlessKept(updates, grads, result.updates, result.state);
        updates = result.updates;
        newState.push(result.state);
      });
      return { updates, state: newState };
    },
  };
}

function disposeUnlessKept(old: Params, ...keep: OptState[]): void {
  const kept = new Set<number>();
  for (const tree of keep) for (const t of collectTensors(tree)) kept.add(t.id);
  for (const t of Object.values(old) as tf.Tensor[]) if (!kept.has(t.id) && !t.isDisposed) t.dispose();
}
