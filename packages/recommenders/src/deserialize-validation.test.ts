import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RecommenderError } from './errors.js';
import { ItemKnnRecommender } from './item-knn.js';
import { seededRandom } from './rng.js';
import { deserializeRecommender, type SerializedRecommenderJson } from './serialization.js';

// Format 1 files as 0.1 wrote them (model.json + weights.bin; test/fixtures/format-1): the
// checks of the old format, which still loads. Format 2 (the container) has its own tests.
function formatOne(name: string): { json: SerializedRecommenderJson; binary: Uint8Array } {
  const folder = new URL(`../test/fixtures/format-1/${name}/`, import.meta.url);
  return { json: JSON.parse(readFileSync(new URL('model.json', folder), 'utf8')), binary: new Uint8Array(readFileSync(new URL('weights.bin', folder))) };
}
const saved = formatOne('als');
const knnSaved = formatOne('item-knn');
const popularitySaved = formatOne('popularity');
const matrix = deserializeRecommender(saved.json, saved.binary).model.trainingMatrix;
const factors = 4;

/** A deep copy of a saved ALS model with `edit` applied to its JSON (and optionally its bytes). */
function mutated(edit: (json: Record<string, any>, binary: Uint8Array) => void, from = saved): [SerializedRecommenderJson, Uint8Array] {
  const json = JSON.parse(JSON.stringify(from.json));
  const binary = from.binary.slice();
  edit(json, binary);
  return [json, binary];
}

function setFloat(binary: Uint8Array, byteOffset: number, value: number): void {
  new DataView(binary.buffer).setFloat32(byteOffset, value, true);
}
function setInt(binary: Uint8Array, byteOffset: number, value: number): void {
  new DataView(binary.buffer).setInt32(byteOffset, value, true);
}

const message = (name: string, expected: string) => `Invalid value for \`${name}\` in deserializeRecommender. Expected ${expected}`;

describe('deserializeRecommender refuses format 1 files that do not match what they declare, before allocating', () => {
  const { arrays } = saved.json;
  it.each<[string, [SerializedRecommenderJson, Uint8Array], string]>([
    ['2e9 columns', mutated((j) => (j.matrixShape = [j.matrixShape[0], 2e9]), popularitySaved), message('json.matrixShape[1]', 'an integer from 0 to 134217728 (maxElements = 134217728)')],
    ['an item-kNN file with 3e8 columns', mutated((j) => (j.matrixShape = [j.matrixShape[0], 3e8]), knnSaved), message('json.matrixShape[1]', 'an integer from 0 to 134217728')],
    ['a negative or fractional shape', mutated((j) => (j.matrixShape = [-1, 10])), message('json.matrixShape[0]', 'an integer from 0')],
    ['a shape that is not [rows, columns]', mutated((j) => (j.matrixShape = { 0: 1, 1: 2 })), message('json.matrixShape', '[rows, columns]')],
    ['an array past the end of the buffer', mutated((j) => (j.arrays.itemFactors.byteOffset += 4096)), message('json.arrays.itemFactors.byteOffset', `${arrays.itemFactors!.byteOffset} (arrays lie back to back`)],
    ['overlapping arrays', mutated((j) => (j.arrays.values.byteOffset = j.arrays.indices.byteOffset)), 'arrays lie back to back in the binary part, without gaps or overlaps'],
    ['a misaligned offset', mutated((j) => (j.arrays.values.byteOffset += 2)), message('json.arrays.values.byteOffset', 'a non-negative multiple of 4')],
    ['trailing bytes', [saved.json, new Uint8Array([...saved.binary, 0, 0, 0, 0])], message('binary', `${saved.binary.byteLength} bytes (the arrays' total)`)],
    ['a factor array of the wrong length', mutated((j) => (j.arrays.userFactors.length -= 3)), message('json.arrays.userFactors.length', `${matrix.rows * factors} (from matrixShape`)],
    ['more columns than the factors hold', mutated((j) => ((j.matrixShape = [j.matrixShape[0], j.matrixShape[1] + 1]), delete j.items)), message('json.arrays.itemFactors.length', `${(matrix.columns + 1) * factors} (from matrixShape`)],
    ['a wrong dtype', mutated((j) => (j.arrays.indptr.dtype = 'float32')), message('json.arrays.indptr.dtype', "'int32'")],
    ['a missing array', mutated((j) => delete j.arrays.itemFactors), message('json.arrays.itemFactors', "an entry { dtype: 'float32'")],
    ['an unknown array', mutated((j) => (j.arrays.extra = { dtype: 'int32', byteOffset: 0, length: 0 })), message('json.arrays.extra', 'no array of that name in a ImplicitAls')],
    ['indptr that decreases', mutated((j, b) => setInt(b, j.arrays.indptr.byteOffset + 8, -1)), message('json.arrays.indptr[2]', 'a value from json.arrays.indptr[1]')],
    ['a column index out of range', mutated((j, b) => setInt(b, j.arrays.indices.byteOffset, 99)), message('json.arrays.indices[0]', `a column in (-1, ${matrix.columns})`)],
    ['a repeated column within a row', mutated((j, b) => setInt(b, j.arrays.indices.byteOffset + 4, matrix.indices[0]!)), message('json.arrays.indices[1]', 'a column in')],
    ['a NaN factor', mutated((j, b) => setFloat(b, j.arrays.itemFactors.byteOffset + 8, Number.NaN)), message('json.arrays.itemFactors[2]', 'a finite number. Received: NaN')],
    ['an infinite value', mutated((j, b) => setFloat(b, j.arrays.values.byteOffset, Number.POSITIVE_INFINITY)), message('json.arrays.values[0]', 'a finite number. Received: Infinity')],
    ['an unknown option', mutated((j) => (j.options.onEpoch = 'x')), message('json.options.onEpoch', 'one of the saved options')],
    ['an option that is an object', mutated((j) => (j.options.factors = { a: { b: 1 } })), message('json.options.factors', 'a finite number, a string, a boolean')],
    ['an option the model refuses', mutated((j) => (j.options.factors = 0)), 'Invalid value for `factors` in ImplicitAls. Expected a positive integer. Received: 0.'],
    ['factors too many to solve for', mutated((j) => ((j.options.factors = 1e5), (j.matrixShape = [0, 0]))), message('json', 'a model of at most maxElements = 134217728 numbers once loaded')],
    ['an id mapping of the wrong size', mutated((j) => j.users.ids.pop()), message('json.users.ids', `${matrix.rows} ids (one per row of matrixShape)`)],
    ['repeated ids', mutated((j) => (j.items.ids[1] = j.items.ids[0])), 'In json.items of deserializeRecommender: Invalid value for `json.ids` in IdMapping.fromJSON. Expected distinct ids'],
    ['an unknown model type', mutated((j) => (j.type = 'Evil')), message('json.type', 'one of PopularityRecommender')],
    ['another format', mutated((j) => (j.format = 'x')), message('json.format', "'loom-ml/recommenders' version 1 (or a format 2 container)")],
  ])('%s', (_, [json, binary], expected) => {
    expect(() => deserializeRecommender(json, binary)).toThrow(RecommenderError);
    expect(() => deserializeRecommender(json, binary)).toThrow(expected);
  });

  it('applies maxBytes and maxElements, and names them', () => {
    expect(() => deserializeRecommender(saved.json, saved.binary, { maxBytes: 16 })).toThrow(
      message('binary', `at most maxBytes = 16 bytes (raise maxBytes if you trust the model). Received: '${saved.binary.byteLength} bytes'.`),
    );
    const justEnoughForTheMatrix = matrix.nnz + 1;
    expect(() => deserializeRecommender(saved.json, saved.binary, { maxElements: justEnoughForTheMatrix })).toThrow(
      message('json', `a model of at most maxElements = ${justEnoughForTheMatrix} numbers once loaded`),
    );
    expect(() => deserializeRecommender(saved.json, saved.binary, { maxElements: 0 })).toThrow(message('maxElements', 'a positive integer'));
    // An item-kNN model with many items but no interactions: within the dimension limit, over the budget of what loading derives.
    const [json, binary] = mutated((j) => (j.matrixShape = [j.matrixShape[0], 3e7]), knnSaved);
    expect(() => deserializeRecommender(json, binary)).toThrow(message('json', 'a model of at most maxElements = 134217728 numbers once loaded'));
    // Raising the limits loads what the defaults refuse.
    expect(deserializeRecommender(saved.json, saved.binary, { maxElements: 1000 }).model.itemCount).toBe(matrix.columns);
  });

  it('refuses a format 1 item-kNN matrix whose re-fit would be too slow (one user with 400 items: 160,000 triples)', () => {
    // Written by hand in format 1: 1 user × 400 items, all stored.
    const items = 400;
    const binary = new Uint8Array(4 * (2 + 2 * items));
    const view = new DataView(binary.buffer);
    view.setInt32(4, items, true);
    for (let i = 0; i < items; i++) {
      view.setInt32(8 + 4 * i, i, true);
      view.setFloat32(8 + 4 * items + 4 * i, 1, true);
    }
    const json = {
      format: 'loom-ml/recommenders',
      version: 1,
      type: 'ItemKnnRecommender',
      options: { neighbours: 2, weighting: 'cosine', bm25: { k1: 1.2, b: 0.75 } },
      matrixShape: [1, items],
      arrays: { indptr: { dtype: 'int32', byteOffset: 0, length: 2 }, indices: { dtype: 'int32', byteOffset: 8, length: items }, values: { dtype: 'float32', byteOffset: 8 + 4 * items, length: items } },
    } as SerializedRecommenderJson;
    expect(() => deserializeRecommender(json, binary, { maxElements: 30_000 })).toThrow(
      message('json.arrays.indptr', 'a matrix whose item-kNN re-fit visits at most 4 · maxElements = 120000 entries'),
    );
    expect(deserializeRecommender(json, binary, { maxElements: 40_000 }).model.itemCount).toBe(items);
  });

  it('loads a kNN model that asks for a billion neighbours without a billion-slot heap', () => {
    const [json, binary] = mutated((j) => (j.options.neighbours = 1e9), knnSaved);
    const loaded = deserializeRecommender(json, binary).model as ItemKnnRecommender;
    expect(loaded.recommend(0, 5)).toEqual(new ItemKnnRecommender({ neighbours: 1e9, weighting: 'bm25' }).fit(matrix).recommend(0, 5));
  });

  it('keeps memory bounded on every refused file (RSS grows by less than 64 MB)', () => {
    const hostile = [
      mutated((j) => (j.matrixShape = [j.matrixShape[0], 2e9]), popularitySaved),
      mutated((j) => (j.matrixShape = [j.matrixShape[0], 3e8]), knnSaved),
      mutated((j) => (j.matrixShape = [j.matrixShape[0], 3e7]), knnSaved),
      mutated((j) => ((j.options.factors = 3e4), (j.matrixShape = [0, 0]))),
      mutated((j) => ((j.arrays.indices.length = 1e9), (j.arrays.values.length = 1e9))),
      mutated((j) => (j.arrays.userFactors.length = 2 ** 31)),
      mutated((j) => (j.options = { ...j.options, factors: 2 ** 20 })),
    ];
    const before = process.memoryUsage().rss;
    for (const [json, binary] of hostile) expect(() => deserializeRecommender(json, binary)).toThrow(RecommenderError);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });

  it('a seeded mutation run: every mutated file loads or fails with a RecommenderError', () => {
    const rng = seededRandom(2024);
    const sources = [saved, knnSaved, formatOne('bpr'), formatOne('two-tower')];
    const numbers = [-1, 0, 1, 3, 2 ** 31, 2 ** 53, 1e308, Number.NaN, 0.5, -0];
    for (let round = 0; round < 400; round++) {
      const source = sources[round % sources.length]!;
      const [json, binary] = mutated((j, b) => {
        const pick = rng();
        if (pick < 0.4) {
          // A byte of the binary part.
          b[Math.floor(rng() * b.length)] = Math.floor(rng() * 256);
        } else if (pick < 0.7) {
          const names = Object.keys(j.arrays);
          const entry = j.arrays[names[Math.floor(rng() * names.length)]!];
          const field = ['byteOffset', 'length', 'dtype'][Math.floor(rng() * 3)]!;
          entry[field] = field === 'dtype' ? ['int32', 'float32', 'float64', null][Math.floor(rng() * 4)] : numbers[Math.floor(rng() * numbers.length)];
        } else if (pick < 0.85) {
          j.matrixShape[Math.floor(rng() * 2)] = numbers[Math.floor(rng() * numbers.length)];
        } else {
          const keys = Object.keys(j.options);
          if (keys.length > 0) j.options[keys[Math.floor(rng() * keys.length)]!] = numbers[Math.floor(rng() * numbers.length)];
        }
      }, source);
      try {
        deserializeRecommender(json, binary);
      } catch (error) {
        expect(RecommenderError.isInstance(error), String(error)).toBe(true);
      }
    }
  });
});
