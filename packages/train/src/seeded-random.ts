/**
 * A small, fast seeded pseudo-random generator (mulberry32): the same seed gives the same
 * sequence on every platform, which is what deterministic shuffling needs.
 *
 * @example
 * const random = seededRandom(42);
 * random(); // a number in [0, 1), the same for every run with seed 42
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random permutation of `0..length-1` (Fisher-Yates) drawn from `random`.
 *
 * @example
 * shuffledIndices(5, seededRandom(1)); // e.g. [3, 0, 4, 1, 2]
 */
export function shuffledIndices(length: number, random: () => number): number[] {
  const indices = Array.from({ length }, (_, i) => i);
  for (let i = length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = indices[i]!;
    indices[i] = indices[j]!;
    indices[j] = swap;
  }
  return indices;
}
