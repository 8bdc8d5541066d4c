import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../test/helpers.js';
import { applyUpdates } from './apply-updates.js';
import { chain } from './chain.js';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { scaleByAdam } from './scale-by-adam.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { collectTensors } from './tree.js';
import type { OptState, Params } from './types.js';

describe('chain', () => {
  it('equals the transforms applied by hand, step after step', () => {
    const parts = [clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(0.1)];
    const chained = chain(...parts);
    const params: Params = { a: tf.tensor1d([1, -2]), b: tf.tensor2d([[0.5]]) };
    const gradients = [
      { a: [3, -4], b: [[1]] },
      { a: [0.1, 0.2], b: [[-0.3]] },
    ];
    let chainState: OptState = chained.init(params);
    let handStates: OptState[] = parts.map((p) => p.init(params));
    for (const g of gradients) {
      const grads: Params = { a: tf.tensor1d(g.a), b: tf.tensor2d(g.b) };
      const viaChain = chained.update(grads, chainState, params);
      // By hand: feed each transformation's updates to the next.
      let updates = grads;
      const nextHand: OptState[] = [];
      parts.forEach((part, i) => {
        const result = part.update(updates, handStates[i] as OptState, params);
        if (updates !== grads) tf.dispose(Object.values(updates));
        updates = result.updates;
        nextHand.push(result.state);
      });
      for (const key of ['a', 'b']) {
        expectClose(Array.from((viaChain.updates[key] as tf.Tensor).dataSync()), Array.from((updates[key] as tf.Tensor).dataSync()), 0, 0);
      }
      tf.dispose([...collectTensors(chainState), ...collectTensors(handStates)]);
      tf.dispose([...Object.values(viaChain.updates), ...Object.values(updates), ...Object.values(grads)]);
      chainState = viaChain.state;
      handStates = nextHand;
    }
    tf.dispose([...collectTensors(chainState), ...collectTensors(handStates), ...Object.values(params)]);
  });

  it('disposes its intermediate updates and nothing it was given', () => {
    const transform = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(0.1));
    const params: Params = { w: tf.tensor1d([1, 2]) };
    const grads: Params = { w: tf.tensor1d([3, 4]) };
    const state = transform.init(params);
    const before = tf.memory().numTensors;
    const result = transform.update(grads, state, params);
    // New: one update tensor plus Adam's mu and nu.
    expect(tf.memory().numTensors - before).toBe(3);
    expect(grads.w?.isDisposed).toBe(false);
    expect(collectTensors(state).every((t) => !t.isDisposed)).toBe(true);
    tf.dispose([...collectTensors(state), ...collectTensors(result.state), ...Object.values(result.updates), grads.w as tf.Tensor, params.w as tf.Tensor]);
  });

  it('an empty chain is the identity, returning new tensors the caller owns', () => {
    const grads: Params = { w: tf.tensor1d([3, 4]) };
    const result = chain().update(grads, chain().init(grads));
    expect(result.updates.w).not.toBe(grads.w);
    expectClose(Array.from((result.updates.w as tf.Tensor).dataSync()), [3, 4], 0, 0);
    tf.dispose([...Object.values(grads), ...Object.values(result.updates)]);
  });
});

describe('applyUpdates', () => {
  it('returns params + updates without touching its inputs', () => {
    const params: Params = { w: tf.tensor1d([1, 2]) };
    const updates: Params = { w: tf.tensor1d([0.5, -1]) };
    const next = expectNoLeakedTensors(() => {
      const out = applyUpdates(params, updates);
      const values = Array.from((out.w as tf.Tensor).dataSync());
      tf.dispose(Object.values(out));
      return values;
    });
    expectClose(next, [1.5, 1]);
    tf.dispose([params.w as tf.Tensor, updates.w as tf.Tensor]);
  });

  it('names a missing update', () => {
    const params: Params = { w: tf.tensor1d([1]) };
    expect(() => applyUpdates(params, {})).toThrow(
      "Invalid value for `updates` in applyUpdates. Expected an entry for every key of the gradients (missing: 'w'). Received: [].",
    );
    params.w?.dispose();
  });
});
