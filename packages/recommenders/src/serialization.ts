import { CsrMatrix } from './csr-matrix.js';
import { invalidValue, RecommenderError } from './errors.js';
import { BprMf, type BprMfOptions } from './bpr-mf.js';
import { ExplicitMf, type ExplicitMfOptions } from './explicit-mf.js';
import { IdMapping, type IdMappingJson } from './id-mapping.js';
import { ImplicitAls, type ImplicitAlsOptions } from './implicit-als.js';
import { ItemKnnRecommender, type ItemKnnOptions } from './item-knn.js';
import { PopularityRecommender } from './popularity.js';
import { TwoTower, type TwoTowerOptions } from './two-tower.js';
import { WarpMf, type WarpMfOptions } from './warp-mf.js';

/** A model this package can save. */
export type SavableRecommender = PopularityRecommender | ItemKnnRecommender | ImplicitAls | ExplicitMf | BprMf | WarpMf | TwoTower;

const FORMAT = 'loom-ml/recommenders';
const VERSION = 1;

interface ArrayEntry {
  dtype: 'int32' | 'float32';
  byteOffset: number;
  length: number;
}

/** JSON half of a saved model; `arrays` locate typed arrays in the binary half. */
export interface SerializedRecommenderJson {
  format: typeof FORMAT;
  version: number;
  type: 'PopularityRecommender' | 'ItemKnnRecommender' | 'ImplicitAls' | 'ExplicitMf' | 'BprMf' | 'WarpMf' | 'TwoTower';
  options: Record<string, unknown>;
  /** Rows (users) and columns (items) of the training matrix. */
  matrixShape: [number, number];
  users?: IdMappingJson;
  items?: IdMappingJson;
  arrays: Record<string, ArrayEntry>;
}

/** A restored model and the id mappings saved with it, if any. */
export interface LoadedRecommender {
  model: SavableRecommender;
  users?: IdMapping;
  items?: IdMapping;
}

/**
 * Model as JSON plus one binary buffer (little-endian typed arrays, 4-byte aligned): the
 * training matrix, and for the factor models (ALS, explicit MF, BPR, WARP) the factors; for a
 * two-tower model its user and item embeddings and the weights of its item-feature path (so
 * `embedItemFeatures` works after loading). kNN and popularity are re-fitted from the saved
 * matrix on load (deterministic).
 *
 * @example
 * const { json, binary } = serializeRecommender(als, { users, items });
 * const { model } = deserializeRecommender(json, binary);
 */
export function serializeRecommender(
  model: SavableRecommender,
  mappings: { users?: IdMapping; items?: IdMapping } = {},
): { json: SerializedRecommenderJson; binary: Uint8Array } {
  const matrix = model.trainingMatrix;
  const arrays: Record<string, Int32Array | Float32Array> = {
    indptr: matrix.indptr,
    indices: matrix.indices,
    values: matrix.values,
  };
  let options: Record<string, unknown> = {};
  let type: SerializedRecommenderJson['type'];
  if (model instanceof ImplicitAls) {
    type = 'ImplicitAls';
    options = { ...model.options };
    arrays.userFactors = model.userFactors;
    arrays.itemFactors = model.itemFactors;
  } else if (model instanceof ExplicitMf) {
    type = 'ExplicitMf';
    options = { ...model.options, globalMean: model.globalMean };
    arrays.userFactors = model.userFactors;
    arrays.itemFactors = model.itemFactors;
  } else if (model instanceof BprMf || model instanceof WarpMf) {
    type = model instanceof BprMf ? 'BprMf' : 'WarpMf';
    options =
      model instanceof WarpMf
        ? { ...model.options, maxNegatives: model.maxNegatives, margin: model.margin }
        : { ...model.options, negativeCandidates: model.negativeCandidates };
    arrays.userFactors = model.userFactors;
    arrays.itemFactors = model.itemFactors;
    arrays.itemBias = model.itemBias;
  } else if (model instanceof TwoTower) {
    type = 'TwoTower';
    options = { ...model.options, featureDimension: model.featureDimension };
    arrays.userEmbeddings = model.userEmbeddings;
    arrays.itemEmbeddings = model.itemEmbeddings;
    model.featureTowerWeights.forEach((weights, k) => (arrays[`featureTower${k}`] = weights));
  } else if (model instanceof ItemKnnRecommender) {
    type = 'ItemKnnRecommender';
    options = { neighbours: model.neighbours, weighting: model.weighting, bm25: model.bm25 };
  } else if (model instanceof PopularityRecommender) {
    type = 'PopularityRecommender';
  } else {
    throw invalidValue('model', 'serializeRecommender', 'a PopularityRecommender, ItemKnnRecommender, ImplicitAls, ExplicitMf, BprMf, WarpMf or TwoTower', model);
  }
  const entries: Record<string, ArrayEntry> = {};
  let byteLength = 0;
  for (const [name, array] of Object.entries(arrays)) {
    entries[name] = { dtype: array instanceof Int32Array ? 'int32' : 'float32', byteOffset: byteLength, length: array.length };
    byteLength += array.length * 4;
  }
  const binary = new Uint8Array(byteLength);
  const view = new DataView(binary.buffer);
  for (const [name, array] of Object.entries(arrays)) {
    const { byteOffset } = entries[name]!;
    for (let i = 0; i < array.length; i++) {
      if (array instanceof Int32Array) view.setInt32(byteOffset + 4 * i, array[i]!, true);
      else view.setFloat32(byteOffset + 4 * i, array[i]!, true);
    }
  }
  const json: SerializedRecommenderJson = {
    format: FORMAT,
    version: VERSION,
    type,
    options,
    matrixShape: [matrix.rows, matrix.columns],
    arrays: entries,
  };
  if (mappings.users !== undefined) json.users = mappings.users.toJSON();
  if (mappings.items !== undefined) json.items = mappings.items.toJSON();
  return { json, binary };
}

/**
 * Inverse of {@link serializeRecommender}. Runs anywhere (no file system); in Node.js,
 * `loadRecommender` from `@loom-ml/recommenders/node` reads the files and calls it.
 *
 * @example
 * const { model, users, items } = deserializeRecommender(json, binary);
 */
export function deserializeRecommender(json: SerializedRecommenderJson, binary: Uint8Array): LoadedRecommender {
  if (json?.format !== FORMAT || json.version !== VERSION) {
    throw invalidValue('json.format', 'deserializeRecommender', `'${FORMAT}' version ${VERSION}`, `${json?.format} ${json?.version}`);
  }
  const view = new DataView(binary.buffer, binary.byteOffset, binary.byteLength);
  const read = (name: string): Int32Array | Float32Array => {
    const entry = json.arrays[name];
    if (entry === undefined || entry.byteOffset + entry.length * 4 > binary.byteLength) {
      throw invalidValue(`arrays.${name}`, 'deserializeRecommender', 'an array inside the binary buffer', entry);
    }
    if (entry.dtype === 'int32') return Int32Array.from({ length: entry.length }, (_, i) => view.getInt32(entry.byteOffset + 4 * i, true));
    return Float32Array.from({ length: entry.length }, (_, i) => view.getFloat32(entry.byteOffset + 4 * i, true));
  };
  const indptr = read('indptr') as Int32Array;
  const indices = read('indices') as Int32Array;
  const values = read('values') as Float32Array;
  const [rows, columns] = json.matrixShape;
  const matrix = new CsrMatrix(rows, columns, indptr, indices, values);
  let model: SavableRecommender;
  if (json.type === 'ImplicitAls') {
    model = new ImplicitAls(json.options as ImplicitAlsOptions).setState(
      matrix,
      read('userFactors') as Float32Array,
      read('itemFactors') as Float32Array,
    );
  } else if (json.type === 'ExplicitMf') {
    const { globalMean, ...options } = json.options as unknown as ExplicitMfOptions & { globalMean: number };
    model = new ExplicitMf(options).setState(matrix, read('userFactors') as Float32Array, read('itemFactors') as Float32Array, globalMean);
  } else if (json.type === 'BprMf' || json.type === 'WarpMf') {
    const factors = [read('userFactors'), read('itemFactors'), read('itemBias')] as [Float32Array, Float32Array, Float32Array];
    model =
      json.type === 'BprMf'
        ? new BprMf(json.options as BprMfOptions).setState(matrix, ...factors)
        : new WarpMf(json.options as WarpMfOptions).setState(matrix, ...factors);
  } else if (json.type === 'TwoTower') {
    const { featureDimension, ...options } = json.options as unknown as TwoTowerOptions & { featureDimension: number };
    const towerWeights = Object.keys(json.arrays)
      .filter((name) => /^featureTower\d+$/.test(name))
      .sort((a, b) => Number(a.slice(12)) - Number(b.slice(12)))
      .map((name) => read(name) as Float32Array);
    model = new TwoTower(options).setState(matrix, read('userEmbeddings') as Float32Array, read('itemEmbeddings') as Float32Array, featureDimension, towerWeights);
  } else if (json.type === 'ItemKnnRecommender') {
    model = new ItemKnnRecommender(json.options as ItemKnnOptions).fit(matrix);
  } else if (json.type === 'PopularityRecommender') {
    model = new PopularityRecommender().fit(matrix);
  } else {
    throw new RecommenderError(`Invalid value for \`json.type\` in deserializeRecommender. Expected a known model type. Received: '${String((json as { type: unknown }).type)}'.`);
  }
  const result: LoadedRecommender = { model };
  if (json.users !== undefined) result.users = IdMapping.fromJSON(json.users);
  if (json.items !== undefined) result.items = IdMapping.fromJSON(json.items);
  return result;
}
