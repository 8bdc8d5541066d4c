import { invalidValue } from './errors.js';

/** What each kind of error costs, for `thresholdByCost`, in one unit (e.g. money): the threshold it picks minimises the total. */
export interface CostMatrix {
  /** Cost of flagging a legitimate case (review time, customer friction). */
  falsePositive: number;
  /** Cost of missing a bad case (the loss). */
  falseNegative: number;
  /** Cost of reviewing a true positive. Default 0. */
  truePositive?: number;
}

function check(labels: ArrayLike<number>, scores: ArrayLike<number>, where: string): void {
  if (labels.length !== scores.length || labels.length === 0) throw invalidValue('scores', where, `${labels.length} scores (one per label, at least one)`, scores.length);
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0 && labels[i] !== 1) throw invalidValue('labels', where, '0/1 labels', `${labels[i]} at index ${i}`);
}

/** Candidate thresholds: each distinct score (flag when score >= threshold), plus +Infinity (flag nothing). */
function sweep(labels: ArrayLike<number>, scores: ArrayLike<number>): { threshold: number; tp: number; fp: number }[] {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const points = [{ threshold: Infinity, tp: 0, fp: 0 }];
  let tp = 0;
  let fp = 0;
  order.forEach((index, k) => {
    if (labels[index] === 1) tp++;
    else fp++;
    if (k + 1 < order.length && scores[order[k + 1]!] === scores[index]) return;
    points.push({ threshold: scores[index]!, tp, fp });
  });
  return points;
}

/**
 * The threshold with the lowest total cost on labelled data (flag when score >= threshold).
 *
 * @example
 * thresholdByCost(labels, scores, { falsePositive: 5, falseNegative: 200 });
 */
export function thresholdByCost(labels: ArrayLike<number>, scores: ArrayLike<number>, costs: CostMatrix): { threshold: number; cost: number; flagged: number } {
  check(labels, scores, 'thresholdByCost');
  for (const key of ['falsePositive', 'falseNegative'] as const) {
    if (!(costs[key] >= 0)) throw invalidValue(`costs.${key}`, 'thresholdByCost', 'a non-negative number', costs[key]);
  }
  const positives = Array.from(labels).reduce((a, b) => a + b, 0);
  let best = { threshold: Infinity, cost: Infinity, flagged: 0 };
  for (const { threshold, tp, fp } of sweep(labels, scores)) {
    const cost = fp * costs.falsePositive + (positives - tp) * costs.falseNegative + tp * (costs.truePositive ?? 0);
    if (cost < best.cost) best = { threshold, cost, flagged: tp + fp };
  }
  return best;
}

/**
 * The lowest threshold whose precision is at least `target` (most recall at that precision),
 * or null when no threshold reaches it.
 *
 * @example
 * thresholdForPrecision(labels, scores, 0.9);
 */
export function thresholdForPrecision(labels: ArrayLike<number>, scores: ArrayLike<number>, target: number): { threshold: number; precision: number; recall: number } | null {
  check(labels, scores, 'thresholdForPrecision');
  const positives = Array.from(labels).reduce((a, b) => a + b, 0);
  let best: { threshold: number; precision: number; recall: number } | null = null;
  for (const { threshold, tp, fp } of sweep(labels, scores)) {
    if (tp + fp === 0) continue;
    const precision = tp / (tp + fp);
    if (precision >= target) best = { threshold, precision, recall: positives === 0 ? 0 : tp / positives };
  }
  return best;
}

/**
 * The highest threshold that reaches recall `target` (fewest flags for that recall).
 *
 * @example
 * thresholdForRecall(labels, scores, 0.8);
 */
export function thresholdForRecall(labels: ArrayLike<number>, scores: ArrayLike<number>, target: number): { threshold: number; precision: number; recall: number } | null {
  check(labels, scores, 'thresholdForRecall');
  const positives = Array.from(labels).reduce((a, b) => a + b, 0);
  if (positives === 0) return null;
  for (const { threshold, tp, fp } of sweep(labels, scores)) {
    if (tp / positives >= target) return { threshold, precision: tp + fp === 0 ? 0 : tp / (tp + fp), recall: tp / positives };
  }
  return null;
}

/**
 * Precision among the k highest scores of one score list: what a review queue of size k would
 * catch. (`@loom-ml/metrics`' `precisionAtK(rankings, relevant, k)` is the per-user ranking
 * metric; this is its one-list, labelled-rows counterpart.)
 *
 * @example
 * precisionInTopK([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 2); // 0.5
 */
export function precisionInTopK(labels: ArrayLike<number>, scores: ArrayLike<number>, k: number): number {
  return topKPrecision(labels, scores, k, 'precisionInTopK');
}

/**
 * @deprecated Renamed `precisionInTopK` (same arguments, same result): `precisionAtK` is
 * `@loom-ml/metrics`' per-user ranking metric. This alias goes in the next minor version.
 */
export function precisionAtK(labels: ArrayLike<number>, scores: ArrayLike<number>, k: number): number {
  return topKPrecision(labels, scores, k, 'precisionAtK');
}

function topKPrecision(labels: ArrayLike<number>, scores: ArrayLike<number>, k: number, where: string): number {
  check(labels, scores, where);
  if (!(Number.isInteger(k) && k > 0)) throw invalidValue('k', where, 'a positive integer', k);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const top = order.slice(0, Math.min(k, order.length));
  return top.reduce((sum, i) => sum + labels[i]!, 0) / top.length;
}

/**
 * Recall at a false-positive rate: the share of positives caught when at most `fpr` of the
 * negatives are flagged (the threshold sweep's best point at or under that rate).
 *
 * @example
 * recallAtFalsePositiveRate(labels, scores, 0.01);
 */
export function recallAtFalsePositiveRate(labels: ArrayLike<number>, scores: ArrayLike<number>, fpr: number): number {
  check(labels, scores, 'recallAtFalsePositiveRate');
  const positives = Array.from(labels).reduce((a, b) => a + b, 0);
  const negatives = labels.length - positives;
  let best = 0;
  for (const { tp, fp } of sweep(labels, scores)) if (negatives === 0 || fp / negatives <= fpr) best = Math.max(best, positives === 0 ? 0 : tp / positives);
  return best;
}
