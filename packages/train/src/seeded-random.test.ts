import { describe, expect, it } from 'vitest';
import { seededRandom, shuffledIndices } from './index.js';

describe('seededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(values[0]);
    // Roughly uniform: the mean of 1000 draws is within 4 standard errors (sqrt(1/12/1000) ~ 0.009) of 0.5.
    expect(Math.abs(values.reduce((s, v) => s + v, 0) / 1000 - 0.5)).toBeLessThan(0.037);
  });

  it('shuffledIndices is a permutation, deterministic per seed', () => {
    const order = shuffledIndices(50, seededRandom(1));
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffledIndices(50, seededRandom(1))).toEqual(order);
    expect(order).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    // Each position is equally likely to hold index 0: over 4000 shuffles of 4, each count is near 1000.
    const random = seededRandom(7);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shuffledIndices(4, random).indexOf(0)]! += 1;
    for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(120);
  });
});
