// How good the intent models are, and how far their confidence can be trusted: accuracy,
// macro-F1 and per-intent F1; temperature scaling of the logits (Guo et al. 2017, "On
// Calibration of Modern Neural Networks"), the expected calibration error of the top intent;
// and the coverage/accuracy trade-off of answering only above a confidence threshold.
// Plain TypeScript on Float32Array logits (row-major, one row of `classes` per query), so the
// browser page can use it too.
import { confusionMatrix, expectedCalibrationError, precisionRecallF1 } from '@loom-ml/metrics';
import { AppError } from './errors.js';

/** Softmax of each row of `logits / temperature`. */
export function softmaxRows(logits: Float32Array, classes: number, temperature = 1): Float32Array {
  const out = new Float32Array(logits.length);
  for (let row = 0; row < logits.length; row += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]! / temperature);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[row + c] = Math.exp(logits[row + c]! / temperature - max);
    for (let c = 0; c < classes; c++) out[row + c]! /= sum;
  }
  return out;
}

/** Index of the largest value of each row. */
export function argmaxRows(values: Float32Array, classes: number): Int32Array {
  const out = new Int32Array(values.length / classes);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[i * classes + c]! > values[i * classes + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/** The largest value of each row (the confidence of the top intent, given probabilities). */
export function maxRows(values: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(values.length / classes);
  for (let i = 0; i < out.length; i++) {
    let best = -Infinity;
    for (let c = 0; c < classes; c++) best = Math.max(best, values[i * classes + c]!);
    out[i] = best;
  }
  return out;
}

/** Mean negative log-likelihood of the labels under softmax(logits / temperature), in float64. */
export function negativeLogLikelihood(logits: Float32Array, labels: ArrayLike<number>, classes: number, temperature: number): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = i * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]! / temperature);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[row + c]! / temperature - max);
    total += Math.log(sum) + max - logits[row + labels[i]!]! / temperature;
  }
  return total / labels.length;
}

/**
 * The temperature T > 0 that minimises the validation negative log-likelihood of softmax(z / T):
 * one parameter, so a golden-section search on log T over [1/20, 20] (the NLL is convex in 1/T).
 * T > 1 softens an over-confident model; the argmax, so the accuracy, does not change.
 *
 * @example
 * const temperature = fitTemperature(validationLogits, validationLabels, 77);
 */
export function fitTemperature(logits: Float32Array, labels: ArrayLike<number>, classes: number): number {
  if (labels.length === 0 || logits.length !== labels.length * classes) {
    throw new AppError(`fitTemperature expected ${labels.length} rows of ${classes} logits; received ${logits.length} values.`);
  }
  const f = (logT: number) => negativeLogLikelihood(logits, labels, classes, Math.exp(logT));
  let low = Math.log(1 / 20);
  let high = Math.log(20);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = high - ratio * (high - low);
  let b = low + ratio * (high - low);
  let fa = f(a);
  let fb = f(b);
  for (let step = 0; step < 60 && high - low > 1e-6; step++) {
    if (fa < fb) {
      high = b;
      b = a;
      fb = fa;
      a = high - ratio * (high - low);
      fa = f(a);
    } else {
      low = a;
      a = b;
      fa = fb;
      b = low + ratio * (high - low);
      fb = f(b);
    }
  }
  return Math.exp((low + high) / 2);
}

/**
 * Expected calibration error of the top intent (Guo et al. 2017): queries binned by the
 * confidence of their predicted intent (equal-width bins), the gap between each bin's accuracy
 * and mean confidence, weighted by its share of queries. 0 is perfect calibration.
 */
export function topLabelEce(probabilities: Float32Array, labels: ArrayLike<number>, classes: number, bins = 15): number {
  const predicted = argmaxRows(probabilities, classes);
  const confidence = maxRows(probabilities, classes);
  const correct = Array.from(predicted, (p, i) => (p === labels[i] ? 1 : 0));
  return expectedCalibrationError(correct, Array.from(confidence), bins);
}

export interface IntentScore {
  intent: string;
  f1: number;
  precision: number;
  recall: number;
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  macroF1: number;
  /** The ten intents with the lowest F1, lowest first. */
  worst: IntentScore[];
}

/**
 * Accuracy, macro-F1 and the worst-F1 intents of predicted against true labels.
 *
 * @example
 * const report = classificationReport(argmaxRows(logits, 77), test.labels, BANKING77_INTENTS);
 */
export function classificationReport(predicted: ArrayLike<number>, labels: ArrayLike<number>, intents: readonly string[], worstCount = 10): ClassificationReport {
  const matrix = confusionMatrix(Array.from(labels), Array.from(predicted), intents.length);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  const perIntent: IntentScore[] = intents.map((intent, c) => {
    const tp = matrix[c]![c]!;
    const support = matrix[c]!.reduce((s, v) => s + v, 0);
    const predictedCount = matrix.reduce((s, row) => s + row[c]!, 0);
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { intent, f1, precision, recall, support };
  });
  const worst = [...perIntent].sort((a, b) => a.f1 - b.f1 || (a.intent < b.intent ? -1 : 1)).slice(0, worstCount);
  return { accuracy: correct / labels.length, macroF1: precisionRecallF1(matrix, { average: 'macro' }).f1, worst };
}

export interface CoveragePoint {
  /** Answer when the top confidence is at least this. */
  threshold: number;
  /** Share of queries answered. */
  coverage: number;
  /** Accuracy of the answered queries. */
  accuracy: number;
}

/**
 * The coverage/accuracy curve of answering only above a confidence threshold: one point per
 * distinct confidence, from the most confident query down (coverage rising, accuracy mostly
 * falling), as in selective classification (Geifman and El-Yaniv 2017).
 */
export function coverageCurve(confidence: ArrayLike<number>, correct: ArrayLike<boolean>): CoveragePoint[] {
  const order = Array.from({ length: confidence.length }, (_, i) => i).sort((a, b) => confidence[b]! - confidence[a]!);
  const points: CoveragePoint[] = [];
  let right = 0;
  for (let k = 0; k < order.length; k++) {
    if (correct[order[k]!]) right++;
    const next = order[k + 1];
    if (next !== undefined && confidence[next] === confidence[order[k]!]) continue; // ties are answered together
    points.push({ threshold: confidence[order[k]!]!, coverage: (k + 1) / order.length, accuracy: right / (k + 1) });
  }
  return points;
}

/**
 * The lowest threshold whose answered queries reach `targetAccuracy` (the widest coverage at that
 * accuracy) on the given (validation) queries. When no threshold reaches it, a threshold above
 * every confidence (1.000001): everything is handed off.
 *
 * @example
 * const threshold = pickThreshold(validationConfidence, validationCorrect, 0.97);
 */
export function pickThreshold(confidence: ArrayLike<number>, correct: ArrayLike<boolean>, targetAccuracy: number): number {
  let best: CoveragePoint | undefined;
  for (const point of coverageCurve(confidence, correct)) if (point.accuracy >= targetAccuracy) best = point;
  return best?.threshold ?? 1.000001;
}

/** Coverage and accuracy of answering the queries whose confidence is at least `threshold`. */
export function coverageAt(confidence: ArrayLike<number>, correct: ArrayLike<boolean>, threshold: number): { coverage: number; accuracy: number; answered: number } {
  let answered = 0;
  let right = 0;
  for (let i = 0; i < confidence.length; i++) {
    if (confidence[i]! >= threshold) {
      answered++;
      if (correct[i]) right++;
    }
  }
  return { coverage: answered / confidence.length, accuracy: answered === 0 ? 1 : right / answered, answered };
}
