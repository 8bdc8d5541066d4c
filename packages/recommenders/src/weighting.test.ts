import { describe, expect, it } from 'vitest';
import { CsrMatrix } from './csr-matrix.js';
import { bm25Weight, confidenceWeight, tfidfWeight } from './weighting.js';

// 3 documents (rows) × 3 terms; tolerance 1e-5 (values are stored as float32).
const matrix = CsrMatrix.fromTriplets(3, 3, [0, 0, 1, 2], [0, 1, 1, 2], [2, 1, 4, 1]);
const closeTo = (actual: number, expected: number): void => expect(actual).toBeCloseTo(expected, 5);

describe('confidenceWeight', () => {
  it('computes 1 + alpha·r and 1 + alpha·log(1 + r/epsilon)', () => {
    const linear = confidenceWeight(matrix, { alpha: 2 });
    expect(Array.from(linear.values)).toEqual([5, 3, 9, 3]);
    const log = confidenceWeight(matrix, { alpha: 2, scaling: 'log', epsilon: 0.5 });
    closeTo(log.get(1, 1), 1 + 2 * Math.log(1 + 4 / 0.5));
    closeTo(log.get(0, 0), 1 + 2 * Math.log(5));
  });

  it('rejects a negative alpha', () => {
    expect(() => confidenceWeight(matrix, { alpha: -1 })).toThrow(
      'Invalid value for `alpha` in confidenceWeight. Expected a non-negative number. Received: -1.',
    );
  });
});

describe('bm25Weight and tfidfWeight', () => {
  it('match the BM25 formula computed by hand', () => {
    const k1 = 1.2;
    const b = 0.75;
    const weighted = bm25Weight(matrix, { k1, b });
    // Row lengths 3, 4, 1 (mean 8/3); term document frequencies 1, 2, 1; N = 3.
    const idf = [Math.log(3) - Math.log(2), Math.log(3) - Math.log(3), Math.log(3) - Math.log(2)];
    const norm = (length: number): number => 1 - b + (b * length) / (8 / 3);
    closeTo(weighted.get(0, 0), ((2 * (k1 + 1)) / (k1 * norm(3) + 2)) * idf[0]!);
    closeTo(weighted.get(0, 1), ((1 * (k1 + 1)) / (k1 * norm(3) + 1)) * idf[1]!);
    closeTo(weighted.get(2, 2), ((1 * (k1 + 1)) / (k1 * norm(1) + 1)) * idf[2]!);
  });

  it('tf-idf is sqrt(value) times idf', () => {
    const weighted = tfidfWeight(matrix);
    closeTo(weighted.get(0, 0), Math.sqrt(2) * Math.log(3 / 2));
    closeTo(weighted.get(1, 1), 0);
  });
});
