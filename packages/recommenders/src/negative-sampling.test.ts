import { describe, expect, it } from 'vitest';
import { CsrMatrix } from './csr-matrix.js';
import { NegativeSampler } from './negative-sampling.js';
import { seededRandom } from './rng.js';

// User 0: 2 of 10 items (rejection path); user 1: 8 of 10 (explicit complement); user 2: all 10.
const rows = [0, 0, ...Array(8).fill(1), ...Array(10).fill(2)];
const columns = [3, 7, 0, 1, 2, 3, 5, 6, 8, 9, ...Array.from({ length: 10 }, (_, i) => i)];
const matrix = CsrMatrix.fromTriplets(3, 10, rows, columns, rows.map(() => 1));

describe('NegativeSampler', () => {
  it('never returns a positive, on both sampling paths, and reaches every negative about equally', () => {
    const sampler = new NegativeSampler(matrix, seededRandom(1));
    for (const user of [0, 1]) {
      const counts = new Map<number, number>();
      for (let draw = 0; draw < 4000; draw++) {
        const item = sampler.sample(user);
        expect(matrix.has(user, item)).toBe(false);
        counts.set(item, (counts.get(item) ?? 0) + 1);
      }
      const negatives = 10 - matrix.rowIndices(user).length;
      expect(counts.size).toBe(negatives);
      // Uniform: each negative within ±25% of its expected count (4000 / negatives ≥ 500 draws).
      for (const count of counts.values()) expect(Math.abs(count - 4000 / negatives)).toBeLessThan(0.25 * (4000 / negatives));
    }
  });

  it('is reproducible from the seed', () => {
    const draw = (seed: number): number[] => {
      const sampler = new NegativeSampler(matrix, seededRandom(seed));
      return Array.from(sampler.sampleMany([0, 1, 0, 1, 0], new Int32Array(5)));
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });

  it('reports and rejects a user with every item', () => {
    const sampler = new NegativeSampler(matrix, seededRandom(1));
    expect(sampler.hasNegatives(2)).toBe(false);
    expect(sampler.hasNegatives(1)).toBe(true);
    expect(() => sampler.sample(2)).toThrow(
      'Invalid value for `user` in NegativeSampler.sample. Expected a user with at least one item not interacted with. Received: 2.',
    );
  });
});
