import { describe, expect, it } from 'vitest';
import * as metrics from '@loom-ml/metrics';
import { averagePrecision, precisionRecallCurve, rocAuc, rocCurve } from './curves.js';
import { seededRandom } from './random.js';

// References: scikit-learn documentation examples for roc_curve, roc_auc_score,
// precision_recall_curve and average_precision_score (y = [0, 0, 1, 1], s = [0.1, 0.4, 0.35, 0.8]).
const labels = [0, 0, 1, 1];
const scores = [0.1, 0.4, 0.35, 0.8];

describe('curves', () => {
  it('roc_auc of the sklearn example is 0.75', () => {
    expect(rocAuc(labels, scores)).toBeCloseTo(0.75, 12);
  });

  it('roc curve matches sklearn roc_curve points, under the keys of @loom-ml/metrics (old names kept)', () => {
    const roc = rocCurve(labels, scores);
    expect(roc.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(roc.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(roc.thresholds).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
    expect(roc.falsePositiveRate).toEqual(roc.fpr);
    expect(roc.truePositiveRate).toEqual(roc.tpr);
  });

  it('gives what @loom-ml/metrics gives (one definition) on seeded random scores with ties', () => {
    const random = seededRandom(3);
    const y = Array.from({ length: 300 }, () => (random() < 0.3 ? 1 : 0));
    const s = Array.from({ length: 300 }, () => Math.round(random() * 40) / 40);
    const roc = rocCurve(y, s);
    const reference = metrics.rocCurve(y, s);
    expect({ fpr: roc.fpr, tpr: roc.tpr, thresholds: roc.thresholds }).toEqual(reference);
    expect(precisionRecallCurve(y, s)).toEqual(metrics.precisionRecallCurve(y, s));
    expect(rocAuc(y, s)).toBe(metrics.rocAuc(y, s));
    expect(averagePrecision(y, s)).toBe(metrics.averagePrecision(y, s));
  });

  it('precision-recall curve and average precision match sklearn (AP = 0.8333)', () => {
    const pr = precisionRecallCurve(labels, scores);
    expect(pr.thresholds).toEqual([0.8, 0.4, 0.35, 0.1]);
    const expectedPrecision = [1, 0.5, 2 / 3, 0.5];
    pr.precision.forEach((p, i) => expect(p).toBeCloseTo(expectedPrecision[i]!, 12));
    expect(pr.recall).toEqual([0.5, 0.5, 1, 1]);
    // Hand sum: 0.5 * 1 + 0 * 0.5 + 0.5 * 2/3 = 0.8333...
    expect(averagePrecision(labels, scores)).toBeCloseTo(5 / 6, 12);
  });

  it('tied scores form a single operating point (AUC 0.5)', () => {
    expect(rocAuc([0, 1], [0.5, 0.5])).toBeCloseTo(0.5, 12);
  });

  it('rejects bad labels and one-class input with the offending name', () => {
    expect(() => rocAuc([0, 2], [0.1, 0.2])).toThrow('Invalid value for `labels[1]` in rocCurve. Expected 0 or 1. Received: 2.');
    expect(() => rocAuc([1, 1], [0.1, 0.2])).toThrow("Invalid value for `labels` in rocCurve. Expected both classes present. Received: '2 positives, 0 negatives'.");
  });
});
