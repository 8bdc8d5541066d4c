import { invalidValue } from './errors.js';
import { readPerSample, type Values } from './values.js';

const EPSILON = 1e-15;

function check(where: string, labels: ArrayLike<number>, probabilities: ArrayLike<number>): void {
  if (labels.length !== probabilities.length || labels.length === 0) {
    throw invalidValue('probabilities', where, `${labels.length} probabilities (one per label, at least one)`, probabilities.length);
  }
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i]!;
    if (!(p >= 0 && p <= 1)) throw invalidValue('probabilities', where, 'probabilities in [0, 1]', `${p} at index ${i}`);
  }
}

/**
 * Mean binary log loss, probabilities clipped to [1e-15, 1 - 1e-15] (as sklearn).
 *
 * @example
 * logLoss([1, 0], [0.9, 0.2]); // -(ln 0.9 + ln 0.8) / 2
 */
export function logLoss(labels: Values, probabilities: Values): number {
  return logLossOf(readPerSample(labels, 'labels', 'logLoss'), readPerSample(probabilities, 'probabilities', 'logLoss', 'one probability of class 1 per sample'));
}

function logLossOf(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  check('logLoss', labels, probabilities);
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(probabilities[i]!, EPSILON), 1 - EPSILON);
    total -= labels[i]! * Math.log(p) + (1 - labels[i]!) * Math.log(1 - p);
  }
  return total / labels.length;
}

/**
 * Mean squared difference between the predicted probability and the 0/1 outcome.
 *
 * @example
 * brierScore([1, 0], [0.9, 0.2]); // (0.01 + 0.04) / 2
 */
export function brierScore(labels: Values, probabilities: Values): number {
  return brierScoreOf(readPerSample(labels, 'labels', 'brierScore'), readPerSample(probabilities, 'probabilities', 'brierScore', 'one probability of class 1 per sample'));
}

function brierScoreOf(labels: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  check('brierScore', labels, probabilities);
  let total = 0;
  for (let i = 0; i < labels.length; i++) total += (probabilities[i]! - labels[i]!) ** 2;
  return total / labels.length;
}

/**
 * Expected calibration error for binary probabilities: `bins` equal-width bins on [0, 1]
 * (a probability of exactly 1 goes in the last bin), Σ_b (n_b / n) |mean label_b - mean p_b|.
 *
 * @example
 * expectedCalibrationError([0, 1, 1, 1], [0.2, 0.6, 0.7, 0.9], 2);
 */
export function expectedCalibrationError(labels: Values, probabilities: Values, bins = 10): number {
  return expectedCalibrationErrorOf(readPerSample(labels, 'labels', 'expectedCalibrationError'), readPerSample(probabilities, 'probabilities', 'expectedCalibrationError', 'one probability of class 1 per sample'), bins);
}

function expectedCalibrationErrorOf(labels: ArrayLike<number>, probabilities: ArrayLike<number>, bins = 10): number {
  check('expectedCalibrationError', labels, probabilities);
  if (!Number.isInteger(bins) || bins < 1) throw invalidValue('bins', 'expectedCalibrationError', 'a positive integer', bins);
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const p = probabilities[i]!;
    const b = Math.min(Math.floor(p * bins), bins - 1);
    count[b]!++;
    sumP[b]! += p;
    sumY[b]! += labels[i]!;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += (count[b]! / labels.length) * Math.abs(sumY[b]! / count[b]! - sumP[b]! / count[b]!);
  return ece;
}
