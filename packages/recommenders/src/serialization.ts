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
  for (const [field, mapping, size, what] of [['users', mappings.users, matrix.rows, 'row'], ['items', mappings.items, matrix.columns, 'column']] as const) {
    if (mapping !== undefined && mapping.size !== size) {
      throw invalidValue(`mappings.${field}`, 'serializeRecommender', `${size} ids (one per ${what} of the training matrix)`, `${mapping.size} ids`);
    }
  }
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

/** Limits of {@link deserializeRecommender} (and `loadRecommender`). */
export interface DeserializeRecommenderOptions {
  /** Refuse a binary part longer than this many bytes. Default 512 MiB (2^29). */
  maxBytes?: number;
  /**
   * Refuse a model that would hold more numbers than this once loaded: the saved arrays, the id
   * mappings, and what loading derives from them (an item-kNN model's similarity lists, a
   * popularity model's counts); also the largest matrix dimension accepted, since scoring
   * allocates one number per item. A float64 counts as two. Default 2^27 (134,217,728 numbers:
   * 512 MiB of float32), which holds, for example, ALS with 64 factors on MovieLens-25M.
   */
  maxElements?: number;
}

/** Default of `maxBytes`: 512 MiB. */
export const DEFAULT_MAX_MODEL_BYTES = 2 ** 29;
/** Default of `maxElements`: 2^27 numbers (512 MiB of float32). */
export const DEFAULT_MAX_MODEL_ELEMENTS = 2 ** 27;
/** Indices are int32. */
const MAX_DIMENSION = 2 ** 31 - 2;
const MODEL_TYPES: readonly SerializedRecommenderJson['type'][] = ['PopularityRecommender', 'ItemKnnRecommender', 'ImplicitAls', 'ExplicitMf', 'BprMf', 'WarpMf', 'TwoTower'];
const WHERE = 'deserializeRecommender';
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Dtype = ArrayEntry['dtype'];
type Record_ = Record<string, unknown>;

function isRecord(value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(record: Record_, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function limitOption(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw invalidValue(name, WHERE, 'a positive integer', value);
  return value;
}

/** Options as saved: plain JSON values only, and only the keys this model type saves. */
function savedOptions(record: Record_, allowed: readonly string[]): Record_ {
  const options = own(record, 'options');
  if (!isRecord(options)) throw invalidValue('json.options', WHERE, 'an object', options ?? null);
  const out: Record_ = {};
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw invalidValue(`json.options.${key}`, WHERE, `one of the saved options (${allowed.join(', ')})`, 'an unknown option');
    const value = options[key];
    const plain = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean';
    const ok = plain(value) || (Array.isArray(value) && value.length <= 64 && value.every(plain)) || (isRecord(value) && Object.values(value).length <= 8 && Object.values(value).every(plain));
    if (!ok) throw invalidValue(`json.options.${key}`, WHERE, 'a finite number, a string, a boolean or a short list of them', value);
    out[key] = value;
  }
  return out;
}

/** The model with its options checked (constructors validate them and allocate nothing). */
function constructModel(type: SerializedRecommenderJson['type'], record: Record_): { model: SavableRecommender; extra: Record_ } {
  const keys = (instance: { options: object }, ...extra: string[]) => [...Object.keys(instance.options), ...extra];
  switch (type) {
    case 'ImplicitAls': {
      const options = savedOptions(record, keys(new ImplicitAls()));
      return { model: new ImplicitAls(options as ImplicitAlsOptions), extra: {} };
    }
    case 'ExplicitMf': {
      const { globalMean, ...options } = savedOptions(record, keys(new ExplicitMf(), 'globalMean'));
      if (typeof globalMean !== 'number') throw invalidValue('json.options.globalMean', WHERE, 'a finite number', globalMean ?? null);
      return { model: new ExplicitMf(options as ExplicitMfOptions), extra: { globalMean } };
    }
    case 'BprMf':
      return { model: new BprMf(savedOptions(record, keys(new BprMf(), 'negativeCandidates')) as BprMfOptions), extra: {} };
    case 'WarpMf':
      return { model: new WarpMf(savedOptions(record, keys(new WarpMf(), 'maxNegatives', 'margin')) as WarpMfOptions), extra: {} };
    case 'TwoTower': {
      const { featureDimension, ...options } = savedOptions(record, keys(new TwoTower(), 'featureDimension'));
      if (!(Number.isSafeInteger(featureDimension) && (featureDimension as number) >= 0)) {
        throw invalidValue('json.options.featureDimension', WHERE, 'a non-negative integer', featureDimension ?? null);
      }
      return { model: new TwoTower(options as TwoTowerOptions), extra: { featureDimension } };
    }
    case 'ItemKnnRecommender': {
      const options = savedOptions(record, ['neighbours', 'weighting', 'bm25']);
      const bm25 = options.bm25;
      if (bm25 !== undefined) {
        const ok = isRecord(bm25) && Object.keys(bm25).every((key) => key === 'k1' || key === 'b') && Number.isFinite(bm25.k1) && (bm25.k1 as number) >= 0 && Number.isFinite(bm25.b) && (bm25.b as number) >= 0 && (bm25.b as number) <= 1;
        if (!ok) throw invalidValue('json.options.bm25', WHERE, '{ k1: a number >= 0, b: a number in [0, 1] }', bm25);
      }
      return { model: new ItemKnnRecommender(options as ItemKnnOptions), extra: {} };
    }
    case 'PopularityRecommender':
      savedOptions(record, []);
      return { model: new PopularityRecommender(), extra: {} };
  }
}

/** Lengths of the feature tower's arrays, in saving order (projection kernel and bias, then the head's). */
function featureTowerLengths(featureDimension: number, hiddenUnits: readonly number[], d: number): number[] {
  if (featureDimension === 0) return [];
  const lengths = [featureDimension * d, d];
  if (hiddenUnits.length > 0) {
    let inputs = d;
    for (const units of [...hiddenUnits, d]) {
      lengths.push(inputs * units, units);
      inputs = units;
    }
  }
  return lengths;
}

function readArray(binary: Uint8Array, dtype: Dtype, byteOffset: number, length: number): Int32Array | Float32Array {
  const start = binary.byteOffset + byteOffset;
  if (LITTLE_ENDIAN) {
    const copy = binary.buffer.slice(start, start + 4 * length) as ArrayBuffer;
    return dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
  }
  const view = new DataView(binary.buffer, binary.byteOffset, binary.byteLength);
  const out = dtype === 'int32' ? new Int32Array(length) : new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = dtype === 'int32' ? view.getInt32(byteOffset + 4 * i, true) : view.getFloat32(byteOffset + 4 * i, true);
  return out;
}

function checkFinite(name: string, array: Float32Array): void {
  for (let i = 0; i < array.length; i++) {
    if (!Number.isFinite(array[i]!)) throw invalidValue(`json.arrays.${name}[${i}]`, WHERE, 'a finite number', array[i]);
  }
}

/** CSR structure: indptr starts at 0, never decreases and ends at nnz; columns in range and increasing within each row. */
function checkCsr(rows: number, columns: number, indptr: Int32Array, indices: Int32Array): void {
  if (indptr[0] !== 0) throw invalidValue('json.arrays.indptr[0]', WHERE, '0', indptr[0]);
  for (let r = 0; r < rows; r++) {
    const start = indptr[r]!;
    const end = indptr[r + 1]!;
    if (end < start || end > indices.length) throw invalidValue(`json.arrays.indptr[${r + 1}]`, WHERE, `a value from indptr[${r}] (${start}) to nnz (${indices.length})`, end);
    let previous = -1;
    for (let k = start; k < end; k++) {
      const column = indices[k]!;
      if (column <= previous || column >= columns) {
        throw invalidValue(`json.arrays.indices[${k}]`, WHERE, `a column in (${previous}, ${columns}) (increasing within row ${r})`, column);
      }
      previous = column;
    }
  }
  if (indptr[rows] !== indices.length) throw invalidValue(`json.arrays.indptr[${rows}]`, WHERE, `nnz (${indices.length})`, indptr[rows]);
}

/** The id mapping saved for `rows` users (or `columns` items), checked before it is built. */
function savedMapping(record: Record_, field: 'users' | 'items', size: number): IdMapping | undefined {
  const json = own(record, field);
  if (json === undefined) return undefined;
  const ids = isRecord(json) ? own(json, 'ids') : undefined;
  if (!Array.isArray(ids)) throw invalidValue(`json.${field}`, WHERE, 'an object { ids: (string | number)[] }', json);
  if (ids.length !== size) {
    throw invalidValue(`json.${field}.ids`, WHERE, `${size} ids (one per ${field === 'users' ? 'row' : 'column'} of matrixShape)`, `${ids.length} ids`);
  }
  try {
    return IdMapping.fromJSON({ ids });
  } catch (error) {
    if (RecommenderError.isInstance(error)) throw new RecommenderError(`In json.${field} of ${WHERE}: ${error.message}`);
    throw error;
  }
}

/** Σ_u n_u²: the (user, item, item) triples re-fitting item-kNN visits. */
function knnRefitWork(indptr: Int32Array): number {
  let work = 0;
  for (let r = 0; r + 1 < indptr.length; r++) work += (indptr[r + 1]! - indptr[r]!) ** 2;
  return work;
}

/**
 * Inverse of {@link serializeRecommender}. Runs anywhere (no file system); in Node.js,
 * `loadRecommender` from `@loom-ml/recommenders/node` reads the files and calls it.
 *
 * Nothing in `json` is trusted: before a single array is allocated it checks the format, the
 * model type and its options, `matrixShape`, that every array the model needs is present with
 * the right dtype and the length its shape implies (no other arrays), that the arrays lie
 * inside `binary`, 4-byte aligned, back to back and covering it exactly, that the id mappings
 * have one id per row / column, and that the whole model stays within `maxBytes` and
 * `maxElements`. Then it checks what it read: the matrix structure (indptr from 0, never
 * decreasing, to nnz; column indices in range and increasing within each row), and finite
 * values, factors and weights. Every failure is a `RecommenderError` naming the field.
 *
 * @example
 * const { model, users, items } = deserializeRecommender(json, binary, { maxBytes: 64 * 2 ** 20 });
 */
export function deserializeRecommender(json: SerializedRecommenderJson, binary: Uint8Array, options: DeserializeRecommenderOptions = {}): LoadedRecommender {
  const maxBytes = limitOption(options.maxBytes, 'maxBytes', DEFAULT_MAX_MODEL_BYTES);
  const maxElements = limitOption(options.maxElements, 'maxElements', DEFAULT_MAX_MODEL_ELEMENTS);
  const record: Record_ = isRecord(json) ? json : {};
  if (own(record, 'format') !== FORMAT || own(record, 'version') !== VERSION) {
    throw invalidValue('json.format', WHERE, `'${FORMAT}' version ${VERSION}`, `${String(own(record, 'format'))} ${String(own(record, 'version'))}`);
  }
  if (!(binary instanceof Uint8Array)) throw invalidValue('binary', WHERE, 'a Uint8Array', binary === null ? null : typeof binary);
  if (binary.byteLength > maxBytes) {
    throw invalidValue('binary', WHERE, `at most maxBytes = ${maxBytes} bytes (raise maxBytes if you trust the model)`, `${binary.byteLength} bytes`);
  }
  const type = own(record, 'type');
  if (!MODEL_TYPES.includes(type as SerializedRecommenderJson['type'])) {
    throw invalidValue('json.type', WHERE, `one of ${MODEL_TYPES.join(', ')}`, type ?? null);
  }
  const modelType = type as SerializedRecommenderJson['type'];

  const shape = own(record, 'matrixShape');
  if (!Array.isArray(shape) || shape.length !== 2) throw invalidValue('json.matrixShape', WHERE, '[rows, columns]', shape ?? null);
  const dimensionLimit = Math.min(maxElements, MAX_DIMENSION);
  shape.forEach((value: unknown, axis) => {
    if (!(Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= dimensionLimit)) {
      throw invalidValue(`json.matrixShape[${axis}]`, WHERE, `an integer from 0 to ${dimensionLimit} (maxElements = ${maxElements})`, value);
    }
  });
  const [rows, columns] = shape as [number, number];

  const { model, extra } = constructModel(modelType, record);

  // Every array this model needs, with its dtype and the length its shape implies.
  const arrays = own(record, 'arrays');
  if (!isRecord(arrays)) throw invalidValue('json.arrays', WHERE, 'an object of { dtype, byteOffset, length } entries', arrays ?? null);
  const indicesEntry = own(arrays, 'indices');
  const nnz = isRecord(indicesEntry) ? own(indicesEntry, 'length') : undefined;
  if (!(Number.isSafeInteger(nnz) && (nnz as number) >= 0 && (nnz as number) <= dimensionLimit)) {
    throw invalidValue('json.arrays.indices.length', WHERE, `an integer from 0 to ${dimensionLimit}`, nnz ?? null);
  }
  const expected = new Map<string, { dtype: Dtype; length: number }>([
    ['indptr', { dtype: 'int32', length: rows + 1 }],
    ['indices', { dtype: 'int32', length: nnz as number }],
    ['values', { dtype: 'float32', length: nnz as number }],
  ]);
  const factors = (f: number, bias: boolean) => {
    expected.set('userFactors', { dtype: 'float32', length: rows * f });
    expected.set('itemFactors', { dtype: 'float32', length: columns * f });
    if (bias) expected.set('itemBias', { dtype: 'float32', length: columns });
  };
  if (model instanceof ImplicitAls || model instanceof ExplicitMf) factors(model.options.factors, false);
  else if (model instanceof BprMf || model instanceof WarpMf) factors(model.options.factors, true);
  else if (model instanceof TwoTower) {
    const d = model.options.embeddingDimension;
    expected.set('userEmbeddings', { dtype: 'float32', length: rows * d });
    expected.set('itemEmbeddings', { dtype: 'float32', length: columns * d });
    featureTowerLengths(extra.featureDimension as number, model.options.hiddenUnits, d).forEach((length, k) => expected.set(`featureTower${k}`, { dtype: 'float32', length }));
  }

  // What loading derives beyond the saved arrays.
  let derived = 0;
  if (model instanceof PopularityRecommender) derived = 2 * columns;
  // A new user's vector is solved from an f × f float64 system (ALS, explicit MF).
  else if (model instanceof ImplicitAls || model instanceof ExplicitMf) derived = 2 * model.options.factors ** 2;
  else if (model instanceof ItemKnnRecommender) {
    // Two weighted copies of the matrix and a transpose, float64 accumulators, and up to
    // `neighbours` kept similarities (row, column, value as JS numbers) per item with users.
    const kept = Math.min(model.neighbours, columns) * Math.min(columns, nnz as number);
    derived = 3 * (columns + rows + 2 + 2 * (nnz as number)) + 4 * columns + 2 * rows + 6 * kept;
  }
  const ids = (field: string) => {
    const mapping = own(record, field);
    const list = isRecord(mapping) ? own(mapping, 'ids') : undefined;
    return Array.isArray(list) ? list.length : 0;
  };
  let total = derived + ids('users') + ids('items');
  for (const { length } of expected.values()) total += length;
  if (total > maxElements) {
    throw invalidValue('json', WHERE, `a model of at most maxElements = ${maxElements} numbers once loaded (raise maxElements if you trust it)`, `about ${total} numbers (${modelType}, matrixShape [${rows}, ${columns}], nnz ${nnz})`);
  }

  // The saved array entries: exactly the expected names, dtypes and lengths, back to back in `binary`.
  for (const name of Object.keys(arrays)) {
    if (!expected.has(name)) throw invalidValue(`json.arrays.${name}`, WHERE, `no array of that name in a ${modelType} (expected ${[...expected.keys()].join(', ')})`, 'an array');
  }
  const ranges: { name: string; byteOffset: number; length: number; dtype: Dtype }[] = [];
  for (const [name, spec] of expected) {
    const entry = own(arrays, name);
    if (!isRecord(entry)) throw invalidValue(`json.arrays.${name}`, WHERE, `an entry { dtype: '${spec.dtype}', byteOffset, length: ${spec.length} }`, entry ?? 'missing');
    if (own(entry, 'dtype') !== spec.dtype) throw invalidValue(`json.arrays.${name}.dtype`, WHERE, `'${spec.dtype}'`, own(entry, 'dtype') ?? null);
    if (own(entry, 'length') !== spec.length) throw invalidValue(`json.arrays.${name}.length`, WHERE, `${spec.length} (from matrixShape [${rows}, ${columns}] and the options)`, own(entry, 'length') ?? null);
    const byteOffset = own(entry, 'byteOffset');
    if (!(Number.isSafeInteger(byteOffset) && (byteOffset as number) >= 0 && (byteOffset as number) % 4 === 0)) {
      throw invalidValue(`json.arrays.${name}.byteOffset`, WHERE, 'a non-negative multiple of 4', byteOffset ?? null);
    }
    ranges.push({ name, byteOffset: byteOffset as number, length: spec.length, dtype: spec.dtype });
  }
  ranges.sort((a, b) => a.byteOffset - b.byteOffset || a.length - b.length);
  let end = 0;
  for (const range of ranges) {
    if (range.byteOffset !== end) {
      throw invalidValue(`json.arrays.${range.name}.byteOffset`, WHERE, `${end} (arrays lie back to back in the binary part, without gaps or overlaps)`, range.byteOffset);
    }
    end += 4 * range.length;
    if (end > binary.byteLength) {
      throw invalidValue(`json.arrays.${range.name}`, WHERE, `bytes inside the binary part (${binary.byteLength} bytes)`, `bytes ${range.byteOffset} to ${end}`);
    }
  }
  if (end !== binary.byteLength) throw invalidValue('binary', WHERE, `${end} bytes (the arrays' total)`, `${binary.byteLength} bytes`);
  const users = savedMapping(record, 'users', rows);
  const items = savedMapping(record, 'items', columns);

  // Read and check the contents.
  const read = new Map(ranges.map((range) => [range.name, readArray(binary, range.dtype, range.byteOffset, range.length)]));
  const float = (name: string) => read.get(name) as Float32Array;
  const indptr = read.get('indptr') as Int32Array;
  const indices = read.get('indices') as Int32Array;
  checkCsr(rows, columns, indptr, indices);
  for (const range of ranges) if (range.dtype === 'float32') checkFinite(range.name, float(range.name));
  const matrix = new CsrMatrix(rows, columns, indptr, indices, float('values'));

  if (model instanceof ImplicitAls) model.setState(matrix, float('userFactors'), float('itemFactors'));
  else if (model instanceof ExplicitMf) model.setState(matrix, float('userFactors'), float('itemFactors'), extra.globalMean as number);
  else if (model instanceof BprMf || model instanceof WarpMf) model.setState(matrix, float('userFactors'), float('itemFactors'), float('itemBias'));
  else if (model instanceof TwoTower) {
    const towerWeights = ranges.filter((r) => r.name.startsWith('featureTower')).sort((a, b) => Number(a.name.slice(12)) - Number(b.name.slice(12))).map((r) => float(r.name));
    model.setState(matrix, float('userEmbeddings'), float('itemEmbeddings'), extra.featureDimension as number, towerWeights);
  } else if (model instanceof ItemKnnRecommender) {
    // Format 1 saves no similarities: re-fitting visits Σ_u n_u² (user, item, item) triples.
    const work = knnRefitWork(indptr);
    if (work > 4 * maxElements) {
      throw invalidValue('json.arrays.indptr', WHERE, `a matrix whose item-kNN re-fit visits at most 4 · maxElements = ${4 * maxElements} entries (raise maxElements if you trust it)`, `${work} (Σ over users of their item count squared)`);
    }
    model.fit(matrix);
  } else model.fit(matrix);
  const result: LoadedRecommender = { model };
  if (users !== undefined) result.users = users;
  if (items !== undefined) result.items = items;
  return result;
}
