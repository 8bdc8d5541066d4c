import * as metrics from '@loom-ml/metrics';
import { invalidValue } from './errors.js';

function checkInputs(labels: ArrayLike<number>, scores: ArrayLike<number>, where: string): void {
  if (labels.length !== scores.length || labels.length === 0) {
    throw invalidValue('scores', where, `a non-empty array as long as labels (${labels.length})`, scores.length);
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw invalidValue(`labels[${i}]`, where, '0 or 1', labels[i]);
    if (!Number.isFinite(scores[i])) throw invalidValue(`scores[${i}]`, where, 'a finite number', scores[i]);
  }
}

/**
 * ROC curve points for "flag when score >= threshold", starting at (0, 0): `@loom-ml/metrics`'
 * `rocCurve` (the same keys: `fpr`, `tpr`, `thresholds`), with this package's input checks.
 * `falsePositiveRate` and `truePositiveRate` are the same arrays under their old names.
 *
 * @example
 * const { fpr, tpr } = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): {
  thresholds: number[];
  fpr: number[];
  tpr: number[];
  /** @deprecated The same array as `fpr` (the name `@loom-ml/metrics` uses); goes in the next minor version. */
  falsePositiveRate: number[];
  /** @deprecated The same array as `tpr` (the name `@loom-ml/metrics` uses); goes in the next minor version. */
  truePositiveRate: number[];
} {
  checkBothClasses(labels, scores, 'rocCurve');
  const { thresholds, fpr, tpr } = metrics.rocCurve(labels, scores);
  return { thresholds, fpr, tpr, falsePositiveRate: fpr, truePositiveRate: tpr };
}

/**
 * Area under the ROC curve by the trapezoid rule (ties count half, as in scikit-learn):
 * `@loom-ml/metrics`' `rocAuc`, with this package's input checks.
 *
 * @example
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkBothClasses(labels, scores, 'rocCurve');
  return metrics.rocAuc(labels, scores);
}

/**
 * Precision-recall curve points, one per distinct threshold (descending score):
 * `@loom-ml/metrics`' `precisionRecallCurve`, with this package's input checks.
 *
 * @example
 * const { precision, recall } = precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 */
export function precisionRecallCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): { thresholds: number[]; precision: number[]; recall: number[] } {
  checkPositive(labels, scores, 'precisionRecallCurve');
  const { thresholds, precision, recall } = metrics.precisionRecallCurve(labels, scores);
  return { thresholds, precision, recall };
}

/**
 * Average precision (AUPRC as a step sum, sum of (R_n - R_{n-1}) P_n, as scikit-learn's
 * `average_precision_score`; no interpolation): `@loom-ml/metrics`' `averagePrecision`, with
 * this package's input checks.
 *
 * @example
 * averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333...
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkPositive(labels, scores, 'precisionRecallCurve');
  return metrics.averagePrecision(labels, scores);
}

function positives(labels: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < labels.length; i++) count += labels[i]!;
  return count;
}

function checkBothClasses(labels: ArrayLike<number>, scores: ArrayLike<number>, where: string): void {
  checkInputs(labels, scores, where);
  const p = positives(labels);
  if (p === 0 || p === labels.length) throw invalidValue('labels', where, 'both classes present', `${p} positives, ${labels.length - p} negatives`);
}

function checkPositive(labels: ArrayLike<number>, scores: ArrayLike<number>, where: string): void {
  checkInputs(labels, scores, where);
  if (positives(labels) === 0) throw invalidValue('labels', where, 'at least one positive', 0);
}
