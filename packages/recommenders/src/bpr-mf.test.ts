import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { groupOfItem, plantedSplit } from '../test/fixtures/planted.js';
import { BprMf } from './bpr-mf.js';
import { evaluateRecommender } from './evaluate.js';
import { NegativeSampler } from './negative-sampling.js';
import { PopularityRecommender } from './popularity.js';
import { sgd } from '@loom-ml/optimizers';

const split = plantedSplit();
const matrix = split.train.matrix;
// Plain BPR (one uniform negative) unless a test says otherwise; the default is 8 candidates.
const options = { factors: 8, epochs: 25, batchSize: 64, learningRate: 0.05, seed: 3, negativeCandidates: 1 } as const;
const bpr = new BprMf(options).fit(matrix);

describe('BprMf', () => {
  it('lowers the BPR loss from the first epoch (log 2 at random scores) to the last', () => {
    expect(bpr.history).toHaveLength(25);
    // Near-zero initial scores give a per-sample loss close to log 2 ≈ 0.693.
    expect(Math.abs(bpr.history[0]!.loss - Math.LN2)).toBeLessThan(0.05);
    expect(bpr.history.at(-1)!.loss).toBeLessThan(0.5 * bpr.history[0]!.loss);
    expect(bpr.history[0]!.samples).toBe(matrix.nnz);
  });

  it('beats popularity on held-out items of a planted group structure', () => {
    const popularity = evaluateRecommender(new PopularityRecommender().fit(matrix), split, { k: 5 });
    const metrics = evaluateRecommender(bpr, split, { k: 5 });
    expect(metrics.users).toBeGreaterThan(70);
    // Popularity is near chance here (equal-size groups); BPR must find the groups.
    expect(metrics.ndcg).toBeGreaterThan(popularity.ndcg + 0.2);
    expect(metrics.recall).toBeGreaterThan(popularity.recall + 0.2);
  });

  it('with dynamic negative sampling (hardest of 4 draws) also beats popularity, deterministically', () => {
    const dnsOptions = { ...options, epochs: 8, negativeCandidates: 4 };
    const dns = expectNoLeakedTensors(() => new BprMf(dnsOptions).fit(matrix), 'BprMf.fit with negativeCandidates');
    const popularity = evaluateRecommender(new PopularityRecommender().fit(matrix), split, { k: 5 });
    expect(evaluateRecommender(dns, split, { k: 5 }).ndcg).toBeGreaterThan(popularity.ndcg + 0.2);
    expect(Array.from(new BprMf({ ...dnsOptions, epochs: 1 }).fit(matrix).itemFactors)).toEqual(
      Array.from(new BprMf({ ...dnsOptions, epochs: 1 }).fit(matrix).itemFactors),
    );
    expect(new BprMf().negativeCandidates).toBe(8);
    expect(() => new BprMf({ negativeCandidates: 0 })).toThrow(
      'Invalid value for `negativeCandidates` in BprMf. Expected a positive integer. Received: 0.',
    );
  });

  it('never trains on a negative the user has as a positive (plain and dynamic sampling)', () => {
    const drawn: [number, number][] = [];
    const original = NegativeSampler.prototype.sample;
    const spy = vi.spyOn(NegativeSampler.prototype, 'sample').mockImplementation(function (this: NegativeSampler, user: number) {
      const item = original.call(this, user);
      drawn.push([user, item]);
      return item;
    });
    try {
      new BprMf({ ...options, epochs: 1 }).fit(matrix);
      new BprMf({ ...options, epochs: 1, negativeCandidates: 3 }).fit(matrix);
    } finally {
      spy.mockRestore();
    }
    expect(drawn.length).toBe(matrix.nnz * 4);
    expect(drawn.filter(([user, item]) => matrix.has(user, item))).toEqual([]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const short = { ...options, epochs: 2 };
    const first = new BprMf(short).fit(matrix);
    const again = new BprMf(short).fit(matrix);
    expect(Array.from(again.itemFactors)).toEqual(Array.from(first.itemFactors));
    expect(Array.from(again.itemBias)).toEqual(Array.from(first.itemBias));
    expect(again.history.map((h) => h.loss)).toEqual(first.history.map((h) => h.loss));
    const other = new BprMf({ ...short, seed: 4 }).fit(matrix);
    expect(Array.from(other.userFactors)).not.toEqual(Array.from(first.userFactors));
  });

  it('leaves no tensors behind and keeps tf.memory flat across epochs', () => {
    const counts: number[] = [];
    expectNoLeakedTensors(() => {
      new BprMf({ ...options, epochs: 2, onEpoch: () => counts.push(tf.memory().numTensors) }).fit(matrix);
    }, 'BprMf.fit');
    expect(new Set(counts).size).toBe(1);
  });

  it('accepts any @loom-ml/optimizers transformation', () => {
    const plain = new BprMf({ ...options, epochs: 4, optimizer: sgd({ learningRate: 0.5 }) }).fit(matrix);
    expect(plain.history.at(-1)!.loss).toBeLessThan(plain.history[0]!.loss);
  });

  it('recommends unseen items of the user\'s own group, for known and folded-in users', () => {
    const user = 0; // external id 0 → group 0
    const groupOfUser = Number(split.train.users.idAt(user)) % 4;
    const seen = new Set(matrix.rowIndices(user));
    const recs = bpr.recommend(user, 5);
    expect(recs.every(({ item }) => !seen.has(item))).toBe(true);
    const inGroup = (item: number): boolean => groupOfItem(Number(split.train.items.idAt(item))) === groupOfUser;
    expect(recs.filter(({ item }) => inGroup(item)).length).toBeGreaterThanOrEqual(4);
    // A new visitor who liked three items of group 2.
    const liked = [30, 31, 33].map((id) => split.train.items.indexOf(id)).filter((index) => index >= 0);
    const fromItems = bpr.recommendFromItems(liked, 5);
    expect(fromItems.every(({ item }) => !liked.includes(item))).toBe(true);
    expect(fromItems.filter(({ item }) => groupOfItem(Number(split.train.items.idAt(item))) === 2).length).toBeGreaterThanOrEqual(4);
  });

  it('finds similar items in the same group (chance would give about 1 of 5)', () => {
    const item = split.train.items.indexOf(16); // group 1
    const similar = bpr.similarItems(item, 5);
    expect(similar.map((s) => s.item)).not.toContain(item);
    expect(similar.filter((s) => groupOfItem(Number(split.train.items.idAt(s.item))) === 1).length).toBeGreaterThanOrEqual(3);
  });

  it('rejects bad options with the Loom message form', () => {
    expect(() => new BprMf({ factors: 0 })).toThrow('Invalid value for `factors` in BprMf. Expected a positive integer. Received: 0.');
    expect(() => new BprMf({ learningRate: -1 })).toThrow('Invalid value for `learningRate` in BprMf. Expected a positive number. Received: -1.');
    expect(() => new BprMf({ batchSize: 2.5 })).toThrow('Invalid value for `batchSize` in BprMf. Expected a positive integer. Received: 2.5.');
    expect(() => new BprMf().recommend(0, 3)).toThrow('BprMf is not fitted. Call fit(userItems) first.');
    expect(() => bpr.similarItems(-1, 3)).toThrow('Invalid value for `item` in BprMf.similarItems. Expected an integer in [0, 60). Received: -1.');
  });
});
