import { seededRandom, shuffleInPlace } from '@loom-ml/core';

// The seeded generator (mulberry32) every Loom package shares, re-exported under its one name.
export { seededRandom };

/**
 * A random permutation of `0..length-1` (Fisher-Yates) drawn from `random`.
 *
 * @example
 * shuffledIndices(5, seededRandom(1)); // e.g. [3, 0, 4, 1, 2]
 */
export function shuffledIndices(length: number, random: () => number): number[] {
  return shuffleInPlace(
    Array.from({ length }, (_, i) => i),
    random,
  );
}
