import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { plantedSplit } from '../test/fixtures/planted.js';
import { evaluateRecommender } from './evaluate.js';
import { NegativeSampler } from './negative-sampling.js';
import { PopularityRecommender } from './popularity.js';
import { WarpMf } from './warp-mf.js';

const split = plantedSplit();
const matrix = split.train.matrix;
const options = { factors: 8, epochs: 20, batchSize: 64, learningRate: 0.02, maxNegatives: 8, seed: 3 } as const;
const warp = new WarpMf(options).fit(matrix);

describe('WarpMf', () => {
  it('lowers the rank-weighted hinge loss', () => {
    expect(warp.history).toHaveLength(20);
    expect(warp.history.at(-1)!.loss).toBeLessThan(0.5 * warp.history[0]!.loss);
  });

  it('beats popularity on held-out items of a planted group structure', () => {
    const popularity = evaluateRecommender(new PopularityRecommender().fit(matrix), split, { k: 5 });
    const metrics = evaluateRecommender(warp, split, { k: 5 });
    expect(metrics.ndcg).toBeGreaterThan(popularity.ndcg + 0.2);
    expect(metrics.recall).toBeGreaterThan(popularity.recall + 0.2);
  });

  it('never draws a user\'s positive as a negative', () => {
    const drawn: [number, number][] = [];
    const original = NegativeSampler.prototype.sample;
    const spy = vi.spyOn(NegativeSampler.prototype, 'sample').mockImplementation(function (this: NegativeSampler, user: number) {
      const item = original.call(this, user);
      drawn.push([user, item]);
      return item;
    });
    try {
      new WarpMf({ ...options, epochs: 1 }).fit(matrix);
    } finally {
      spy.mockRestore();
    }
    expect(drawn.length).toBe(matrix.nnz * options.maxNegatives);
    expect(drawn.filter(([user, item]) => matrix.has(user, item))).toEqual([]);
  });

  it('is deterministic for a seed', () => {
    const short = { ...options, epochs: 2 };
    const first = new WarpMf(short).fit(matrix);
    const again = new WarpMf(short).fit(matrix);
    expect(Array.from(again.userFactors)).toEqual(Array.from(first.userFactors));
    expect(again.history.map((h) => h.loss)).toEqual(first.history.map((h) => h.loss));
  });

  it('leaves no tensors behind and keeps tf.memory flat across epochs', () => {
    const counts: number[] = [];
    expectNoLeakedTensors(() => {
      new WarpMf({ ...options, epochs: 2, onEpoch: () => counts.push(tf.memory().numTensors) }).fit(matrix);
    }, 'WarpMf.fit');
    expect(new Set(counts).size).toBe(1);
  });

  it('rejects bad options with the Loom message form', () => {
    expect(() => new WarpMf({ maxNegatives: 0 })).toThrow('Invalid value for `maxNegatives` in WarpMf. Expected a positive integer. Received: 0.');
    expect(() => new WarpMf({ margin: Number.NaN })).toThrow('Invalid value for `margin` in WarpMf. Expected a positive number. Received: NaN.');
    expect(() => new WarpMf({ regularization: -1 })).toThrow('Invalid value for `regularization` in WarpMf. Expected a non-negative number. Received: -1.');
  });
});
