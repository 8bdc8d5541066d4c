import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { computeLoss, meanSquaredError } from './index.js';

const yTrue = tf.tensor2d([[1, 2, 3], [0, -1, 4]]);
const yPred = tf.tensor2d([[1.5, 2, 1], [0, 1, 4.5]]);

describe('meanSquaredError against tfjs-core tf.losses (cpu) and hand-computed values', () => {
  it('MSE: per sample mean over outputs; equals tf.losses.meanSquaredError overall', () => {
    // sample 0: (0.25 + 0 + 4) / 3 = 1.41667; sample 1: (0 + 4 + 0.25) / 3 = 1.41667
    expectTensorsClose(meanSquaredError().perSample(yTrue, yPred), [4.25 / 3, 4.25 / 3], { rtol: 1e-6 });
    expectTensorsClose(computeLoss(meanSquaredError(), yTrue, yPred), tf.losses.meanSquaredError(yTrue, yPred), { rtol: 1e-6 });
  });
  it('names mismatched shapes', () => {
    expect(() => meanSquaredError().perSample(tf.zeros([2, 3]), tf.zeros([2, 2]))).toThrow(/Invalid value for `yPred` in meanSquaredError\. Expected shape \[2, 3\] to match yTrue\. Received: \[2, 2\]/);
  });
});
