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

  it('reads arrays of rows as per-class scores, like a [n, classes] tensor', () => {
    // Hand-computed: the argmax of [0.1, 0.9] and of [0.2, 0.8] is class 1, the label of both rows.
    expect(accuracy([1, 1], [[0.1, 0.9], [0.2, 0.8]])).toBe(1);
    expect(accuracy([[0, 1], [1, 0]], [[0.1, 0.9], [0.2, 0.8]])).toBe(0.5); // one-hot labels: rows 1 and 0
    expect(accuracy([1, 0], [[0.8], [0.3]])).toBe(1); // [n, 1]: binary scores
    // Class 2 has the lowest score of [0.5, 0.4, 0.1], so it is not in the top 2; in [0.5, 0.1, 0.4] it is second.
    expect(topKAccuracy([2], [[0.5, 0.4, 0.1]], 2)).toBe(0);
    expect(topKAccuracy([2], [[0.5, 0.1, 0.4]], 2)).toBe(1);
    // The JSDoc examples, as written.
    expect(accuracy([0, 2], [[0.9, 0.1, 0], [0.2, 0.7, 0.1]])).toBe(0.5);
    expect(accuracy([1, 0], [0.8, 0.3])).toBe(1);
    expect(confusionMatrix([0, 1, 1], [0, 0, 1], 2)).toEqual([[1, 0], [1, 1]]);
    // The same answers from tensors.
    expect(accuracy(tf.tensor1d([1, 1]), tf.tensor2d([[0.1, 0.9], [0.2, 0.8]]))).toBe(1);
    expect(topKAccuracy(tf.tensor1d([2]), tf.tensor2d([[0.5, 0.4, 0.1]]), 2)).toBe(0);
  });

  it('names ragged rows, labels out of range and per-class scores where one number per sample is expected', () => {
    expect(() => accuracy([1, 1], [[0.1, 0.9], [0.2]])).toThrow("Invalid value for `yPred[1]` in accuracy. Expected a row of 2 numbers (like yPred[0]). Received: 'a row of 1'.");
    expect(() => accuracy([1, 1], [0.1, [0.2, 0.8]] as never)).toThrow("Invalid value for `yPred[1]` in accuracy. Expected a number (like yPred[0]). Received: 'an array'.");
    expect(() => topKAccuracy([7], [[0.5, 0.4, 0.1]], 2)).toThrow('Invalid value for `yTrue[0]` in topKAccuracy. Expected an integer label in [0, 3). Received: 7.');
    expect(() => topKAccuracy([0], [[0.5, 0.4, 0.1]], 0)).toThrow('Invalid value for `k` in topKAccuracy. Expected a positive integer. Received: 0.');
    expect(() => confusionMatrix([1, 0], [[0.1, 0.9], [0.8, 0.2]], 2)).toThrow(
      "Invalid value for `predictions` in confusionMatrix. Expected one class index per sample (take the argmax of per-class scores first) (shape [n] or [n, 1]). Received: 'shape [2, 2]'.",
    );
  });

  it('names out-of-range labels', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/Invalid value for `labels` in confusionMatrix\. Expected integers in \[0, 3\)\. Received: '3 at index 1'/);
  });
});
