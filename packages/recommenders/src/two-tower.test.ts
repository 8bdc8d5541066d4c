import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { groupOfItem, plantedEvents, plantedSplit } from '../test/fixtures/planted.js';
import { CsrMatrix } from './csr-matrix.js';
import { evaluateRecommender } from './evaluate.js';
import { PopularityRecommender } from './popularity.js';
import { seededRandom } from './rng.js';
import { loadRecommender, saveRecommender } from './recommender-files.js';
import { deserializeRecommender, serializeRecommender } from './serialization.js';
import { TwoTower } from './two-tower.js';

// Planted fixture: 4 taste groups of users, each owning a block of 15 of the 60 items.
// Item side features: the item's group one-hot plus two random 0/1 "noise genres", as real
// genres only partly match taste.
const random = seededRandom(11);
const itemFeatures = Array.from({ length: 60 }, (_, item) => {
  const row = [0, 0, 0, 0, random() < 0.5 ? 1 : 0, random() < 0.5 ? 1 : 0];
  row[groupOfItem(item)] = 1;
  return row;
});
const split = plantedSplit();
const matrix = split.train.matrix;
// Split indices differ from the planted item ids; features follow the train index.
const splitFeatures = Array.from({ length: matrix.columns }, (_, index) => itemFeatures[Number(split.train.items.idAt(index))]!);
const options = { embeddingDimension: 8, epochs: 10, batchSize: 64, learningRate: 0.05, temperature: 0.2, seed: 3 } as const;
const epochCounts: number[] = [];
const model = expectNoLeakedTensors(
  () => new TwoTower({ ...options, onEpoch: () => epochCounts.push(tf.memory().numTensors) }).fit(matrix, { itemFeatures: splitFeatures }),
  'TwoTower.fit',
);
const inGroup = (index: number, group: number): boolean => groupOfItem(Number(split.train.items.idAt(index))) === group;

describe('TwoTower', () => {
  it('lowers the in-batch softmax loss, leaks no tensors in fit and keeps tf.memory flat across epochs', () => {
    expect(model.history).toHaveLength(10);
    expect(model.history[0]!.samples).toBe(matrix.nnz);
    expect(model.history.at(-1)!.loss).toBeLessThan(0.8 * model.history[0]!.loss);
    expect(new Set(epochCounts).size).toBe(1);
  });

  it('beats popularity on held-out items of the planted groups (NDCG@5 and R@5 by at least 0.2)', () => {
    const popularity = evaluateRecommender(new PopularityRecommender().fit(matrix), split, { k: 5 });
    const metrics = evaluateRecommender(model, split, { k: 5 });
    expect(metrics.users).toBeGreaterThan(70);
    expect(metrics.ndcg).toBeGreaterThan(popularity.ndcg + 0.2);
    expect(metrics.recall).toBeGreaterThan(popularity.recall + 0.2);
  });

  it('recommends unseen items of the user\'s group, in batches, for known and new users, with no tensors', () => {
    const users = Array.from({ length: matrix.rows }, (_, user) => user);
    const lists = expectNoLeakedTensors(() => model.recommendBatch(users, 5, { excludeSeen: true }), 'TwoTower scoring');
    let inGroupShare = 0;
    for (const user of users) {
      const seen = new Set(matrix.rowIndices(user));
      expect(lists[user]!.every(({ item }) => !seen.has(item))).toBe(true);
      const group = Number(split.train.users.idAt(user)) % 4;
      inGroupShare += lists[user]!.filter(({ item }) => inGroup(item, group)).length / 5 / users.length;
    }
    // Chance is 1/4 (four equal groups).
    expect(inGroupShare).toBeGreaterThan(0.7);
    expect(lists[1]).toEqual(model.recommend(1, 5));
    const user = 0;
    expect(model.recommend(user, 3, { excludeSeen: false })).toHaveLength(3);
    const liked = [30, 31, 33].map((id) => split.train.items.indexOf(id)).filter((index) => index >= 0);
    const fromItems = model.recommendFromItems(liked, 5);
    expect(fromItems.every(({ item }) => !liked.includes(item))).toBe(true);
    expect(fromItems.filter(({ item }) => inGroup(item, 2)).length).toBeGreaterThanOrEqual(4);
  });

  it('finds similar items in the same group and answers brute-force top-K like scoreItems', () => {
    let inGroupShare = 0;
    for (let item = 0; item < matrix.columns; item++) {
      const similar = model.similarItems(item, 5);
      expect(similar.map((s) => s.item)).not.toContain(item);
      const group = groupOfItem(Number(split.train.items.idAt(item)));
      inGroupShare += similar.filter((s) => inGroup(s.item, group)).length / 5 / matrix.columns;
    }
    expect(inGroupShare).toBeGreaterThan(0.8); // chance 1/4
    const d = options.embeddingDimension;
    const top = model.itemIndex('dot').query(model.userEmbeddings.subarray(2 * d, 3 * d), 4);
    const scores = model.scoreItems(2);
    expect(Array.from(top.scores)).toEqual(Array.from(top.indices, (index) => scores[index]));
  });

  it('embeds a cold-start item (no training interactions) from its features: it ranks high for users of its group', () => {
    const cold = [44, 59]; // groups 2 and 3
    const events = plantedEvents().filter(({ item }) => !cold.includes(Number(item)));
    const full = CsrMatrix.fromTriplets(80, 60, events.map((e) => Number(e.user)), events.map((e) => Number(e.item)), events.map(() => 1));
    expect(cold.map((item) => full.columnCounts()[item])).toEqual([0, 0]);
    const coldModel = new TwoTower(options).fit(full, { itemFeatures });
    // Share of a user's unseen items the cold item outscores, averaged over users: 0.5 is chance.
    const beatShare = (recommender: TwoTower, item: number, users: number[]): number => {
      let total = 0;
      for (const user of users) {
        const scores = recommender.scoreItems(user);
        const unseen = Array.from({ length: 60 }, (_, j) => j).filter((j) => j !== item && !full.has(user, j));
        total += unseen.filter((j) => scores[item]! > scores[j]!).length / unseen.length;
      }
      return total / users.length;
    };
    const usersOf = (group: number): number[] => Array.from({ length: 80 }, (_, user) => user).filter((user) => user % 4 === group);
    expect(beatShare(coldModel, 44, usersOf(2))).toBeGreaterThan(0.8);
    expect(beatShare(coldModel, 59, usersOf(3))).toBeGreaterThan(0.8);
    expect(beatShare(coldModel, 44, usersOf(0))).toBeLessThan(0.5);
    // Its stored embedding is the features-only embedding (what embedItemFeatures gives a new item).
    const fromFeatures = expectNoLeakedTensors(() => coldModel.embedItemFeatures([itemFeatures[44]!]), 'embedItemFeatures');
    const stored = coldModel.itemEmbeddings.subarray(44 * 8, 45 * 8);
    fromFeatures.forEach((value, j) => expect(value).toBeCloseTo(stored[j]!, 5));
  });

  it('is deterministic for a seed, and trains a hidden-layer MLP tower without leaks', () => {
    const short = { ...options, epochs: 1 };
    const first = new TwoTower(short).fit(matrix, { itemFeatures: splitFeatures });
    const again = new TwoTower(short).fit(matrix, { itemFeatures: splitFeatures });
    expect(Array.from(again.itemEmbeddings)).toEqual(Array.from(first.itemEmbeddings));
    expect(again.history.map((h) => h.loss)).toEqual(first.history.map((h) => h.loss));
    expect(Array.from(new TwoTower({ ...short, seed: 4 }).fit(matrix).userEmbeddings)).not.toEqual(Array.from(first.userEmbeddings));
    const mlp = expectNoLeakedTensors(
      () => new TwoTower({ ...short, epochs: 2, hiddenUnits: [16], normalize: false, logQCorrection: false }).fit(matrix, { itemFeatures: splitFeatures }),
      'TwoTower.fit with hiddenUnits',
    );
    expect(mlp.history.at(-1)!.loss).toBeLessThan(mlp.history[0]!.loss);
    expect(mlp.embedItemFeatures([splitFeatures[0]!])).toHaveLength(8);
    // The item MLP's weights are saved with the feature projection's, so new items embed the same after loading.
    const restored = deserializeRecommender(serializeRecommender(mlp)).model as TwoTower;
    expect(Array.from(restored.embedItemFeatures([splitFeatures[0]!]))).toEqual(Array.from(mlp.embedItemFeatures([splitFeatures[0]!])));
    // For an item seen in training the stored embedding also holds its id part; a features-only one differs.
    expect(Array.from(mlp.embedItemFeatures([splitFeatures[0]!]))).not.toEqual(Array.from(mlp.itemEmbeddings.subarray(0, 8)));
  });

  it('saves and loads: identical scores, similar items and feature embeddings', async () => {
    const restored = deserializeRecommender(serializeRecommender(model, { users: split.train.users, items: split.train.items })).model as TwoTower;
    expect(restored).toBeInstanceOf(TwoTower);
    expect(Array.from(restored.scoreItems(5))).toEqual(Array.from(model.scoreItems(5)));
    const directory = await mkdtemp(join(tmpdir(), 'two-tower-'));
    try {
      await saveRecommender(model, directory);
      const loaded = (await loadRecommender(directory)).model as TwoTower;
      expect(loaded.similarItems(3, 4)).toEqual(model.similarItems(3, 4));
      expect(Array.from(loaded.embedItemFeatures([splitFeatures[7]!]))).toEqual(Array.from(model.embedItemFeatures([splitFeatures[7]!])));
      expect(loaded.options).toEqual(model.options);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('rejects bad options and inputs with the Loom message form', () => {
    expect(() => new TwoTower({ embeddingDimension: 0 })).toThrow('Invalid value for `embeddingDimension` in TwoTower. Expected a positive integer. Received: 0.');
    expect(() => new TwoTower({ temperature: -1 })).toThrow('Invalid value for `temperature` in TwoTower. Expected a positive number. Received: -1.');
    expect(() => new TwoTower({ batchSize: 1 })).toThrow('Invalid value for `batchSize` in TwoTower. Expected an integer >= 2. Received: 1.');
    expect(() => new TwoTower({ hiddenUnits: [8, 0] })).toThrow('Invalid value for `hiddenUnits` in TwoTower. Expected an array of positive integers. Received: [8, 0].');
    expect(() => new TwoTower().recommend(0, 3)).toThrow('TwoTower is not fitted. Call fit(userItems) first.');
    expect(() => new TwoTower(options).fit(matrix, { itemFeatures: splitFeatures.slice(1) })).toThrow(
      `Invalid value for \`itemFeatures\` in TwoTower.fit. Expected ${matrix.columns} rows (one per item). Received: '${matrix.columns - 1} rows'.`,
    );
    expect(() => new TwoTower(options).fit(matrix, { itemFeatures: splitFeatures.map((row, k) => (k === 2 ? [...row.slice(0, 5), Number.NaN] : row)) })).toThrow(
      'Invalid value for `itemFeatures[2][5]` in TwoTower.fit. Expected a finite number. Received: NaN.',
    );
    expect(() => model.embedItemFeatures([[1, 0]])).toThrow("Invalid value for `itemFeatures[0]` in TwoTower.embedItemFeatures. Expected a row of 6 numbers. Received: 'length 2'.");
    expect(() => model.similarItems(-1, 3)).toThrow(`Invalid value for \`item\` in TwoTower.similarItems. Expected an integer in [0, ${matrix.columns}). Received: -1.`);
    expect(() => model.recommend(999, 3)).toThrow(`Invalid value for \`user\` in TwoTower.recommend. Expected an integer in [0, ${matrix.rows}). Received: 999.`);
  });
});
