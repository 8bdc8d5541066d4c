import { ChecksumError, encodeContainer, InvalidFileError, LoomError, type ContainerContents } from '@loom-ml/core';
import { describe, expect, it } from 'vitest';
import { RecommenderError } from './errors.js';
import { buildInteractions } from './interactions.js';
import { ImplicitAls } from './implicit-als.js';
import { ItemKnnRecommender } from './item-knn.js';
import { PopularityRecommender } from './popularity.js';
import { seededRandom } from './rng.js';
import { deserializeRecommender, recommenderContents, serializeRecommender } from './serialization.js';
import { TwoTower } from './two-tower.js';

const random = seededRandom(9);
const events = Array.from({ length: 90 }, () => ({ user: `u${Math.floor(random() * 12)}`, item: Math.floor(random() * 10), value: 1 + Math.floor(random() * 3) }));
const { users, items, matrix } = buildInteractions(events);
const als = new ImplicitAls({ factors: 3, epochs: 2, seed: 1 }).fit(matrix);
const knn = new ItemKnnRecommender({ neighbours: 3 }).fit(matrix);
const popularity = new PopularityRecommender().fit(matrix);

/** A model's container contents (deep-copied) with `edit` applied, encoded: a well-formed container that says something else. */
function edited(model: ImplicitAls | ItemKnnRecommender | PopularityRecommender | TwoTower, edit: (contents: { metadata: any; tensors: any[] }) => void): Uint8Array {
  const contents = recommenderContents(model, { users, items }) as ContainerContents;
  const copy = { metadata: JSON.parse(JSON.stringify(contents.metadata)), tensors: contents.tensors.map((t) => ({ ...t, shape: [...t.shape], data: (t.data as Float32Array).slice() })) };
  edit(copy);
  return encodeContainer(copy);
}
const tensor = (contents: { tensors: any[] }, name: string) => contents.tensors.find((t) => t.name === name)!;
const message = (name: string, expected: string) => `Invalid value for \`${name}\` in deserializeRecommender. Expected ${expected}`;

describe('deserializeRecommender refuses containers whose metadata and tensors disagree, before allocating', () => {
  it.each<[string, Uint8Array, string]>([
    ['2e9 columns', edited(popularity, (c) => (c.metadata.matrixShape[1] = 2e9)), message('metadata.matrixShape[1]', 'an integer from 0 to 134217728')],
    ['an item-kNN model with 3e8 columns', edited(knn, (c) => (c.metadata.matrixShape[1] = 3e8)), message('metadata.matrixShape[1]', 'an integer from 0 to 134217728')],
    ['an item-kNN model with 3e7 columns and no similarities to justify them', edited(knn, (c) => ((c.metadata.matrixShape[1] = 3e7), delete c.metadata.items)), message('tensors.similarityIndptr.shape', '[30000001]')],
    ['an item-kNN model with 6e7 columns', edited(knn, (c) => ((c.metadata.matrixShape[1] = 6e7), delete c.metadata.items)), message('metadata', 'a model of at most maxElements = 134217728 numbers once loaded')],
    ['factors of the wrong shape', edited(als, (c) => ((tensor(c, 'userFactors').shape = [matrix.rows * 3]), undefined)), message('tensors.userFactors.shape', `[${matrix.rows}, 3] (from matrixShape`)],
    ['more items than the factors hold', edited(als, (c) => ((c.metadata.matrixShape[1] += 1), delete c.metadata.items)), message('tensors.itemFactors.shape', `[${matrix.columns + 1}, 3]`)],
    ['an extra tensor', edited(als, (c) => c.tensors.push({ name: 'extra', dtype: 'int32', shape: [1], data: Int32Array.of(1) })), message('tensors.extra', 'no tensor of that name in a ImplicitAls')],
    ['a missing tensor', edited(als, (c) => (c.tensors = c.tensors.filter((t) => t.name !== 'itemFactors'))), message('tensors.itemFactors', `a float32 tensor of shape [${matrix.columns}, 3]. Received: 'missing'`)],
    ['a wrong dtype', edited(als, (c) => Object.assign(tensor(c, 'indptr'), { dtype: 'float32', data: Float32Array.from(tensor(c, 'indptr').data) })), message('tensors.indptr.dtype', "'int32'")],
    ['a decreasing indptr', edited(als, (c) => (tensor(c, 'indptr').data[2] = -1)), message('tensors.indptr[2]', 'a value from tensors.indptr[1]')],
    ['a column out of range', edited(als, (c) => (tensor(c, 'indices').data[0] = 99)), message('tensors.indices[0]', `a column in (-1, ${matrix.columns})`)],
    ['a similarity to an item that does not exist', edited(knn, (c) => (tensor(c, 'similarityIndices').data[0] = 99)), message('tensors.similarityIndices[0]', `a column in (-1, ${matrix.columns})`)],
    ['a similarity list of the wrong length', edited(knn, (c) => (tensor(c, 'similarityIndptr').data[matrix.columns] += 1)), message(`tensors.similarityIndptr[${matrix.columns}]`, '')],
    ['a NaN factor', edited(als, (c) => (tensor(c, 'itemFactors').data[2] = Number.NaN)), message('tensors.itemFactors[2]', 'a finite number. Received: NaN')],
    ['an unknown option', edited(als, (c) => (c.metadata.options.evil = 1)), message('metadata.options.evil', 'one of the saved options')],
    ['an id mapping of the wrong size', edited(als, (c) => c.metadata.users.ids.pop()), message('metadata.users.ids', `${matrix.rows} ids (one per row of matrixShape)`)],
    ['format 1 metadata in a container', edited(als, (c) => (c.metadata.version = 1)), message('metadata.format', "'loom-ml/recommenders' version 2")],
  ])('%s', (_, bytes, expected) => {
    expect(() => deserializeRecommender(bytes)).toThrow(RecommenderError);
    expect(() => deserializeRecommender(bytes)).toThrow(expected);
  });

  it('refuses changed, truncated or oversized bytes through the container checks', () => {
    const bytes = serializeRecommender(als, { users, items });
    const flipped = bytes.slice();
    flipped[flipped.length - 3]! ^= 0x10;
    expect(() => deserializeRecommender(flipped)).toThrow(ChecksumError);
    expect(() => deserializeRecommender(bytes.subarray(0, bytes.length - 8))).toThrow(InvalidFileError);
    expect(() => deserializeRecommender(bytes, { maxBytes: 100 })).toThrow(`more than the limit of 100 (raise maxBytes if you trust it)`);
    expect(() => deserializeRecommender(bytes, { maxHeaderBytes: 16 })).toThrow(/header, more than the limit of 16/);
  });

  it('keeps memory bounded on every refused container (RSS grows by less than 64 MB)', () => {
    const hostile = [
      edited(popularity, (c) => (c.metadata.matrixShape[1] = 2e9)),
      edited(knn, (c) => (c.metadata.matrixShape[1] = 3e8)),
      edited(knn, (c) => ((c.metadata.matrixShape[1] = 3e7), delete c.metadata.items)),
      edited(als, (c) => ((c.metadata.options.factors = 3e4), (c.metadata.matrixShape = [0, 0]), delete c.metadata.users, delete c.metadata.items)),
      edited(als, (c) => (c.metadata.options.factors = 2 ** 20)),
    ];
    const before = process.memoryUsage().rss;
    for (const bytes of hostile) expect(() => deserializeRecommender(bytes)).toThrow(RecommenderError);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });

  it('a seeded mutation run: every changed container loads or fails with a LoomError', () => {
    const rng = seededRandom(77);
    const tower = new TwoTower({ embeddingDimension: 3, batchSize: 8, epochs: 1, seed: 1 }).fit(matrix, { itemFeatures: Array.from({ length: matrix.columns }, (_, i) => [i % 2, 1]) });
    const models = [als, knn, popularity, tower];
    const numbers = [-1, 0, 1, 3, 2 ** 31, 2 ** 53, 1e308, 0.5, null, 'x'];
    for (let round = 0; round < 300; round++) {
      const model = models[round % models.length]!;
      let bytes: Uint8Array;
      if (round % 3 === 0) {
        // Raw bytes: the header or the payload (the checksum catches the payload).
        bytes = serializeRecommender(model, { users, items });
        bytes[Math.floor(rng() * bytes.length)] = Math.floor(rng() * 256);
      } else {
        bytes = edited(model, (c) => {
          const pick = rng();
          const value = numbers[Math.floor(rng() * numbers.length)];
          if (pick < 0.3) c.metadata.matrixShape[Math.floor(rng() * 2)] = value;
          else if (pick < 0.6) {
            const keys = Object.keys(c.metadata.options);
            if (keys.length > 0) c.metadata.options[keys[Math.floor(rng() * keys.length)]!] = value;
          } else {
            const t = c.tensors[Math.floor(rng() * c.tensors.length)];
            if (t.data.length > 0) t.data[Math.floor(rng() * t.data.length)] = typeof value === 'number' ? value : Number.NaN;
          }
        });
      }
      try {
        deserializeRecommender(bytes);
      } catch (error) {
        expect(LoomError.isInstance(error), String(error)).toBe(true);
      }
    }
  });
});
