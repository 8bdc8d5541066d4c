import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileRefusedError } from '@loom-ml/core';
import { afterAll, describe, expect, it } from 'vitest';
import { RecommenderError } from './errors.js';
import { buildInteractions } from './interactions.js';
import { BprMf } from './bpr-mf.js';
import { ExplicitMf } from './explicit-mf.js';
import { ImplicitAls } from './implicit-als.js';
import { ItemKnnRecommender } from './item-knn.js';
import { PopularityRecommender } from './popularity.js';
import { WarpMf } from './warp-mf.js';
import { createRng } from './rng.js';
import { loadRecommender, saveRecommender } from './recommender-files.js';

const random = createRng(3);
const events = Array.from({ length: 120 }, () => ({
  user: `u${Math.floor(random() * 15)}`,
  item: Math.floor(random() * 12),
  value: 1 + Math.floor(random() * 3),
}));
// One item with no training interactions at the end, so the column count is not implied by indices.
const interactions = buildInteractions(events);
interactions.items.add('never-seen');
const matrix = buildInteractions(events, { users: interactions.users, items: interactions.items }).matrix;

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

describe('saveRecommender / loadRecommender', () => {
  const models = [
    new PopularityRecommender().fit(matrix),
    new ItemKnnRecommender({ neighbours: 5, weighting: 'bm25', bm25: { k1: 2, b: 0.5 } }).fit(matrix),
    new ImplicitAls({ factors: 3, epochs: 3, alpha: 4, seed: 8 }).fit(matrix),
    new ExplicitMf({ factors: 2, epochs: 2, seed: 8 }).fit(matrix),
    new BprMf({ factors: 3, epochs: 2, batchSize: 16, negativeCandidates: 2, seed: 8 }).fit(matrix),
    new WarpMf({ factors: 3, epochs: 2, batchSize: 16, maxNegatives: 4, margin: 0.5, seed: 8 }).fit(matrix),
  ];

  for (const model of models) {
    it(`round-trips ${model.name} with its id mappings`, async () => {
      const directory = await mkdtemp(join(tmpdir(), 'loom-recommenders-'));
      directories.push(directory);
      await saveRecommender(model, directory, { users: interactions.users, items: interactions.items });
      expect((await readdir(directory)).sort()).toEqual(['model.json', 'weights.bin']); // no temp files left
      const loaded = await loadRecommender(directory);
      expect(loaded.model.name).toBe(model.name);
      expect(loaded.model.itemCount).toBe(13);
      expect(loaded.users?.toArray()).toEqual(interactions.users.toArray());
      expect(loaded.items?.indexOf('never-seen')).toBe(12);
      for (let user = 0; user < matrix.rows; user++) {
        expect(loaded.model.recommend(user, 5)).toEqual(model.recommend(user, 5));
      }
      if (model instanceof ExplicitMf) expect((loaded.model as ExplicitMf).rmse(matrix)).toBe(model.rmse(matrix));
      if (model instanceof BprMf || model instanceof WarpMf) {
        const restored = loaded.model as BprMf | WarpMf;
        expect(Array.from(restored.itemBias)).toEqual(Array.from(model.itemBias));
        expect(restored.options).toEqual(model.options);
        expect(Array.from(restored.scoreFromItems([0, 3]))).toEqual(Array.from(model.scoreFromItems([0, 3])));
      }
      if (model instanceof BprMf) expect((loaded.model as BprMf).negativeCandidates).toBe(2);
      if (model instanceof WarpMf) expect([(loaded.model as WarpMf).maxNegatives, (loaded.model as WarpMf).margin]).toEqual([4, 0.5]);
    });
  }
});

describe('loadRecommender refusals', () => {
  const model = new PopularityRecommender().fit(matrix);

  it('names a missing directory or file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-recommenders-'));
    directories.push(directory);
    await expect(loadRecommender(directory)).rejects.toThrow(`The recommender model file ${join(directory, 'model.json')} does not exist.`);
  });

  it('refuses files over the limits before reading them', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-recommenders-'));
    directories.push(directory);
    await saveRecommender(model, directory);
    await expect(loadRecommender(directory, { maxBytes: 8 })).rejects.toThrow(
      /^The recommender weights file .*weights\.bin has \d+ bytes, more than the limit of 8 \(raise maxBytes if you trust it\)\.$/,
    );
    await expect(loadRecommender(directory, { maxJsonBytes: 8 })).rejects.toThrow(FileRefusedError);
  });

  it('refuses a model.json declaring 2e9 items before allocating anything (RSS bounded)', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-recommenders-'));
    directories.push(directory);
    await saveRecommender(model, directory);
    const json = JSON.parse(await readFile(join(directory, 'model.json'), 'utf8'));
    json.matrixShape = [json.matrixShape[0], 2e9];
    await writeFile(join(directory, 'model.json'), JSON.stringify(json));
    const before = process.memoryUsage().rss;
    await expect(loadRecommender(directory)).rejects.toThrow('Invalid value for `json.matrixShape[1]` in deserializeRecommender. Expected an integer from 0 to 134217728');
    await expect(loadRecommender(directory, { maxElements: 3e9 })).rejects.toThrow('Expected a model of at most maxElements = 3000000000 numbers once loaded');
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });

  it('names a model.json that does not parse', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-recommenders-'));
    directories.push(directory);
    await saveRecommender(model, directory);
    await writeFile(join(directory, 'model.json'), '{"format": "loom-ml/recomm');
    await expect(loadRecommender(directory)).rejects.toThrow(RecommenderError);
    await expect(loadRecommender(directory)).rejects.toThrow(/^Invalid value for `model.json` in loadRecommender\. Expected JSON written by saveRecommender\. Received: a file that does not parse/);
  });
});
