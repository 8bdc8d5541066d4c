import { describe, expect, it } from 'vitest';
import { MetricError, catalogueCoverage, hitRateAtK, mapAtK, meanRankingMetrics, mrr, ndcgAtK, precisionAtK, rankingMetricsAtK, recallAtK } from './index.js';

describe('ranking metrics (hand-computed)', () => {
  const rankings = [[3, 1, 7], [5, 6, 8]];
  const relevant = [new Set([1, 9]), new Set([8])];

  it('per list', () => {
    const m = rankingMetricsAtK([3, 1, 7], new Set([1, 9]), 3);
    expect(m.precision).toBeCloseTo(1 / 3);
    expect(m.recall).toBe(0.5);
    expect(m.ndcg).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)));
    expect(m.averagePrecision).toBeCloseTo(0.5 / 2); // one hit at rank 2 (precision 1/2), normalised by min(3, 2)
    expect(m.reciprocalRank).toBe(0.5);
  });

  it('refuses a ranked list that repeats an item', () => {
    // [1, 1, 1] against {1} gave precision 1, recall 3 and NDCG 2.13 (1 + 1/log2 3 + 1/2); the
    // correct values for the deduplicated list [1] would be 1/3, 1 and 1.
    expect(() => rankingMetricsAtK([1, 1, 1], new Set([1]), 3)).toThrow(
      "Invalid value for `ranked` in rankingMetricsAtK. Expected a ranking with no repeated item. Received: 'item 1 at positions 0 and 1'.",
    );
    expect(() => meanRankingMetrics([[4, 2, 4]], [new Set([2])], 2)).toThrow(MetricError);
    expect(rankingMetricsAtK([1], new Set([1]), 3)).toMatchObject({ precision: 1 / 3, recall: 1, ndcg: 1 });
  });

  it('graded relevance uses the gains and the ideal ordering', () => {
    const gains = new Map([[1, 3], [9, 1]]);
    const m = rankingMetricsAtK([9, 1], new Set([1, 9]), 2, gains);
    const dcg = 1 + 3 / Math.log2(3);
    const ideal = 3 + 1 / Math.log2(3);
    expect(m.ndcg).toBeCloseTo(dcg / ideal);
  });

  it('means over users, skipping users with nothing relevant', () => {
    const withEmpty = [...rankings, [1, 2, 3]];
    const sets = [...relevant, new Set<number>()];
    const m = meanRankingMetrics(withEmpty, sets, 3);
    expect(m.users).toBe(2);
    expect(m.skippedUsers).toBe(1);
    expect(precisionAtK(withEmpty, sets, 3)).toBeCloseTo((1 / 3 + 1 / 3) / 2);
    expect(recallAtK(withEmpty, sets, 3)).toBeCloseTo((0.5 + 1) / 2);
    expect(mrr(withEmpty, sets, 3)).toBeCloseTo((0.5 + 1 / 3) / 2);
    expect(mapAtK(withEmpty, sets, 3)).toBeCloseTo((0.25 + 1 / 3) / 2);
    expect(hitRateAtK(withEmpty, sets, 1)).toBe(0);
    expect(ndcgAtK([[2, 1]], [new Set([2])], 2)).toBe(1);
  });

  it('catalogue coverage counts distinct recommended items', () => {
    expect(catalogueCoverage([[1, 2], [2, 3]], 10, 2)).toBeCloseTo(0.3);
    expect(catalogueCoverage([[1, 2], [2, 3]], 10, 1)).toBeCloseTo(0.2);
  });
});
