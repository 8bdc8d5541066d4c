import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { computeLoss, huber } from './index.js';

const yTrue = tf.tensor2d([[1, 2, 3], [0, -1, 4]]);
const yPred = tf.tensor2d([[1.5, 2, 1], [0, 1, 4.5]]);

describe('huber against tfjs-core tf.losses (cpu) and hand-computed values', () => {
  it('Huber equals tf.losses.huberLoss for delta 1 and 0.5', () => {
    for (const delta of [1, 0.5]) {
      expectTensorsClose(computeLoss(huber({ delta }), yTrue, yPred), tf.losses.huberLoss(yTrue, yPred, undefined, delta), { rtol: 1e-6 });
    }
    // Hand: |x| = 0.5 -> 0.125; |x| = 3 -> 1 * (3 - 0.5) = 2.5
    expectTensorsClose(huber({ delta: 1 }).perSample(tf.tensor1d([0, 0]), tf.tensor1d([0.5, 3])), [0.125, 2.5], { rtol: 1e-6 });
  });

  it('names a non-positive delta', () => {
    expect(() => huber({ delta: 0 })).toThrow('Invalid value for `delta` in huber. Expected a number in (0, Infinity). Received: 0.');
  });
});
