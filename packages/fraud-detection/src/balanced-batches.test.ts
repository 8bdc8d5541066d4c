import { describe, expect, it } from 'vitest';
import { BalancedBatchSampler } from './balanced-batches.js';

// 5 positives (rows 0, 10, 20, 30, 40) among 100 rows.
const labels = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 && i < 50 ? 1 : 0));

describe('BalancedBatchSampler', () => {
  it('puts exactly the requested share of positives in every batch', () => {
    const sampler = new BalancedBatchSampler(labels, { batchSize: 8, positiveFraction: 0.25, seed: 3 });
    expect(sampler.positivesPerBatch).toBe(2);
    for (const batch of sampler.nextEpoch()) {
      expect(batch.length).toBe(8);
      expect(Array.from(batch, (i) => labels[i]).filter((y) => y === 1)).toHaveLength(2);
    }
  });

  it('shows every negative once per default epoch and cycles positives evenly', () => {
    const sampler = new BalancedBatchSampler(labels, { batchSize: 10, seed: 1 });
    const epoch = sampler.nextEpoch();
    // 95 negatives, 5 per batch: ceil(95 / 5) = 19 batches.
    expect(epoch).toHaveLength(19);
    const negatives = epoch.flatMap((b) => Array.from(b).filter((i) => labels[i] === 0));
    // 19 · 5 = 95 draws of 95 negatives in one shuffled pass: each exactly once.
    expect(new Set(negatives).size).toBe(95);
    const positiveCounts = new Map<number, number>();
    for (const i of epoch.flatMap((b) => Array.from(b).filter((j) => labels[j] === 1))) positiveCounts.set(i, (positiveCounts.get(i) ?? 0) + 1);
    // 95 positive draws over 5 positives in whole passes: 19 each.
    expect([...positiveCounts.values()]).toEqual([19, 19, 19, 19, 19]);
  });

  it('repeats exactly for a seed, and successive epochs differ', () => {
    const a = new BalancedBatchSampler(labels, { batchSize: 6, seed: 7 });
    const b = new BalancedBatchSampler(labels, { batchSize: 6, seed: 7 });
    const firstA = a.nextEpoch().map((x) => Array.from(x));
    expect(b.nextEpoch().map((x) => Array.from(x))).toEqual(firstA);
    expect(a.nextEpoch().map((x) => Array.from(x))).not.toEqual(firstA);
    // Iterating is the same stream as nextEpoch.
    const c = new BalancedBatchSampler(labels, { batchSize: 6, seed: 7 });
    expect([...c].map((x) => Array.from(x))).toEqual(firstA);
  });

  it('names the offending option or label', () => {
    expect(() => new BalancedBatchSampler(labels, { batchSize: 1 })).toThrow('Invalid value for `batchSize` in BalancedBatchSampler. Expected an integer >= 2. Received: 1.');
    expect(() => new BalancedBatchSampler(labels, { batchSize: 8, positiveFraction: 1 })).toThrow('Invalid value for `positiveFraction` in BalancedBatchSampler. Expected a number in (0, 1). Received: 1.');
    expect(() => new BalancedBatchSampler([0, 1, 2], { batchSize: 8 })).toThrow('Invalid value for `labels[2]` in BalancedBatchSampler. Expected 0 or 1. Received: 2.');
    expect(() => new BalancedBatchSampler([0, 0], { batchSize: 8 })).toThrow("Invalid value for `labels` in BalancedBatchSampler. Expected both classes present. Received: '0 positives, 2 negatives'.");
  });
});
