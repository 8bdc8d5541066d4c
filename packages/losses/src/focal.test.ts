import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { binaryFocalCrossentropy, categoricalFocalCrossentropy } from './index.js';

describe('focal losses, hand-computed', () => {
  it('categorical: -α (1 - p_y)^γ log p_y for the true class, from logits and from probabilities', () => {
    // Logits [1, 2, 0], true class 1: p = softmax = e^[1,2,0] / (e + e^2 + 1).
    const z = Math.E + Math.exp(2) + 1;
    const p1 = Math.exp(2) / z;
    const expected = -0.25 * (1 - p1) ** 2 * Math.log(p1);
    const target = tf.tensor2d([[0, 1, 0]]);
    const logits = tf.tensor2d([[1, 2, 0]]);
    expectTensorsClose(categoricalFocalCrossentropy({ fromLogits: true }).perSample(target, logits), [expected], { atol: 1e-6 });
    expectTensorsClose(categoricalFocalCrossentropy().perSample(target, tf.softmax(logits)), [expected], { atol: 1e-6 });
    // Per-class alpha picks the true class's: 0.6 for class 1.
    const perClass = categoricalFocalCrossentropy({ fromLogits: true, alpha: [0.1, 0.6, 0.3] }).perSample(target, logits).dataSync()[0];
    expect(perClass).toBeCloseTo((expected / 0.25) * 0.6, 6);
  });

  it('binary from probabilities: p = 0.9 for a positive and 0.9 for a negative, γ 2, α 0.25', () => {
    // Positive: 0.25 * 0.1^2 * -log 0.9. Negative: 0.75 * 0.9^2 * -log 0.1. Mean over the two.
    const positive = 0.25 * 0.01 * -Math.log(0.9);
    const negative = 0.75 * 0.81 * -Math.log(0.1);
    const value = binaryFocalCrossentropy({ gamma: 2, alpha: 0.25 }).perSample(tf.tensor2d([[1, 0]]), tf.tensor2d([[0.9, 0.9]]));
    expectTensorsClose(value, [(positive + negative) / 2], { atol: 1e-6 });
  });

  it('names bad gamma and alpha', () => {
    expect(() => binaryFocalCrossentropy({ gamma: -1 })).toThrow(
      'Invalid value for `gamma` in binaryFocalCrossentropy. Expected a number in [0, Infinity). Received: -1.',
    );
    expect(() => binaryFocalCrossentropy({ alpha: 2 })).toThrow('Invalid value for `alpha` in binaryFocalCrossentropy. Expected a number in [0, 1]. Received: 2.');
    expect(() => categoricalFocalCrossentropy({ alpha: [0.5, 0.5] }).perSample(tf.zeros([1, 3]), tf.zeros([1, 3]))).toThrow(
      'Invalid value for `alpha` in categoricalFocalCrossentropy. Expected 3 values (one per class). Received: 2.',
    );
  });
});
