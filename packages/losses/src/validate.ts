import type * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';

/** Throws unless yPred has exactly yTrue's shape. */
export function assertSameShape(where: string, yTrue: tf.Tensor, yPred: tf.Tensor): void {
  const same = yTrue.rank === yPred.rank && yTrue.shape.every((size, axis) => size === yPred.shape[axis]);
  if (!same) throw invalidValue('yPred', where, `shape [${yTrue.shape.join(', ')}] to match yTrue`, yPred.shape);
}

/** Throws unless the tensor has at least `minRank` axes (a batch axis, or batch + classes). */
export function assertMinRank(where: string, what: string, tensor: tf.Tensor, minRank: number): void {
  if (tensor.rank < minRank) {
    const axes = minRank === 1 ? 'a batch axis (rank >= 1)' : `a batch axis and a class axis (rank >= ${minRank})`;
    throw invalidValue(what, where, `a tensor with ${axes}`, tensor.shape);
  }
}

/** Throws unless value is a finite number in (min, max] or [min, max] as asked. */
export function assertNumberInRange(
  where: string,
  what: string,
  value: unknown,
  { min, max, minInclusive = true, maxInclusive = true }: { min: number; max: number; minInclusive?: boolean; maxInclusive?: boolean },
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (minInclusive ? value >= min : value > min) &&
    (maxInclusive ? value <= max : value < max);
  if (!ok) {
    const low = `${minInclusive ? '[' : '('}${min}`;
    const high = `${max === Infinity ? 'Infinity)' : `${max}${maxInclusive ? ']' : ')'}`}`;
    throw invalidValue(what, where, `a number in ${low}, ${high}`, value);
  }
  return value;
}

/** Throws unless value is a boolean. */
export function assertBoolean(where: string, what: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidValue(what, where, 'true or false', value);
  return value;
}

/**
 * Throws on an option the loss does not know, so a typo such as `from_logits` fails loudly
 * instead of silently training with the default.
 */
export function assertKnownOptions(where: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidValue('options', where, 'an options object', options);
  }
  const unknown = Object.keys(options).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    const expected = known.length === 0 ? 'no options' : `only the options ${known.join(', ')}`;
    throw invalidValue('options', where, expected, unknown);
  }
}
