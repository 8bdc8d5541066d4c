import { invalidValueMessage, LoomError } from './errors.js';

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

const SEED_STREAM = /* @__PURE__ */ Symbol.for('loom-ml.seed-stream');

// The stream lives on globalThis under a Symbol.for key, so every installed copy of
// @loom-ml/core (two versions in one app) reads and sets the same one.
function holder(): Record<symbol, (() => number) | null | undefined> {
  return globalThis as unknown as Record<symbol, (() => number) | null | undefined>;
}

function checkSeed(seed: unknown, where: string): number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new LoomError(invalidValueMessage('seed', where, 'a finite number (or null to turn seeding off)', seed));
  }
  return seed;
}

/**
 * Makes every later random choice that has no seed of its own reproducible, as Keras'
 * `keras.utils.set_random_seed` does: weight initialisers (`@loom-ml/layers`), dropout and the
 * shuffling order of `fit` (`@loom-ml/train`) draw their seeds, in order, from one stream seeded
 * here. The same program after `setSeed(42)` builds the same weights and trains to the same
 * weights, bit for bit. `setSeed(null)` turns it off (the default: unseeded choices are random).
 * A `seed` given to a layer, an initialiser or `fit` still wins.
 *
 * @example
 * setSeed(42);
 * const model = sequential([dense({ units: 8, inputShape: [4] })]); // the same kernel every run
 */
export function setSeed(seed: number | null): void {
  holder()[SEED_STREAM] = seed === null ? null : seededRandom(checkSeed(seed, 'setSeed'));
}

/**
 * The next seed of the stream `setSeed` (or `withSeed`) started, an integer in [0, 2^31), or
 * `undefined` when no stream is active, so callers fall back to unseeded randomness. For
 * library code: a layer calls it once per weight it initialises and per dropout mask it draws.
 *
 * @example
 * const seed = nextSeed(); // undefined unless setSeed(...) was called
 * tf.dropout(x, 0.5, undefined, seed);
 */
export function nextSeed(): number | undefined {
  const stream = holder()[SEED_STREAM];
  return stream ? Math.floor(stream() * 2147483648) : undefined;
}

/**
 * Runs `run` with the seed stream set to `seed`, then puts back whatever stream was active
 * before (also when `run` throws or its promise rejects). `fit({ seed })` uses it, so the
 * dropout masks of a fit depend on its seed only. Two overlapping async runs share the stream:
 * give each its own layer seeds if they must be reproducible while running concurrently.
 *
 * @example
 * const weights = await withSeed(7, async () => { const m = build(); await train(m); return m.getWeights(); });
 */
export function withSeed<T>(seed: number, run: () => T): T {
  const stream = seededRandom(checkSeed(seed, 'withSeed'));
  const previous = holder()[SEED_STREAM] ?? null;
  holder()[SEED_STREAM] = stream;
  const restore = (): void => {
    if (holder()[SEED_STREAM] === stream) holder()[SEED_STREAM] = previous;
  };
  let result: T;
  try {
    result = run();
  } catch (error) {
    restore();
    throw error;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}
