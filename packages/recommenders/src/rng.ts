import { seededRandom, shuffleInPlace } from '@loom-ml/core';

export { seededRandom, shuffleInPlace };

/**
 * The seeded generator (mulberry32) under its old name: returns floats in [0, 1).
 *
 * @deprecated Use `seededRandom` (the same generator, the name every Loom package uses); `createRng` goes in the next minor version.
 * @example
 * const random = seededRandom(42);
 * random(); // 0.6011037519201636
 */
export const createRng: (seed: number) => () => number = seededRandom;
