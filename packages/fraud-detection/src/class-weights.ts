import { invalidValue } from './errors.js';

/**
 * Balanced class weights n / (k * n_c) for integer labels 0..k-1 (scikit-learn's "balanced").
 *
 * @example
 * balancedClassWeights([0, 0, 0, 1]); // [0.6667, 2]
 */
export function balancedClassWeights(labels: ArrayLike<number>): number[] {
  if (labels.length === 0) throw invalidValue('labels', 'balancedClassWeights', 'a non-empty array', '[]');
  const counts: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0) throw invalidValue(`labels[${i}]`, 'balancedClassWeights', 'a non-negative integer', label);
    counts[label] = (counts[label] ?? 0) + 1;
  }
  const k = counts.length;
  return Array.from({ length: k }, (_, c) => {
    const n = counts[c] ?? 0;
    if (n === 0) throw invalidValue('labels', 'balancedClassWeights', `every class 0..${k - 1} present`, `no rows of class ${c}`);
    return labels.length / (k * n);
  });
}
