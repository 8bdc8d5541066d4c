import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { poisson } from './index.js';

describe('poisson', () => {
  it('hand-computed: mean over outputs of ŷ - y log(ŷ + 1e-7)', () => {
    // Row 0: (1 - 2 log 1 + 3 - 0 log 3) / 2 = 2. Row 1: (0.5 - 4 log 0.5 + 2 - 1 log 2) / 2.
    const expectedRow1 = (0.5 - 4 * Math.log(0.5) + 2 - Math.log(2)) / 2;
    const values = poisson().perSample(tf.tensor2d([[2, 0], [4, 1]]), tf.tensor2d([[1, 3], [0.5, 2]]));
    expectTensorsClose(values, [2, expectedRow1], { atol: 1e-5 });
  });

  it('is finite for a predicted rate of 0 (epsilon) and has the analytic gradient 1 - y / ŷ', () => {
    expect(Number.isFinite(poisson().perSample(tf.tensor1d([3]), tf.tensor1d([0])).dataSync()[0])).toBe(true);
    const result = checkGradients((rate) => tf.sum(poisson().perSample(tf.tensor1d([2, 0, 5]), rate!)), [tf.tensor1d([1.5, 0.7, 4])]);
    expect(result.checked).toBe(3);
  });

  it('names mismatched shapes', () => {
    expect(() => poisson().perSample(tf.zeros([2, 3]), tf.zeros([2, 2]))).toThrow(
      'Invalid value for `yPred` in poisson. Expected shape [2, 3] to match yTrue. Received: [2, 2].',
    );
  });
});
