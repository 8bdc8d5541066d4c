import { invalidValue, MetricError } from './errors.js';
import { readPerSample, type Values } from './values.js';

function checkBinary(where: string, labels: ArrayLike<number>, scores: ArrayLike<number>): { positives: number; negatives: number } {
  if (labels.length !== scores.length) throw invalidValue('scores', where, `${labels.length} scores (one per label)`, scores.length);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y !== 0 && y !== 1) throw invalidValue('labels', where, '0/1 labels', `${y} at index ${i}`);
    if (!Number.isFinite(scores[i]!)) throw invalidValue('scores', where, 'finite scores', `${scores[i]} at index ${i}`);
    positives += y;
  }
  return { positives, negatives: labels.length - positives };
}

/** Indices sorted by descending score. */
function byScoreDescending(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
}

/**
 * What every curve function returns besides its own axes (`fpr`/`tpr` for `rocCurve`,
 * `precision`/`recall` for `precisionRecallCurve`): the thresholds, one per point.
 */
export interface Curve {
  /** Thresholds, descending: a sample is predicted positive when its score >= threshold. */
  thresholds: number[];
}

/**
 * ROC curve points at every distinct score (tied scores form one point), starting at (0, 0).
 *
 * @example
 * rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1]
 */
export function rocCurve(labels: Values, scores: Values): Curve & { fpr: number[]; tpr: number[] } {
  return rocCurveIn('rocCurve', readPerSample(labels, 'labels', 'rocCurve'), readPerSample(scores, 'scores', 'rocCurve', 'one score per sample'));
}

function rocCurveIn(where: string, labels: ArrayLike<number>, scores: ArrayLike<number>): Curve & { fpr: number[]; tpr: number[] } {
  const { positives, negatives } = checkBinary(where, labels, scores);
  if (positives === 0 || negatives === 0) {
    throw new MetricError(`${where} needs both classes: received ${positives} positive and ${negatives} negative labels. ROC-AUC is undefined for one class.`);
  }
  const order = byScoreDescending(scores);
  const fpr = [0];
  const tpr = [0];
  const thresholds = [Infinity];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    const index = order[i]!;
    if (labels[index] === 1) tp++;
    else fp++;
    const next = order[i + 1];
    if (next !== undefined && scores[next] === scores[index]) continue;
    fpr.push(fp / negatives);
    tpr.push(tp / positives);
    thresholds.push(scores[index]!);
  }
  return { fpr, tpr, thresholds };
}

/**
 * Area under the ROC curve by the trapezoid rule over tied-score groups, which equals the
 * Mann–Whitney probability that a random positive outscores a random negative (ties count
 * one half). Throws when only one class is present.
 *
 * @example
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75 (sklearn's documented example)
 */
export function rocAuc(labels: Values, scores: Values): number {
  const { fpr, tpr } = rocCurveIn('rocAuc', readPerSample(labels, 'labels', 'rocAuc'), readPerSample(scores, 'scores', 'rocAuc', 'one score per sample'));
  let area = 0;
  for (let i = 1; i < fpr.length; i++) area += ((fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!)) / 2;
  return area;
}

/**
 * Precision and recall at every distinct score, descending thresholds.
 *
 * @example
 * precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 */
export function precisionRecallCurve(labels: Values, scores: Values): Curve & { precision: number[]; recall: number[] } {
  return precisionRecallCurveIn('precisionRecallCurve', readPerSample(labels, 'labels', 'precisionRecallCurve'), readPerSample(scores, 'scores', 'precisionRecallCurve', 'one score per sample'));
}

function precisionRecallCurveIn(where: string, labels: ArrayLike<number>, scores: ArrayLike<number>): Curve & { precision: number[]; recall: number[] } {
  const { positives } = checkBinary(where, labels, scores);
  if (positives === 0) throw new MetricError(`${where} needs at least one positive label: received none, so recall is undefined.`);
  const order = byScoreDescending(scores);
  const precision: number[] = [];
  const recall: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let i = 0; i < order.length; i++) {
    const index = order[i]!;
    if (labels[index] === 1) tp++;
    const next = order[i + 1];
    if (next !== undefined && scores[next] === scores[index]) continue;
    precision.push(tp / (i + 1));
    recall.push(tp / positives);
    thresholds.push(scores[index]!);
  }
  return { precision, recall, thresholds };
}

/**
 * Average precision, sklearn's step definition: Σ (R_n - R_{n-1}) P_n over descending thresholds
 * (no interpolation). The usual "PR-AUC".
 *
 * @example
 * averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333 (sklearn's documented example)
 */
export function averagePrecision(labels: Values, scores: Values): number {
  const { precision, recall } = precisionRecallCurveIn('averagePrecision', readPerSample(labels, 'labels', 'averagePrecision'), readPerSample(scores, 'scores', 'averagePrecision', 'one score per sample'));
  let previousRecall = 0;
  let area = 0;
  precision.forEach((p, i) => {
    area += (recall[i]! - previousRecall) * p;
    previousRecall = recall[i]!;
  });
  return area;
}
