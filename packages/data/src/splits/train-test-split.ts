import { invalidValue } from '../errors.js';
import { seededRandom, shuffleInPlace } from '@loom-ml/core';

/** Options for `trainTestSplit` and `kFold`. */
export interface SplitOptions {
  /** Seed for the mulberry32 shuffle; the same seed gives the same split. Default 0. */
  seed?: number;
  /** One label per item: each class is split in the same proportion (stratified). */
  stratifyBy?: readonly (string | number | boolean)[];
}

/** Groups shuffled indices by class (or one group when not stratified), classes in first-seen order. */
function shuffledGroups(length: number, options: SplitOptions, where: string): number[][] {
  const random = seededRandom(options.seed ?? 0);
  const labels = options.stratifyBy;
  if (labels === undefined) return [shuffleInPlace(Array.from({ length }, (_, i) => i), random)];
  if (labels.length !== length) throw invalidValue('stratifyBy', where, `${length} labels, one per item`, `${labels.length} labels`);
  const groups = new Map<string | number | boolean, number[]>();
  labels.forEach((label, index) => {
    const group = groups.get(label);
    if (group) group.push(index);
    else groups.set(label, [index]);
  });
  return [...groups.values()].map((group) => shuffleInPlace(group, random));
}

/**
 * Splits items into train and test sets with a seeded shuffle. With `stratifyBy`, each class
 * contributes `round(classSize * testFraction)` items to the test set, so class proportions match.
 *
 * @example
 * const { train, test } = trainTestSplit(rows, { testFraction: 0.2, seed: 42, stratifyBy: labels });
 */
export function trainTestSplit<T>(
  items: readonly T[],
  options: SplitOptions & { testFraction: number },
): { train: T[]; test: T[]; trainIndices: number[]; testIndices: number[] } {
  const { testFraction } = options;
  if (!(typeof testFraction === 'number' && testFraction > 0 && testFraction < 1)) {
    throw invalidValue('testFraction', 'trainTestSplit', 'a number strictly between 0 and 1', testFraction);
  }
  const trainIndices: number[] = [];
  const testIndices: number[] = [];
  for (const group of shuffledGroups(items.length, options, 'trainTestSplit')) {
    const testCount = Math.round(group.length * testFraction);
    testIndices.push(...group.slice(0, testCount));
    trainIndices.push(...group.slice(testCount));
  }
  return {
    train: trainIndices.map((i) => items[i]!),
    test: testIndices.map((i) => items[i]!),
    trainIndices,
    testIndices,
  };
}

/**
 * K-fold cross-validation indices with a seeded shuffle. With `stratifyBy`, each class is dealt
 * round-robin across folds so every fold has nearly the same class mix. Every index is in exactly
 * one validation fold.
 *
 * @example
 * for (const { trainIndices, validationIndices } of kFold(rows.length, { folds: 5, seed: 1 })) { ... }
 */
export function kFold(
  length: number,
  options: SplitOptions & { folds: number },
): { trainIndices: number[]; validationIndices: number[] }[] {
  const { folds } = options;
  if (!(Number.isInteger(folds) && folds >= 2 && folds <= length)) {
    throw invalidValue('folds', 'kFold', `an integer between 2 and the number of items (${length})`, folds);
  }
  const assignment = new Array<number>(length);
  let next = 0;
  // Continue the round-robin across classes so small classes do not all land in fold 0.
  for (const group of shuffledGroups(length, options, 'kFold')) {
    for (const index of group) assignment[index] = next++ % folds;
  }
  return Array.from({ length: folds }, (_, fold) => {
    const trainIndices: number[] = [];
    const validationIndices: number[] = [];
    for (let index = 0; index < length; index++) (assignment[index] === fold ? validationIndices : trainIndices).push(index);
    return { trainIndices, validationIndices };
  });
}

/**
 * Time-based split: sorts by `timeOf(item)` and puts items strictly before `cutoff` in train,
 * the rest in test (no shuffling, so no future leaks into training).
 *
 * @example
 * const { train, test } = timeSplit(ratings, { timeOf: (r) => r.timestamp, cutoff: 1_500_000_000 });
 */
export function timeSplit<T>(items: readonly T[], options: { timeOf: (item: T) => number; cutoff: number }): { train: T[]; test: T[] } {
  if (typeof options.cutoff !== 'number' || Number.isNaN(options.cutoff)) throw invalidValue('cutoff', 'timeSplit', 'a number', options.cutoff);
  const sorted = items.map((item) => ({ item, time: options.timeOf(item) })).sort((a, b) => a.time - b.time);
  return {
    train: sorted.filter((entry) => entry.time < options.cutoff).map((entry) => entry.item),
    test: sorted.filter((entry) => entry.time >= options.cutoff).map((entry) => entry.item),
  };
}
