import { afterEach, describe, expect, it } from 'vitest';
import { LoomError } from './errors.js';
import { nextSeed, seededRandom, setSeed, shuffleInPlace, withSeed } from './random.js';

describe('seededRandom', () => {
  it('is mulberry32: the first values for seed 42 equal the reference implementation', () => {
    // Reference: Tommy Ettinger's mulberry32 in plain JS (the common gist), seeded with 42:
    // function mulberry32(a) { return function() { var t = a += 0x6D2B79F5; t = Math.imul(t ^ t >>> 15, t | 1);
    //   t ^= t + Math.imul(t ^ t >>> 7, t | 61); return ((t ^ t >>> 14) >>> 0) / 4294967296; } }
    function reference(a: number): () => number {
      return () => {
        let t = (a += 0x6d2b79f5);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }
    const random = seededRandom(42);
    const expected = reference(42);
    for (let i = 0; i < 1000; i++) expect(random()).toBe(expected());
    expect(seededRandom(42)()).toBe(0.6011037519201636);
  });

  it('gives values in [0, 1) and the same sequence for the same seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    for (let i = 0; i < 1000; i++) {
      const value = a();
      expect(value).toBe(b());
      expect(value >= 0 && value < 1).toBe(true);
    }
  });

  it('shuffles in place into a permutation, the same for the same seed', () => {
    const first = shuffleInPlace(Array.from({ length: 50 }, (_, i) => i), seededRandom(3));
    const second = shuffleInPlace(Array.from({ length: 50 }, (_, i) => i), seededRandom(3));
    expect(first).toEqual(second);
    expect([...first].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(first).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('setSeed, nextSeed, withSeed', () => {
  afterEach(() => setSeed(null));

  it('gives no seed until setSeed, then the same integer stream for the same seed', () => {
    expect(nextSeed()).toBeUndefined();
    setSeed(42);
    const first = [nextSeed(), nextSeed(), nextSeed()];
    setSeed(42);
    expect([nextSeed(), nextSeed(), nextSeed()]).toEqual(first);
    // The stream is mulberry32(42) scaled to [0, 2^31).
    const reference = seededRandom(42);
    expect(first).toEqual([0, 1, 2].map(() => Math.floor(reference() * 2147483648)));
    for (const seed of first) expect(Number.isInteger(seed) && seed! >= 0 && seed! < 2 ** 31).toBe(true);
    setSeed(null);
    expect(nextSeed()).toBeUndefined();
  });

  it('shares the stream across copies of the package (a Symbol.for key on globalThis)', () => {
    setSeed(5);
    const stream = (globalThis as unknown as Record<symbol, () => number>)[Symbol.for('loom-ml.seed-stream')];
    expect(typeof stream).toBe('function');
    const reference = seededRandom(5);
    expect(stream!()).toBe(reference());
    expect(nextSeed()).toBe(Math.floor(reference() * 2147483648));
  });

  it('withSeed sets the stream for a sync or async run and puts the previous one back, also on errors', async () => {
    setSeed(1);
    const outer = seededRandom(1);
    expect(withSeed(9, () => nextSeed())).toBe(Math.floor(seededRandom(9)() * 2147483648));
    expect(nextSeed()).toBe(Math.floor(outer() * 2147483648));
    const inner = await withSeed(9, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return nextSeed();
    });
    expect(inner).toBe(Math.floor(seededRandom(9)() * 2147483648));
    expect(nextSeed()).toBe(Math.floor(outer() * 2147483648));
    expect(() => withSeed(3, () => { throw new Error('boom'); })).toThrow('boom');
    await expect(withSeed(3, async () => { throw new Error('late'); })).rejects.toThrow('late');
    expect(nextSeed()).toBe(Math.floor(outer() * 2147483648));
    setSeed(null);
    expect(withSeed(2, () => nextSeed())).toBeDefined();
    expect(nextSeed()).toBeUndefined();
  });

  it('refuses a seed that is not a finite number', () => {
    expect(() => setSeed(Number.NaN)).toThrow(LoomError);
    expect(() => setSeed('1' as unknown as number)).toThrow("Invalid value for `seed` in setSeed. Expected a finite number (or null to turn seeding off). Received: '1'.");
    expect(() => withSeed(Infinity, () => 1)).toThrow('Invalid value for `seed` in withSeed.');
  });
});
