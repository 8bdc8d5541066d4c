import { invalidValue, MetricError } from './errors.js';
import { argmaxRows, read, readPerSample, type Values } from './values.js';

/** Options of `accuracy`, `correctPerSample` and the streaming `Accuracy`. */
export interface AccuracyOptions {
  /** For binary predictions: a score above it counts as positive. Default 0.5 (use 0 for logits). */
  threshold?: number;
}

/**
 * Correct predictions per sample (1 or 0), with the task read from the shapes:
 * - `yPred` `[n, classes]` and `yTrue` of the same shape: categorical (argmax of both);
 * - `yPred` `[n, classes]` and `yTrue` `[n]` or `[n, 1]`: sparse integer labels;
 * - `yPred` `[n]` or `[n, 1]`: binary, `yPred > threshold` against `yTrue` 0/1.
 */
export function correctPerSample(yTrue: Values, yPred: Values, options: AccuracyOptions = {}): Uint8Array {
  const truth = read(yTrue, 'yTrue', 'accuracy');
  const pred = read(yPred, 'yPred', 'accuracy');
  const classes = pred.shape.length >= 2 ? pred.shape[pred.shape.length - 1]! : 1;
  const n = pred.data.length / classes;
  if (classes > 1) {
    const predicted = argmaxRows(pred.data, classes);
    const categorical = truth.data.length === pred.data.length;
    if (!categorical && truth.data.length !== n) throw invalidValue('yTrue', 'accuracy', `${n} labels or a [${n}, ${classes}] one-hot tensor`, truth.shape);
    const labels = categorical ? argmaxRows(truth.data, classes) : truth.data;
    return Uint8Array.from(predicted, (p, i) => (p === labels[i] ? 1 : 0));
  }
  if (truth.data.length !== n) throw invalidValue('yTrue', 'accuracy', `${n} binary labels`, truth.shape);
  const threshold = options.threshold ?? 0.5;
  return Uint8Array.from({ length: n }, (_, i) => ((pred.data[i]! > threshold ? 1 : 0) === (truth.data[i]! > 0.5 ? 1 : 0) ? 1 : 0));
}

/**
 * Fraction of correct predictions (see `correctPerSample` for how the task is detected).
 * Arrays of rows are per-class scores, like a `[n, classes]` tensor.
 *
 * @example
 * accuracy([0, 2], [[0.9, 0.1, 0], [0.2, 0.7, 0.1]]); // 0.5: argmaxes 0 and 1
 * accuracy([1, 1], [[0.1, 0.9], [0.2, 0.8]]); // 1
 * accuracy([1, 0], [0.8, 0.3]); // 1: binary, score > 0.5 is class 1
 */
export function accuracy(yTrue: Values, yPred: Values, options: AccuracyOptions = {}): number {
  const correct = correctPerSample(yTrue, yPred, options);
  if (correct.length === 0) throw new MetricError('accuracy of an empty batch is undefined: received 0 samples.');
  return correct.reduce((a, b) => a + b, 0) / correct.length;
}

/**
 * Fraction of samples whose label is among the k highest scores (ties broken by lower index).
 * `yPred` holds per-class scores, `[n, classes]` (a tensor or an array of rows; a flat array is
 * one sample); `yTrue` holds n integer labels in [0, classes).
 *
 * @example
 * topKAccuracy([2], [[0.5, 0.1, 0.4]], 2); // 1: class 2 has the second-highest score
 * topKAccuracy([2], [[0.5, 0.4, 0.1]], 2); // 0: class 2 has the lowest
 */
export function topKAccuracy(yTrue: Values, yPred: Values, k = 5): number {
  const where = 'topKAccuracy';
  if (!Number.isInteger(k) || k < 1) throw invalidValue('k', where, 'a positive integer', k);
  const truth = readPerSample(yTrue, 'yTrue', where, 'one integer label per sample');
  const pred = read(yPred, 'yPred', where);
  const classes = pred.shape[pred.shape.length - 1]!;
  const n = classes === 0 ? 0 : pred.data.length / classes;
  if (truth.length !== n) throw invalidValue('yTrue', where, `${n} integer labels (one per row of yPred)`, `${truth.length} labels`);
  if (n === 0) throw new MetricError('topKAccuracy of an empty batch is undefined: received 0 samples.');
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const label = truth[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= classes) throw invalidValue(`yTrue[${i}]`, where, `an integer label in [0, ${classes})`, label);
    const score = pred.data[i * classes + label]!;
    let better = 0;
    for (let c = 0; c < classes; c++) {
      const s = pred.data[i * classes + c]!;
      if (s > score || (s === score && c < label)) better++;
    }
    if (better < k) hits++;
  }
  return hits / n;
}

/**
 * Counts: `matrix[trueClass][predictedClass]`. Labels must be integers in [0, numClasses).
 * With `sampleWeight`, each sample adds its weight instead of 1.
 *
 * @example
 * confusionMatrix([0, 1, 1], [0, 0, 1], 2); // [[1, 0], [1, 1]]
 */
export function confusionMatrix(labels: Values, predictions: Values, numClasses: number, sampleWeight?: Values): number[][] {
  return confusionMatrixOf(
    readPerSample(labels, 'labels', 'confusionMatrix', 'one class index per sample'),
    readPerSample(predictions, 'predictions', 'confusionMatrix', 'one class index per sample (take the argmax of per-class scores first)'),
    numClasses,
    sampleWeight === undefined ? undefined : readPerSample(sampleWeight, 'sampleWeight', 'confusionMatrix', 'one weight per sample'),
  );
}

function confusionMatrixOf(labels: ArrayLike<number>, predictions: ArrayLike<number>, numClasses: number, sampleWeight?: ArrayLike<number>): number[][] {
  if (labels.length !== predictions.length) throw invalidValue('predictions', 'confusionMatrix', `${labels.length} predictions (one per label)`, predictions.length);
  if (sampleWeight !== undefined && sampleWeight.length !== labels.length) throw invalidValue('sampleWeight', 'confusionMatrix', `${labels.length} weights (one per label)`, sampleWeight.length);
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predictions[i]!;
    for (const [what, v] of [['labels', t], ['predictions', p]] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= numClasses) throw invalidValue(what, 'confusionMatrix', `integers in [0, ${numClasses})`, `${v} at index ${i}`);
    }
    matrix[t]![p]! += sampleWeight === undefined ? 1 : sampleWeight[i]!;
  }
  return matrix;
}

/**
 * How `precisionRecallF1` combines classes: `binary` reports one class (`positiveClass`,
 * default 1); `macro` averages the per-class values equally; `weighted` averages them by each
 * class's support (true members); `micro` pools the counts of all classes (then precision,
 * recall and F1 all equal accuracy). Default: `binary` for 2 classes, else `macro`.
 */
export type Averaging = 'binary' | 'macro' | 'micro' | 'weighted';

/** What `precisionRecallF1` returns, each in [0, 1] (0 where a count it divides by is 0). */
export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Precision, recall and F1 from a confusion matrix. `binary` reports class `positiveClass`
 * (default 1); `macro` averages classes equally; `weighted` by support; `micro` pools counts.
 * A class with no predicted positives has precision 0, with no true members recall 0 (as
 * sklearn's `zero_division=0`); such classes still count in the macro average.
 *
 * @example
 * precisionRecallF1(confusionMatrix([0, 1, 1, 1], [0, 1, 0, 1], 2)); // { precision: 1, recall: 2/3, f1: 0.8 }
 */
export function precisionRecallF1(matrix: number[][], options: { average?: Averaging; positiveClass?: number } = {}): PrecisionRecallF1 {
  const k = matrix.length;
  const average = options.average ?? (k === 2 ? 'binary' : 'macro');
  const perClass = matrix.map((row, c) => {
    const tp = row[c]!;
    const predicted = matrix.reduce((s, r) => s + r[c]!, 0);
    const actual = row.reduce((s, v) => s + v, 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = actual === 0 ? 0 : tp / actual;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support: actual, tp, predicted };
  });
  if (average === 'binary') {
    const c = options.positiveClass ?? 1;
    const chosen = perClass[c];
    if (chosen === undefined) throw invalidValue('positiveClass', 'precisionRecallF1', `a class in [0, ${k})`, c);
    return { precision: chosen.precision, recall: chosen.recall, f1: chosen.f1 };
  }
  if (average === 'micro') {
    const tp = perClass.reduce((s, c) => s + c.tp, 0);
    const total = perClass.reduce((s, c) => s + c.support, 0);
    const value = total === 0 ? 0 : tp / total;
    return { precision: value, recall: value, f1: value };
  }
  const totalSupport = perClass.reduce((s, c) => s + c.support, 0);
  const weight = (c: { support: number }) => (average === 'weighted' ? (totalSupport === 0 ? 0 : c.support / totalSupport) : 1 / k);
  return {
    precision: perClass.reduce((s, c) => s + weight(c) * c.precision, 0),
    recall: perClass.reduce((s, c) => s + weight(c) * c.recall, 0),
    f1: perClass.reduce((s, c) => s + weight(c) * c.f1, 0),
  };
}
