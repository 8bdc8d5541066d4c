import { describe, expect, it } from 'vitest';
import { seededRandom, shuffleInPlace } from './random.js';

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
