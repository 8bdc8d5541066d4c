import { invalidValue } from './errors.js';
import { read, type Values } from './values.js';

function check(where: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  if (yTrue.length !== yPred.length || yTrue.length === 0) throw invalidValue('yPred', where, `${yTrue.length} predictions (one per target, at least one)`, yPred.length);
}

/** @example meanSquaredError([1, 2], [1, 4]); // 2 */
export function meanSquaredError(yTrue: Values, yPred: Values): number {
  return meanSquaredErrorOf(read(yTrue, 'yTrue', 'meanSquaredError').data, read(yPred, 'yPred', 'meanSquaredError').data);
}

function meanSquaredErrorOf(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check('meanSquaredError', yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) total += (yTrue[i]! - yPred[i]!) ** 2;
  return total / yTrue.length;
}

/** @example meanAbsoluteError([1, 2], [1, 4]); // 1 */
export function meanAbsoluteError(yTrue: Values, yPred: Values): number {
  return meanAbsoluteErrorOf(read(yTrue, 'yTrue', 'meanAbsoluteError').data, read(yPred, 'yPred', 'meanAbsoluteError').data);
}

function meanAbsoluteErrorOf(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check('meanAbsoluteError', yTrue, yPred);
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) total += Math.abs(yTrue[i]! - yPred[i]!);
  return total / yTrue.length;
}

/** @example rootMeanSquaredError([1, 2], [1, 4]); // √2 */
export function rootMeanSquaredError(yTrue: Values, yPred: Values): number {
  return rootMeanSquaredErrorOf(read(yTrue, 'yTrue', 'rootMeanSquaredError').data, read(yPred, 'yPred', 'rootMeanSquaredError').data);
}

function rootMeanSquaredErrorOf(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}

/**
 * Coefficient of determination 1 - SS_res / SS_tot. Constant targets: 1 when predicted
 * exactly, else 0 (sklearn's convention).
 *
 * @example
 * r2Score([1, 2, 3], [1, 2, 4]); // 0.5
 */
export function r2Score(yTrue: Values, yPred: Values): number {
  return r2ScoreOf(read(yTrue, 'yTrue', 'r2Score').data, read(yPred, 'yPred', 'r2Score').data);
}

function r2ScoreOf(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  check('r2Score', yTrue, yPred);
  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) mean += yTrue[i]!;
  mean /= yTrue.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    residual += (yTrue[i]! - yPred[i]!) ** 2;
    total += (yTrue[i]! - mean) ** 2;
  }
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}
