import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, it } from 'vitest';
import { klDivergence } from './index.js';

describe('klDivergence against tfjs-core tf.losses (cpu) and hand-computed values', () => {
  it('KL divergence: hand-computed, and 0 for identical distributions', () => {
    const expected = 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1);
    expectTensorsClose(klDivergence().perSample(tf.tensor2d([[0.5, 0.5], [0.2, 0.8]]), tf.tensor2d([[0.9, 0.1], [0.2, 0.8]])), [expected, 0], { atol: 1e-6 });
  });

  it('treats yTrue = 0 entries as contributing 0 (clipped to 1e-7: 1e-7 log(1e-7 / p) ≈ 0)', () => {
    // [1, 0] vs [0.25, 0.75]: 1 * log(1 / 0.25) = log 4, plus ~1e-7 * log(1e-7 / 0.75) ≈ -1.6e-6.
    expectTensorsClose(klDivergence().perSample(tf.tensor2d([[1, 0]]), tf.tensor2d([[0.25, 0.75]])), [Math.log(4)], { atol: 1e-5 });
  });
});
