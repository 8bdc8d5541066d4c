import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, precisionRecallF1, topKAccuracy } from './index.js';

describe('classification metrics (hand-computed)', () => {
  it('accuracy detects sparse, categorical and binary tasks from shapes', () => {
    const probabilities = [[0.9, 0.1, 0], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4]];
    expect(accuracy(tf.tensor1d([0, 2, 2]), tf.tensor2d(probabilities))).toBeCloseTo(2 / 3);
    expect(accuracy(tf.tensor2d([[1, 0, 0], [0, 0, 1], [0, 0, 1]]), tf.tensor2d(probabilities))).toBeCloseTo(2 / 3);
    expect(accuracy([1, 0, 1, 1], [0.8, 0.4, 0.2, 0.5])).toBe(0.5); // 0.5 is not above the threshold
    expect(accuracy([1, 0], [2.1, -0.3], { threshold: 0 })).toBe(1); // logits
  });

  it('ties in argmax pick the first class (documented)', () => {
    expect(accuracy(tf.tensor1d([0]), tf.tensor2d([[0.5, 0.5]]))).toBe(1);
  });

  it('top-k accuracy', () => {
    const scores = tf.tensor2d([[0.5, 0.1, 0.4], [0.2, 0.3, 0.5]]);
    expect(topKAccuracy(tf.tensor1d([2, 0]), scores, 1)).toBe(0);
    expect(topKAccuracy(tf.tensor1d([2, 0]), scores, 2)).toBe(0.5);
    expect(topKAccuracy(tf.tensor1d([2, 0]), scores, 3)).toBe(1);
  });

  it('confusion matrix and precision/recall/F1 with sklearn\'s zero-division convention', () => {
    const matrix = confusionMatrix([0, 1, 1, 1, 2, 2], [0, 1, 0, 1, 1, 0], 3);
    expect(matrix).toEqual([[1, 0, 0], [1, 2, 0], [1, 1, 0]]);
    // class 0: P=1/3, R=1; class 1: P=2/3, R=2/3; class 2: never predicted: P=0, R=0
    const macro = precisionRecallF1(matrix, { average: 'macro' });
    expect(macro.precision).toBeCloseTo((1 / 3 + 2 / 3 + 0) / 3);
    expect(macro.recall).toBeCloseTo((1 + 2 / 3 + 0) / 3);
    expect(macro.f1).toBeCloseTo((0.5 + 2 / 3 + 0) / 3);
    const weighted = precisionRecallF1(matrix, { average: 'weighted' });
    expect(weighted.recall).toBeCloseTo((1 * 1 + 3 * (2 / 3) + 2 * 0) / 6);
    expect(precisionRecallF1(matrix, { average: 'micro' }).f1).toBeCloseTo(3 / 6);
    const binary = precisionRecallF1(confusionMatrix([0, 1, 1, 1], [0, 1, 0, 1], 2));
    expect(binary).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8 });
  });

  it('confusion matrix takes tensors and sample weights', () => {
    // weights [2, 0.5, 1]: true 0 -> pred 0 adds 2; true 1 -> pred 0 adds 0.5; true 1 -> pred 1 adds 1
    expect(confusionMatrix(tf.tensor1d([0, 1, 1]), tf.tensor1d([0, 0, 1]), 2, [2, 0.5, 1])).toEqual([[2, 0], [0.5, 1]]);
    expect(() => confusionMatrix([0, 1], [0, 1], 2, [1])).toThrow('Invalid value for `sampleWeight` in confusionMatrix. Expected 2 weights (one per label). Received: 1.');
  });

  it('names out-of-range labels', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/Invalid value for `labels` in confusionMatrix\. Expected integers in \[0, 3\)\. Received: '3 at index 1'/);
  });
});
