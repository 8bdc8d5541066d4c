import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChecksumError, FileRefusedError, InvalidFileError } from '@loom-ml/core';
import { afterAll, describe, expect, it } from 'vitest';
import { buildInteractions } from './interactions.js';
import { BprMf } from './bpr-mf.js';
import { ExplicitMf } from './explicit-mf.js';
import { ImplicitAls } from './implicit-als.js';
import { ItemKnnRecommender } from './item-knn.js';
import { PopularityRecommender } from './popularity.js';
import { WarpMf } from './warp-mf.js';
import { seededRandom } from './rng.js';
import { loadRecommender, saveRecommender } from './recommender-files.js';
import { serializeRecommender } from './serialization.js';

const random = seededRandom(3);
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
    for (const form of ['folder', '.loom file'] as const) {
      it(`round-trips ${model.name} with its id mappings (${form})`, async () => {
        const directory = await mkdtemp(join(tmpdir(), 'loom-recommenders-'));
        directories.push(directory);
        const target = form === 'folder' ? directory : join(directory, 'model.loom');
        await saveRecommender(model, target, { users: interactions.users, items: interactions.items });
        expect((await readdir(directory)).sort()).toEqual(form === 'folder' ? ['model.json', 'weights.bin'] : ['model.loom']); // no temp files left
        const loaded = await loadRecommender(target);
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
  }

  it('writes the same bytes to a .loom file as serializeRecommender, and a folder holds the same container split in two', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-recommenders-'));
    directories.push(directory);
    const model = models[2]!;
    await saveRecommender(model, join(directory, 'als.loom'), { items: interactions.items });
    expect(new Uint8Array(await readFile(join(directory, 'als.loom')))).toEqual(serializeRecommender(model, { items: interactions.items }));
    await saveRecommender(model, join(directory, 'als'), { items: interactions.items });
    const header = JSON.parse(await readFile(join(directory, 'als', 'model.json'), 'utf8'));
    expect(header).toMatchObject({ format: 'loom-container', metadata: { format: 'loom-ml/recommenders', version: 2, type: 'ImplicitAls' } });
    expect(header.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('still loads the folders 0.1 wrote (format 1), recommending as they did then', async () => {
    const expected = JSON.parse(await readFile(new URL('../test/fixtures/format-1/expected-recommendations.json', import.meta.url), 'utf8'));
    for (const name of ['als', 'item-knn', 'bpr', 'popularity', 'two-tower']) {
      const { model, items } = await loadRecommender(new URL(`../test/fixtures/format-1/${name}`, import.meta.url));
      expect([0, 1, 2, 3].map((user) => model.recommend(user, 5)), name).toEqual(expected[name]);
      if (name !== 'popularity') expect(items?.size).toBe(model.itemCount);
    }
  });
});

describe('loadRecommender refusals', () => {
  const model = new PopularityRecommender().fit(matrix);

  it('names a missing path, folder file or weights file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-recommenders-'));
    directories.push(directory);
    await expect(loadRecommender(join(directory, 'nothing.loom'))).rejects.toThrow(`loadRecommender: nothing at ${join(directory, 'nothing.loom')}.`);
    await expect(loadRecommender(directory)).rejects.toThrow(`The recommender header ${join(directory, 'model.json')} does not exist.`);
    await saveRecommender(model, directory);
    await rm(join(directory, 'weights.bin'));
    await expect(loadRecommender(directory)).rejects.toThrow(FileRefusedError);
  });

  it('refuses files over the limits before reading them', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-recommenders-'));
    directories.push(directory);
    await saveRecommender(model, directory);
    await saveRecommender(model, join(directory, 'model.loom'));
    await expect(loadRecommender(join(directory, 'model.loom'), { maxBytes: 8 })).rejects.toThrow(
      /^The recommender file .*model\.loom has \d+ bytes, more than the limit of 8 \(raise maxBytes if you trust it\)\.$/,
    );
    await expect(loadRecommender(directory, { maxBytes: 8 })).rejects.toThrow(FileRefusedError);
    await expect(loadRecommender(directory, { maxHeaderBytes: 8 })).rejects.toThrow(/^The recommender header .*model\.json has \d+ bytes, more than the limit of 8/);
  });

  it('refuses a weights.bin of another size than model.json declares, and a changed byte', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-recommenders-'));
    directories.push(directory);
    await saveRecommender(model, directory);
    const weights = new Uint8Array(await readFile(join(directory, 'weights.bin')));
    await writeFile(join(directory, 'weights.bin'), new Uint8Array([...weights, 0, 0, 0, 0]));
    await expect(loadRecommender(directory)).rejects.toThrow(FileRefusedError);
    weights[weights.length - 1]! ^= 1;
    await writeFile(join(directory, 'weights.bin'), weights);
    await expect(loadRecommender(directory)).rejects.toThrow(ChecksumError);
  });

  it('refuses a model.json declaring 2e9 items before allocating anything (RSS bounded)', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-recommenders-'));
    directories.push(directory);
    await saveRecommender(model, directory);
    const json = JSON.parse(await readFile(join(directory, 'model.json'), 'utf8'));
    json.metadata.matrixShape = [json.metadata.matrixShape[0], 2e9];
    await writeFile(join(directory, 'model.json'), JSON.stringify(json));
    const before = process.memoryUsage().rss;
    await expect(loadRecommender(directory)).rejects.toThrow('Invalid value for `metadata.matrixShape[1]` in deserializeRecommender. Expected an integer from 0 to 134217728');
    await expect(loadRecommender(directory, { maxElements: 3e9 })).rejects.toThrow('Expected a model of at most maxElements = 3000000000 numbers once loaded');
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });

  it('names a model.json that does not parse', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'loom-recommenders-'));
    directories.push(directory);
    await saveRecommender(model, directory);
    await writeFile(join(directory, 'model.json'), '{"format": "loom-ml/recomm');
    await expect(loadRecommender(directory)).rejects.toThrow(InvalidFileError);
    await expect(loadRecommender(directory)).rejects.toThrow(/recommender header .*model\.json/);
  });
});
