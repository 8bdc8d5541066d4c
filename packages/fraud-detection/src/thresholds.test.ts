import { describe, expect, it } from 'vitest';
import { precisionAtK, precisionInTopK, recallAtFalsePositiveRate, thresholdByCost, thresholdForPrecision, thresholdForRecall } from './index.js';

const labels = [1, 1, 0, 1, 0, 0, 0, 0];
const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.3, 0.2, 0.1];

describe('thresholds (hand-computed)', () => {
  it('picks the threshold with the lowest cost', () => {
    // flag >=0.8: 0 FP, 1 FN -> 100; >=0.6: 1 FP, 0 FN -> 10; flag nothing: 3 FN -> 300
    expect(thresholdByCost(labels, scores, { falsePositive: 10, falseNegative: 100 })).toEqual({ threshold: 0.6, cost: 10, flagged: 4 });
    // Missing one costs less than any false alarm: stop at 0.8.
    expect(thresholdByCost(labels, scores, { falsePositive: 200, falseNegative: 100 }).threshold).toBe(0.8);
  });

  it('reaches a target precision or recall', () => {
    expect(thresholdForPrecision(labels, scores, 1)).toEqual({ threshold: 0.8, precision: 1, recall: 2 / 3 });
    expect(thresholdForPrecision(labels, scores, 0.75)).toEqual({ threshold: 0.6, precision: 0.75, recall: 1 });
    expect(thresholdForRecall(labels, scores, 1)).toEqual({ threshold: 0.6, precision: 0.75, recall: 1 });
  });

  it('precision in the top k and recall at a false-positive rate', () => {
    expect(precisionInTopK(labels, scores, 2)).toBe(1);
    expect(precisionInTopK(labels, scores, 4)).toBe(0.75);
    // The deprecated name gives the same results.
    expect(precisionAtK(labels, scores, 2)).toBe(1);
    expect(precisionAtK(labels, scores, 4)).toBe(0.75);
    expect(recallAtFalsePositiveRate(labels, scores, 0)).toBeCloseTo(2 / 3);
    expect(recallAtFalsePositiveRate(labels, scores, 0.2)).toBe(1);
  });

  it('names bad labels', () => {
    expect(() => precisionInTopK([2], [0.1], 1)).toThrow(/Invalid value for `labels` in precisionInTopK\. Expected 0\/1 labels\. Received: '2 at index 0'/);
    expect(() => precisionAtK([2], [0.1], 1)).toThrow(/Invalid value for `labels` in precisionAtK\. Expected 0\/1 labels\. Received: '2 at index 0'/);
  });
});
