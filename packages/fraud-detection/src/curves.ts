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

/** Distinct thresholds (descending) with cumulative true/false positive counts at score >= threshold. */
function cumulativeCounts(labels: ArrayLike<number>, scores: ArrayLike<number>) {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const thresholds: number[] = [];
  const truePositives: number[] = [];
  const falsePositives: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (labels[i] === 1) tp++;
    else fp++;
    // Tied scores form one operating point, so only emit after the last of a tie group.
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      thresholds.push(scores[i]!);
      truePositives.push(tp);
      falsePositives.push(fp);
    }
  }
  return { thresholds, truePositives, falsePositives, positives: tp, negatives: fp };
}

/**
 * ROC curve points (false positive rate, true positive rate) for "flag when score >= threshold",
 * starting at (0, 0).
 *
 * @example
 * const { falsePositiveRate, truePositiveRate } = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>) {
  checkInputs(labels, scores, 'rocCurve');
  const c = cumulativeCounts(labels, scores);
  if (c.positives === 0 || c.negatives === 0) {
    throw invalidValue('labels', 'rocCurve', 'both classes present', `${c.positives} positives, ${c.negatives} negatives`);
  }
  return {
    thresholds: [Infinity, ...c.thresholds],
    falsePositiveRate: [0, ...c.falsePositives.map((f) => f / c.negatives)],
    truePositiveRate: [0, ...c.truePositives.map((t) => t / c.positives)],
  };
}

/**
 * Area under the ROC curve by the trapezoid rule (ties count half, as in scikit-learn).
 *
 * @example
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { falsePositiveRate: x, truePositiveRate: y } = rocCurve(labels, scores);
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return area;
}

/**
 * Precision-recall curve points, one per distinct threshold (descending score).
 *
 * @example
 * const { precision, recall } = precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 */
export function precisionRecallCurve(labels: ArrayLike<number>, scores: ArrayLike<number>) {
  checkInputs(labels, scores, 'precisionRecallCurve');
  const c = cumulativeCounts(labels, scores);
  if (c.positives === 0) throw invalidValue('labels', 'precisionRecallCurve', 'at least one positive', 0);
  return {
    thresholds: c.thresholds,
    precision: c.truePositives.map((t, i) => t / (t + c.falsePositives[i]!)),
    recall: c.truePositives.map((t) => t / c.positives),
  };
}

/**
 * Average precision (AUPRC as a step sum, sum of (R_n - R_{n-1}) P_n, as scikit-learn's
 * `average_precision_score`; no interpolation).
 *
 * @example
 * averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333...
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { precision, recall } = precisionRecallCurve(labels, scores);
  let sum = 0;
  let previousRecall = 0;
  for (let i = 0; i < recall.length; i++) {
    sum += (recall[i]! - previousRecall) * precision[i]!;
    previousRecall = recall[i]!;
  }
  return sum;
}
