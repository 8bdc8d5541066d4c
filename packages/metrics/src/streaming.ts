import type * as tf from '@tensorflow/tfjs-core';
import { correctPerSample, type AccuracyOptions, type Averaging, topKAccuracy, confusionMatrix, precisionRecallF1 } from './classification.js';
import { averagePrecision, rocAuc } from './curves.js';
import { invalidValue, MetricError } from './errors.js';
import { logLoss, brierScore } from './probabilistic.js';
import { argmaxRows, read } from './values.js';
import { BinnedAuc } from './binned-auc.js';

/**
 * A metric accumulated over batches: `update` reads the batch's values (no tensors are
 * kept), `result` reports the value so far, `reset` starts over (each epoch).
 */
export interface StreamingMetric {
  /** The metric's name in training logs (`accuracy`, `auc`, ...). */
  readonly name: string;
  /** Adds a batch: its targets, predictions and optional per-sample weights (shape `[batch]`). */
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void;
  /** The value over every batch since the last `reset`. */
  result(): number;
  /** Forgets every batch seen, to start a new epoch or evaluation. */
  reset(): void;
}

function weightsFor(name: string, sampleWeight: tf.Tensor | undefined, n: number): ArrayLike<number> | undefined {
  if (sampleWeight === undefined) return undefined;
  const weights = sampleWeight.dataSync();
  if (weights.length !== n) throw invalidValue('sampleWeight', name, `${n} weights (one per sample)`, sampleWeight.shape);
  return weights;
}

/** Weighted mean of a per-sample quantity. */
abstract class MeanOverSamples implements StreamingMetric {
  abstract readonly name: string;
  private total = 0;
  private weight = 0;
  protected abstract perSample(yTrue: tf.Tensor, yPred: tf.Tensor): ArrayLike<number>;
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    const values = this.perSample(yTrue, yPred);
    const weights = weightsFor(this.name, sampleWeight, values.length);
    for (let i = 0; i < values.length; i++) {
      const w = weights ? weights[i]! : 1;
      this.total += w * values[i]!;
      this.weight += w;
    }
  }
  /** 0 before any update (documented: no samples, no credit). */
  result(): number {
    return this.weight === 0 ? 0 : this.transform(this.total / this.weight);
  }
  protected transform(mean: number): number {
    return mean;
  }
  reset(): void {
    this.total = 0;
    this.weight = 0;
  }
}

/** Streaming accuracy (task detected from shapes, as `accuracy`). */
export class Accuracy extends MeanOverSamples {
  readonly name: string;
  constructor(private readonly options: AccuracyOptions & { name?: string } = {}) {
    super();
    this.name = options.name ?? 'accuracy';
  }
  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): ArrayLike<number> {
    return correctPerSample(yTrue, yPred, this.options);
  }
}

/** Streaming top-k accuracy for integer labels. */
export class TopKAccuracy extends MeanOverSamples {
  readonly name: string;
  constructor(private readonly k = 5) {
    super();
    this.name = `top${k}Accuracy`;
  }
  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): ArrayLike<number> {
    const labels = read(yTrue, 'yTrue', this.name).data;
    const { data, shape } = read(yPred, 'yPred', this.name);
    if (shape.length !== 2) throw invalidValue('yPred', this.name, 'scores of shape [batch, classes]', shape);
    const classes = shape[1]!;
    return Array.from(labels, (label, i) => topKAccuracy([label], Array.prototype.slice.call(data, i * classes, (i + 1) * classes) as number[], this.k));
  }
}

/** Streaming mean squared / absolute error, or its root. */
export class MeanError extends MeanOverSamples {
  constructor(readonly name: 'mse' | 'mae' | 'rmse') {
    super();
  }
  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): ArrayLike<number> {
    const t = read(yTrue, 'yTrue', this.name).data;
    const p = read(yPred, 'yPred', this.name);
    if (t.length !== p.data.length) throw invalidValue('yPred', this.name, `${t.length} values like yTrue`, p.shape);
    const n = p.shape[0] ?? p.data.length;
    const per = p.data.length / n;
    return Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = i * per; j < (i + 1) * per; j++) s += this.name === 'mae' ? Math.abs(t[j]! - p.data[j]!) : (t[j]! - p.data[j]!) ** 2;
      return s / per;
    });
  }
  protected override transform(mean: number): number {
    return this.name === 'rmse' ? Math.sqrt(mean) : mean;
  }
}

/** Binary scores for threshold-free metrics: `[n]`, `[n, 1]`, or `[n, 2]` (column 1). */
function binaryScores(name: string, yTrue: tf.Tensor, yPred: tf.Tensor): { labels: ArrayLike<number>; scores: ArrayLike<number> } {
  const labels = read(yTrue, 'yTrue', name).data;
  const { data, shape } = read(yPred, 'yPred', name);
  if (data.length === labels.length) return { labels, scores: data };
  if (shape.length === 2 && shape[1] === 2 && data.length === 2 * labels.length) return { labels, scores: Array.from(labels, (_, i) => data[2 * i + 1]!) };
  throw invalidValue('yPred', name, `one score per label (${labels.length})`, shape);
}

/**
 * Exact ROC-AUC or average precision over everything seen since `reset`. Keeps every score
 * and label (two JS numbers, about 16 bytes per sample: 1M samples ≈ 16 MB); sample weights are not supported.
 */
export class RankingAreaMetric implements StreamingMetric {
  private labels: number[] = [];
  private scores: number[] = [];
  constructor(readonly name: 'auc' | 'prAuc' | 'logLoss' | 'brierScore') {}
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    if (sampleWeight !== undefined) throw new MetricError(`${this.name} does not support sample weights; received a sampleWeight tensor of shape [${sampleWeight.shape.join(',')}].`);
    const { labels, scores } = binaryScores(this.name, yTrue, yPred);
    for (let i = 0; i < labels.length; i++) {
      this.labels.push(labels[i]!);
      this.scores.push(scores[i]!);
    }
  }
  /** NaN until both classes have been seen (AUC is undefined for one class). */
  result(): number {
    if (this.labels.length === 0) return Number.NaN;
    if (this.name === 'logLoss') return logLoss(this.labels, this.scores);
    if (this.name === 'brierScore') return brierScore(this.labels, this.scores);
    const positives = this.labels.reduce((a, b) => a + b, 0);
    if (positives === 0 || (this.name === 'auc' && positives === this.labels.length)) return Number.NaN;
    return this.name === 'auc' ? rocAuc(this.labels, this.scores) : averagePrecision(this.labels, this.scores);
  }
  reset(): void {
    this.labels = [];
    this.scores = [];
  }
}

/**
 * A confusion matrix over batches; `result()` is the chosen summary (accuracy by default),
 * `matrix()` the counts `[true][predicted]` (weighted sums when sample weights are given).
 */
export class ConfusionMatrix implements StreamingMetric {
  private counts: number[][];
  constructor(
    private readonly numClasses: number,
    readonly name: 'confusionAccuracy' | 'precision' | 'recall' | 'f1' = 'confusionAccuracy',
    private readonly threshold = 0.5,
    /** How `precision`/`recall`/`f1` average classes; default `binary` for 2 classes, else `macro`. */
    private readonly average?: Averaging,
  ) {
    if (!Number.isInteger(numClasses) || numClasses < 2) throw invalidValue('numClasses', 'ConfusionMatrix', 'an integer >= 2', numClasses);
    this.counts = this.empty();
  }
  private empty(): number[][] {
    return Array.from({ length: this.numClasses }, () => new Array<number>(this.numClasses).fill(0));
  }
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void {
    const truth = read(yTrue, 'yTrue', this.name);
    const pred = read(yPred, 'yPred', this.name);
    const classes = pred.shape.length >= 2 ? pred.shape[pred.shape.length - 1]! : 1;
    const predicted = classes === 1 ? Array.from(pred.data, (p) => (p > this.threshold ? 1 : 0)) : argmaxRows(pred.data, classes);
    const labels = truth.data.length === pred.data.length && classes > 1 ? argmaxRows(truth.data, classes) : Array.from(truth.data, (v) => Math.round(v));
    const weights = weightsFor(this.name, sampleWeight, labels.length);
    const batch = confusionMatrix(labels, predicted, this.numClasses, weights);
    batch.forEach((row, i) => row.forEach((count, j) => (this.counts[i]![j]! += count)));
  }
  /** A copy of the counts so far: `matrix()[t][p]` samples of true class t predicted as p (weighted sums with sample weights). */
  matrix(): number[][] {
    return this.counts.map((row) => [...row]);
  }
  result(): number {
    if (this.name === 'confusionAccuracy') {
      const total = this.counts.flat().reduce((a, b) => a + b, 0);
      return total === 0 ? 0 : this.counts.reduce((s, row, i) => s + row[i]!, 0) / total;
    }
    return precisionRecallF1(this.counts, this.average === undefined ? {} : { average: this.average })[this.name];
  }
  reset(): void {
    this.counts = this.empty();
  }
}

const factories: Record<string, () => StreamingMetric> = {
  accuracy: () => new Accuracy(),
  binaryAccuracy: () => new Accuracy({ name: 'binaryAccuracy' }),
  categoricalAccuracy: () => new Accuracy({ name: 'categoricalAccuracy' }),
  sparseCategoricalAccuracy: () => new Accuracy({ name: 'sparseCategoricalAccuracy' }),
  top5Accuracy: () => new TopKAccuracy(5),
  top3Accuracy: () => new TopKAccuracy(3),
  precision: () => new ConfusionMatrix(2, 'precision'),
  recall: () => new ConfusionMatrix(2, 'recall'),
  f1: () => new ConfusionMatrix(2, 'f1'),
  auc: () => new RankingAreaMetric('auc'),
  prAuc: () => new RankingAreaMetric('prAuc'),
  binnedAuc: () => new BinnedAuc({ curve: 'roc' }),
  binnedPrAuc: () => new BinnedAuc({ curve: 'pr' }),
  logLoss: () => new RankingAreaMetric('logLoss'),
  brierScore: () => new RankingAreaMetric('brierScore'),
  mse: () => new MeanError('mse'),
  mae: () => new MeanError('mae'),
  rmse: () => new MeanError('rmse'),
};

function metricNames(): string[] {
  return Object.keys(factories);
}

// Marked pure so that bundlers drop it, and with it every streaming metric class, from an app
// that uses neither METRIC_NAMES nor getMetric: a bare top-level call would keep them all.
/** Every name `getMetric` accepts. */
export const METRIC_NAMES = /* @__PURE__ */ metricNames();

/**
 * A fresh streaming metric by name, or the given metric itself.
 *
 * @example
 * const accuracy = getMetric('accuracy');
 * accuracy.update(labels, probabilities);
 * accuracy.result();
 */
export function getMetric(identifier: string | StreamingMetric): StreamingMetric {
  if (typeof identifier === 'object' && identifier !== null && typeof identifier.update === 'function') return identifier;
  const factory = typeof identifier === 'string' ? factories[identifier] : undefined;
  if (factory === undefined) throw invalidValue('metric', 'getMetric', `one of ${METRIC_NAMES.join(', ')}, or a StreamingMetric`, identifier);
  return factory();
}
