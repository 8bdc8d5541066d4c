import type * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import { read } from './values.js';
import type { StreamingMetric } from './streaming.js';

/** Options of `BinnedAuc`: which curve, how many bins, and the metric's name in logs (default `binnedAuc`, or `binnedPrAuc` for `pr`). */
export interface BinnedAucOptions {
  /** `roc` for ROC-AUC, `pr` for average precision. Default `roc`. */
  curve?: 'roc' | 'pr';
  /** Equal-width score bins on [0, 1]. Default 200. Memory: 2 numbers per bin, whatever the data size. */
  numBins?: number;
  name?: string;
}

/**
 * Streaming ROC-AUC or average precision in constant memory: weighted positive and negative
 * counts per equal-width score bin. Scores in one bin count as tied, so the result is the
 * exact metric of the scores rounded down to `1 / numBins` (an approximation; exact when the
 * scores already sit on distinct bins). Scores outside [0, 1] are clipped. NaN until both
 * classes (ROC) or a positive (PR) has been seen.
 *
 * @example
 * const auc = new BinnedAuc({ numBins: 100 });
 * auc.update(tf.tensor1d([0, 1]), tf.tensor1d([0.2, 0.7]));
 * auc.result(); // 1
 */
export class BinnedAuc implements StreamingMetric {
  readonly name: string;
  private readonly curve: 'roc' | 'pr';
  private readonly numBins: number;
  private positives: Float64Array;
  private negatives: Float64Array;

  constructor(options: BinnedAucOptions = {}) {
    this.curve = options.curve ?? 'roc';
    this.numBins = options.numBins ?? 200;
    if (!Number.isInteger(this.numBins) || this.numBins < 1) throw invalidValue('numBins', 'BinnedAuc', 'a positive integer', options.numBins);
    this.name = options.name ?? (this.curve === 'roc' ? 'binnedAuc' : 'binnedPrAuc');
    this.positives = new Float64Array(this.numBins);
    this.negatives = new Float64Array(this.numBins);
  }

  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    const labels = read(yTrue, 'yTrue', this.name).data;
    const scores = read(yPred, 'yPred', this.name);
    if (scores.data.length !== labels.length) throw invalidValue('yPred', this.name, `one score per label (${labels.length})`, scores.shape);
    const weights = sampleWeight?.dataSync();
    if (weights !== undefined && weights.length !== labels.length) throw invalidValue('sampleWeight', this.name, `${labels.length} weights (one per sample)`, sampleWeight!.shape);
    for (let i = 0; i < labels.length; i++) {
      const y = labels[i]!;
      if (y !== 0 && y !== 1) throw invalidValue('yTrue', this.name, '0/1 labels', `${y} at index ${i}`);
      const s = Math.min(1, Math.max(0, scores.data[i]!));
      const bin = Math.min(this.numBins - 1, Math.floor(s * this.numBins));
      const w = weights === undefined ? 1 : weights[i]!;
      if (y === 1) this.positives[bin]! += w;
      else this.negatives[bin]! += w;
    }
  }

  result(): number {
    let totalPositive = 0;
    let totalNegative = 0;
    for (let b = 0; b < this.numBins; b++) {
      totalPositive += this.positives[b]!;
      totalNegative += this.negatives[b]!;
    }
    if (totalPositive === 0 || (this.curve === 'roc' && totalNegative === 0)) return Number.NaN;
    // Walk bins from the highest score down; each bin is one tied group.
    let tp = 0;
    let fp = 0;
    let area = 0;
    for (let b = this.numBins - 1; b >= 0; b--) {
      const p = this.positives[b]!;
      const n = this.negatives[b]!;
      if (p === 0 && n === 0) continue;
      if (this.curve === 'roc') {
        // Negatives in this bin: each is beaten by every positive above, tied (1/2) with those here.
        area += n * (tp + p / 2);
      } else if (p > 0) {
        area += (p / totalPositive) * ((tp + p) / (tp + p + fp + n));
      }
      tp += p;
      fp += n;
    }
    return this.curve === 'roc' ? area / (totalPositive * totalNegative) : area;
  }

  reset(): void {
    this.positives = new Float64Array(this.numBins);
    this.negatives = new Float64Array(this.numBins);
  }
}
