/**
 * A small, fast seeded pseudo-random generator (mulberry32) giving floats in [0, 1): the same
 * seed gives the same sequence on every platform and in every Loom package, which is what
 * reproducible initialisation, shuffling, sampling and splits need. Only the low 32 bits of
 * `seed` are used.
 *
 * @example
 * const random = seededRandom(42);
 * random(); // 0.6011037519201636, the same for every run with seed 42
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
 * Shuffles `values` in place (Fisher–Yates) with the given generator and returns it.
 *
 * @example
 * shuffleInPlace([0, 1, 2, 3, 4], seededRandom(1)); // the same order for every run with seed 1
 */
export function shuffleInPlace<T>(values: T[], random: () => number): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = values[i] as T;
    values[i] = values[j] as T;
    values[j] = swap;
  }
  return values;
}

