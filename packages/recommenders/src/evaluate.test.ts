import { describe, expect, it } from 'vitest';
import { CsrMatrix } from './csr-matrix.js';
import { evaluateRecommender, formatMetricsTable } from './evaluate.js';
import { PopularityRecommender } from './popularity.js';
import { rankingMetricsAtK } from '@loom-ml/metrics';

// evaluateRecommender averages @loom-ml/metrics' rankingMetricsAtK; these pin the definitions the
// README documents, so a change there shows up here.
describe('rankingMetricsAtK (from @loom-ml/metrics)', () => {
  it('matches hand-computed values', () => {
    // Ranked [3, 1, 7, 9], relevant {1, 9}, k = 4: hits at ranks 2 and 4.
    const m = rankingMetricsAtK([3, 1, 7, 9], new Set([1, 9]), 4);
    expect(m.precision).toBeCloseTo(0.5, 12);
    expect(m.recall).toBeCloseTo(1, 12);
    expect(m.ndcg).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)), 12);
    expect(m.averagePrecision).toBeCloseTo((1 / 2 + 2 / 4) / 2, 12);
    expect(m.reciprocalRank).toBeCloseTo(0.5, 12);
  });

  it('is zero without hits and one for a perfect list', () => {
    expect(rankingMetricsAtK([4, 5], new Set([1]), 2)).toEqual({
      precision: 0,
      recall: 0,
      ndcg: 0,
      averagePrecision: 0,
      reciprocalRank: 0,
      hit: 0,
    });
    const perfect = rankingMetricsAtK([1, 2], new Set([1, 2]), 2);
    expect(perfect.ndcg).toBeCloseTo(1, 12);
    expect(perfect.averagePrecision).toBeCloseTo(1, 12);
  });
});

describe('evaluateRecommender', () => {
  // Train: item popularity 3, 2, 1, 0, 0 (items 0..4). Test: user 0 → {3}, user 1 → {2, 4}, user 2 → none.
  const train = CsrMatrix.fromTriplets(3, 5, [0, 1, 2, 1, 2, 2], [0, 0, 0, 1, 1, 2], [1, 1, 1, 1, 1, 1]);
  const test = CsrMatrix.fromTriplets(3, 5, [0, 1, 1], [3, 2, 4], [1, 1, 1]);
  const model = new PopularityRecommender().fit(train);

  it('averages over users with test items, excluding training items', () => {
    // user 0 (seen 0) gets [1, 2]: no hit. user 1 (seen 0, 1) gets [2, 3]: hit at rank 1.
    const metrics = evaluateRecommender(model, { test }, { k: 2 });
    expect(metrics.users).toBe(2);
    expect(metrics.precision).toBeCloseTo((0 + 0.5) / 2, 12);
    expect(metrics.recall).toBeCloseTo((0 + 0.5) / 2, 12);
    expect(metrics.ndcg).toBeCloseTo((0 + 1 / (1 + 1 / Math.log2(3))) / 2, 12);
    expect(metrics.averagePrecision).toBeCloseTo((0 + 1 / 2) / 2, 12);
    expect(metrics.reciprocalRank).toBeCloseTo((0 + 1) / 2, 12);
    // The old names (deprecated) carry the same values.
    expect(metrics.map).toBe(metrics.averagePrecision);
    expect(metrics.mrr).toBe(metrics.reciprocalRank);
    expect(metrics.coverage).toBeCloseTo(3 / 5, 12); // items 1, 2, 3
  });

  it('prints a table with one row per model', () => {
    const metrics = evaluateRecommender(model, { test }, { k: 2 });
    const table = formatMetricsTable([{ name: 'popularity', metrics, extra: { 'fit s': '0.01' } }]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^model\s+P@2\s+R@2\s+NDCG@2\s+MAP@2\s+MRR@2\s+coverage\s+fit s$/);
    expect(lines[2]).toMatch(/^popularity\s+0\.2500\s+0\.2500\s+0\.3066\s+0\.2500\s+0\.5000\s+0\.6000\s+0\.01$/);
  });

  it('rejects a test matrix of another shape', () => {
    expect(() => evaluateRecommender(model, { test: CsrMatrix.fromTriplets(3, 4, [], [], []) })).toThrow(
      "Invalid value for `split.test` in evaluateRecommender. Expected a matrix of at most 3 users × 5 items. Received: '3 × 4'.",
    );
  });
});
