import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, runUpdates } from '../test/helpers.js';
import { adam } from './adam.js';
import { chain } from './chain.js';
import { multiSteps } from './multi-steps.js';
import { reduceOnPlateau } from './reduce-on-plateau.js';
import { sgd } from './sgd.js';
import { collectTensors } from './tree.js';

describe('multiSteps', () => {
  it('returns zeros for k-1 calls, then the inner update of the mean of the k gradients', () => {
    const updates = runUpdates(multiSteps(sgd({ learningRate: 1 }), { every: 3 }), { w: [0, 0] }, [
      { w: [1, 2] },
      { w: [3, 4] },
      { w: [5, -12] },
      { w: [6, 6] },
    ]);
    expectClose(updates[0]?.w, [0, 0], 0, 0);
    expectClose(updates[1]?.w, [0, 0], 0, 0);
    expectClose(updates[2]?.w, [-3, 2]); // -mean = -[(1+3+5)/3, (2+4-12)/3]
    expectClose(updates[3]?.w, [0, 0], 0, 0); // a new window starts
  });

  it('advances the inner state only on real updates (Adam sees step 1 at call k)', () => {
    // Adam's first update is -lr * sign(g) whatever the size of g: if the inner count had
    // advanced on the zero calls, bias correction would make it differ.
    const updates = runUpdates(multiSteps(adam({ learningRate: 0.1 }), { every: 2 }), { w: [0] }, [{ w: [1] }, { w: [3] }]);
    expectClose(updates[1]?.w, [-0.1], 1e-6);
  });

  it('keeps a metric reported mid-window for the inner reduceOnPlateau', () => {
    const transform = multiSteps(chain(sgd({ learningRate: 1 }), reduceOnPlateau({ factor: 0.5, patience: 1 })), { every: 2 });
    const params = { w: tf.tensor1d([0]) };
    const grads = { w: tf.tensor1d([1]) };
    let state = transform.init(params);
    const moves: number[] = [];
    for (const metric of [1, undefined, 2, undefined]) {
      const result = transform.update(grads, state, params, metric === undefined ? {} : { metric });
      moves.push((result.updates.w as tf.Tensor).dataSync()[0] as number);
      tf.dispose([...Object.values(result.updates), ...collectTensors(state)]);
      state = result.state;
    }
    // Window 1: metric 1 (first, best) reaches the inner step -> -1. Window 2: metric 2 is a
    // plateau of 1 report = patience -> scale 0.5 -> -0.5.
    expect(moves).toEqual([0, -1, 0, -0.5]);
    tf.dispose([...collectTensors(state), params.w, grads.w]);
  });

  it('leaks nothing across many calls', () => {
    const transform = multiSteps(adam(), { every: 4 });
    const params = { w: tf.tensor1d([1, 2]) };
    let state = transform.init(params);
    const grads = { w: tf.tensor1d([0.1, 0.2]) };
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      const result = transform.update(grads, state, params);
      tf.dispose(Object.values(result.updates));
      tf.dispose(collectTensors(state));
      state = result.state;
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([...collectTensors(state), grads.w, params.w]);
  });

  it('rejects every < 1', () => {
    expect(() => multiSteps(sgd({ learningRate: 1 }), { every: 0 })).toThrow(
      'Invalid value for `every` in multiSteps. Expected a positive integer. Received: 0.',
    );
  });
});
