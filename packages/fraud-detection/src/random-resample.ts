import { invalidValue } from './errors.js';
import { seededRandom } from './random.js';

/**
 * Row indices that rebalance binary labels: "under" keeps every positive and a seeded random
 * subset of negatives of the same size; "over" keeps every row and repeats random positives
 * (with replacement) until the classes are equal. Index into your features and labels with it.
 *
 * @example
 * const indices = randomResample(labels, { strategy: 'under', seed: 1 });
 */
export function randomResample(labels: ArrayLike<number>, options: { strategy: 'under' | 'over'; seed?: number }): number[] {
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) positives.push(i);
    else if (labels[i] === 0) negatives.push(i);
    else throw invalidValue(`labels[${i}]`, 'randomResample', '0 or 1', labels[i]);
  }
  if (positives.length === 0 || negatives.length === 0) {
    throw invalidValue('labels', 'randomResample', 'both classes present', `${positives.length} positives, ${negatives.length} negatives`);
  }
  const random = seededRandom(options.seed ?? 0);
  const [minority, majority] = positives.length <= negatives.length ? [positives, negatives] : [negatives, positives];
  if (options.strategy === 'under') {
    const pool = [...majority];
    // Partial Fisher-Yates: the first minority.length entries become a uniform sample.
    for (let i = 0; i < minority.length; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return [...minority, ...pool.slice(0, minority.length)].sort((a, b) => a - b);
  }
  if (options.strategy === 'over') {
    const extra = Array.from({ length: majority.length - minority.length }, () => minority[Math.floor(random() * minority.length)]!);
    return [...Array.from({ length: labels.length }, (_, i) => i), ...extra];
  }
  throw invalidValue('strategy', 'randomResample', "'under' or 'over'", options.strategy);
}
