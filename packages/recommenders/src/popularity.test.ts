import { describe, expect, it } from 'vitest';
import { CsrMatrix } from './csr-matrix.js';
import { PopularityRecommender } from './popularity.js';

// 3 users × 4 items; item popularity (distinct users): 2, 1, 3, 0.
const matrix = CsrMatrix.fromTriplets(3, 4, [0, 0, 1, 1, 2, 2], [0, 2, 2, 1, 0, 2], [5, 1, 1, 1, 1, 1]);

describe('PopularityRecommender', () => {
  const model = new PopularityRecommender().fit(matrix);

  it('scores items by their number of training users', () => {
    expect(Array.from(model.scoreItems(0))).toEqual([2, 1, 3, 0]);
  });

  it('recommend excludes seen items by default, and extra items on request', () => {
    expect(model.recommend(0, 3)).toEqual([
      { item: 1, score: 1 },
      { item: 3, score: 0 },
    ]);
    expect(model.recommend(0, 2, { excludeSeen: false }).map((r) => r.item)).toEqual([2, 0]);
    expect(model.recommend(1, 4, { exclude: [0] }).map((r) => r.item)).toEqual([3]);
    expect(model.recommendBatch([0, 2], 1)).toEqual([[{ item: 1, score: 1 }], [{ item: 1, score: 1 }]]);
  });

  it('recommendFromItems excludes the given items', () => {
    expect(model.recommendFromItems([2, 1], 4).map((r) => r.item)).toEqual([0, 3]);
    expect(() => model.recommendFromItems([0], 1, { values: [1, 2] })).toThrow(
      'Invalid value for `values` in PopularityRecommender.recommendFromItems. Expected length 1 (one per item). Received: 2.',
    );
  });

  it('rejects users outside the training matrix and a bad k', () => {
    expect(() => model.recommend(3, 1)).toThrow(
      'Invalid value for `user` in PopularityRecommender.recommend. Expected an integer in [0, 3). Received: 3.',
    );
    expect(() => model.recommend(0, 1.5)).toThrow(
      'Invalid value for `k` in PopularityRecommender.recommend. Expected a non-negative integer. Received: 1.5.',
    );
    expect(() => new PopularityRecommender().scoreItems(0)).toThrow(
      'PopularityRecommender is not fitted. Call fit(userItems) first.',
    );
  });
});
