import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { averagePrecision, brierScore, expectedCalibrationError, logLoss, precisionRecallCurve, r2Score, rocAuc, rocCurve, meanSquaredError, rootMeanSquaredError, meanAbsoluteError } from './index.js';

describe('threshold-free metrics', () => {
  it('match sklearn\'s documented examples', () => {
    // sklearn roc_auc_score / average_precision_score docs: y=[0,0,1,1], s=[0.1,0.4,0.35,0.8]
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.8333333333, 9);
    const roc = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(roc.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(roc.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
  });

  it('counts ties as one half (Mann–Whitney)', () => {
    // pairs (pos, neg): (0.5, 0.5) tie -> 0.5; (0.5, 0.2) -> 1; (0.9, 0.5) -> 1; (0.9, 0.2) -> 1 => 3.5 / 4
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.2])).toBeCloseTo(3.5 / 4, 12);
    const curve = precisionRecallCurve([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.2]);
    expect(curve.thresholds).toEqual([0.9, 0.5, 0.2]);
    expect(curve.precision).toEqual([1, 2 / 3, 0.5]);
  });

  it('refuses AUC for a single class, naming the counts', () => {
    expect(() => rocAuc([0, 0], [0.1, 0.2])).toThrow('rocAuc needs both classes: received 0 positive and 2 negative labels. ROC-AUC is undefined for one class.');
    expect(() => rocAuc([1, 1], [0.1, 0.2])).toThrow('rocAuc needs both classes: received 2 positive and 0 negative labels.');
    expect(() => averagePrecision([0, 0], [0.1, 0.2])).toThrow('averagePrecision needs at least one positive label: received none, so recall is undefined.');
  });

  it('accepts tensors as well as arrays', () => {
    const labels = tf.tensor1d([0, 0, 1, 1]);
    const scores = tf.tensor1d([0.1, 0.4, 0.35, 0.8]);
    expect(rocAuc(labels, scores)).toBeCloseTo(0.75, 12);
    expect(averagePrecision(labels, scores)).toBeCloseTo(5 / 6, 6); // float32 scores
    expect(logLoss(tf.tensor1d([1, 0]), tf.tensor1d([0.9, 0.2]))).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 6);
    expect(meanSquaredError(tf.tensor1d([1, 2]), tf.tensor1d([1, 4]))).toBe(2);
    tf.dispose([labels, scores]);
  });

  it('log loss, Brier score and ECE (hand-computed)', () => {
    expect(logLoss([1, 0], [0.9, 0.2])).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 12);
    expect(brierScore([1, 0], [0.9, 0.2])).toBeCloseTo((0.01 + 0.04) / 2, 12);
    // bins [0,0.5): {0.2 -> y 0}: |0 - 0.2| * 1/4; [0.5,1]: {0.6,0.7,0.9 -> 1,1,1}: |1 - 0.7333| * 3/4
    expect(expectedCalibrationError([0, 1, 1, 1], [0.2, 0.6, 0.7, 0.9], 2)).toBeCloseTo(0.25 * 0.2 + 0.75 * (1 - 2.2 / 3), 12);
  });

  it('regression metrics (hand-computed)', () => {
    expect(meanSquaredError([1, 2], [1, 4])).toBe(2);
    expect(rootMeanSquaredError([1, 2], [1, 4])).toBeCloseTo(Math.SQRT2);
    expect(meanAbsoluteError([1, 2], [1, 4])).toBe(1);
    expect(r2Score([1, 2, 3], [1, 2, 4])).toBeCloseTo(0.5);
    expect(r2Score([2, 2], [2, 2])).toBe(1);
  });
});
