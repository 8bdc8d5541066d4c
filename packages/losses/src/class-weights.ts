import { invalidValue } from './errors.js';

/**
 * Per-class weights, applied to each sample by its label: an array with one weight per class,
 * or a map from class index to weight (classes left out weigh 1).
 *
 * @example
 * categoricalCrossentropy({ classWeights: [1, 5, 1] });
 * sparseCategoricalCrossentropy({ classWeights: { 1: 5 } }); // class 1 counts 5x, the rest 1x
 */
export type ClassWeights = readonly number[] | Readonly<Record<number, number>>;

const isWeight = (w: unknown): w is number => typeof w === 'number' && Number.isFinite(w) && w >= 0;

/** Validates class weights at construction; returns a JSON-safe copy for the config. */
export function parseClassWeights(where: string, weights: unknown): number[] | Record<string, number> {
  if (Array.isArray(weights)) {
    if (weights.length > 0 && weights.every(isWeight)) return weights.slice() as number[];
  } else if (typeof weights === 'object' && weights !== null) {
    const entries = Object.entries(weights as Record<string, unknown>);
    if (entries.length > 0 && entries.every(([key, w]) => /^(0|[1-9]\d*)$/.test(key) && isWeight(w))) {
      return Object.fromEntries(entries) as Record<string, number>;
    }
  }
  throw invalidValue(
    'classWeights',
    where,
    'a non-empty array of non-negative numbers (one per class) or a map from class index to a non-negative number',
    weights,
  );
}

/**
 * One weight per class for a prediction with `numClasses` classes. An array must have exactly
 * that length; a map may leave classes out (weight 1) but may not name a class that does not exist.
 */
export function classWeightVector(where: string, weights: number[] | Record<string, number>, numClasses: number): number[] {
  if (Array.isArray(weights)) {
    if (weights.length !== numClasses) throw invalidValue('classWeights', where, `${numClasses} weights (one per class)`, weights.length);
    return weights;
  }
  const vector = new Array<number>(numClasses).fill(1);
  for (const [key, weight] of Object.entries(weights)) {
    const index = Number(key);
    if (index >= numClasses) throw invalidValue('classWeights', where, `class indices in [0, ${numClasses})`, index);
    vector[index] = weight;
  }
  return vector;
}
