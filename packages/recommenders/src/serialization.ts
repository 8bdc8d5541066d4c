import { decodeContainer, encodeContainer, isContainer, type Container, type ContainerContents, type ContainerTensorInput } from '@loom-ml/core';
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

type ModelType = 'PopularityRecommender' | 'ItemKnnRecommender' | 'ImplicitAls' | 'ExplicitMf' | 'BprMf' | 'WarpMf' | 'TwoTower';

const FORMAT = 'loom-ml/recommenders';
/** Format 2: one Loom container (metadata + named tensors + SHA-256). Format 1: JSON + binary. */
const VERSION = 2;

interface ArrayEntry {
  dtype: 'int32' | 'float32';
  byteOffset: number;
  length: number;
}

/**
 * The JSON half of a model saved by version 0.1 (format 1: `model.json` beside `weights.bin`);
 * `arrays` locate typed arrays in the binary half. `deserializeRecommender(json, binary)` and
 * `loadRecommender` still read it.
 */
export interface SerializedRecommenderJson {
  format: typeof FORMAT;
  version: number;
  type: ModelType;
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

/** Limits of {@link deserializeRecommender} (and `loadRecommender`). */
export interface DeserializeRecommenderOptions {
  /** Refuse saved bytes (a `.loom` file, or a folder's `weights.bin`) longer than this. Default 512 MiB (2^29). */
  maxBytes?: number;
  /** Refuse a header (the container's JSON, or a folder's `model.json`) longer than this many bytes. Default 64 MiB. */
  maxHeaderBytes?: number;
  /**
   * Refuse a model that would hold more numbers than this once loaded: the saved arrays, the id
   * mappings, and what loading derives from them (an item-kNN model's weighted matrices, a
   * popularity model's counts, ALS's f × f solve); also the largest matrix dimension accepted,
   * since scoring allocates one number per item. A float64 counts as two. Default 2^27
   * (134,217,728 numbers: 512 MiB of float32), which holds, for example, ALS with 64 factors on
   * MovieLens-25M.
   */
  maxElements?: number;
}

/** Default of `maxBytes`: 512 MiB. */
export const DEFAULT_MAX_MODEL_BYTES = 2 ** 29;
/** Default of `maxHeaderBytes`: 64 MiB. */
export const DEFAULT_MAX_HEADER_BYTES = 64 * 2 ** 20;
/** Default of `maxElements`: 2^27 numbers (512 MiB of float32). */
export const DEFAULT_MAX_MODEL_ELEMENTS = 2 ** 27;
/** Indices are int32. */
const MAX_DIMENSION = 2 ** 31 - 2;
const MODEL_TYPES: readonly ModelType[] = ['PopularityRecommender', 'ItemKnnRecommender', 'ImplicitAls', 'ExplicitMf', 'BprMf', 'WarpMf', 'TwoTower'];
const WHERE = 'deserializeRecommender';
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Dtype = ArrayEntry['dtype'];
type Record_ = Record<string, unknown>;
type Mappings = { users?: IdMapping; items?: IdMapping };

/**
 * The model's parts: its type and options, the training matrix, and the arrays that hold what it
 * learned (factors, embeddings, a two-tower model's feature path, item-kNN's kept similarities).
 */
function modelParts(model: SavableRecommender, mappings: Mappings): { metadata: Record_; arrays: [string, Int32Array | Float32Array, number[]][] } {
  const matrix = model.trainingMatrix;
  for (const [field, mapping, size, what] of [['users', mappings.users, matrix.rows, 'row'], ['items', mappings.items, matrix.columns, 'column']] as const) {
    if (mapping !== undefined && mapping.size !== size) {
      throw invalidValue(`mappings.${field}`, 'serializeRecommender', `${size} ids (one per ${what} of the training matrix)`, `${mapping.size} ids`);
    }
  }
  const { rows, columns } = matrix;
  const arrays: [string, Int32Array | Float32Array, number[]][] = [
    ['indptr', matrix.indptr, [rows + 1]],
    ['indices', matrix.indices, [matrix.nnz]],
    ['values', matrix.values, [matrix.nnz]],
  ];
  let options: Record_ = {};
  let type: ModelType;
  if (model instanceof ImplicitAls || model instanceof ExplicitMf) {
    type = model instanceof ImplicitAls ? 'ImplicitAls' : 'ExplicitMf';
    options = model instanceof ExplicitMf ? { ...model.options, globalMean: model.globalMean } : { ...model.options };
    const f = model.options.factors;
    arrays.push(['userFactors', model.userFactors, [rows, f]], ['itemFactors', model.itemFactors, [columns, f]]);
  } else if (model instanceof BprMf || model instanceof WarpMf) {
    type = model instanceof BprMf ? 'BprMf' : 'WarpMf';
    options =
      model instanceof WarpMf
        ? { ...model.options, maxNegatives: model.maxNegatives, margin: model.margin }
        : { ...model.options, negativeCandidates: model.negativeCandidates };
    const f = model.options.factors;
    arrays.push(['userFactors', model.userFactors, [rows, f]], ['itemFactors', model.itemFactors, [columns, f]], ['itemBias', model.itemBias, [columns]]);
  } else if (model instanceof TwoTower) {
    type = 'TwoTower';
    options = { ...model.options, featureDimension: model.featureDimension };
    const d = model.options.embeddingDimension;
    arrays.push(['userEmbeddings', model.userEmbeddings, [rows, d]], ['itemEmbeddings', model.itemEmbeddings, [columns, d]]);
    const shapes = featureTowerShapes(model.featureDimension, model.options.hiddenUnits, d);
    model.featureTowerWeights.forEach((weights, k) => arrays.push([`featureTower${k}`, weights, shapes[k] ?? [weights.length]]));
  } else if (model instanceof ItemKnnRecommender) {
    type = 'ItemKnnRecommender';
    options = { neighbours: model.neighbours, weighting: model.weighting, bm25: model.bm25 };
    const similarity = model.similarityMatrix;
    arrays.push(
      ['similarityIndptr', similarity.indptr, [columns + 1]],
      ['similarityIndices', similarity.indices, [similarity.nnz]],
      ['similarityValues', similarity.values, [similarity.nnz]],
    );
  } else if (model instanceof PopularityRecommender) {
    type = 'PopularityRecommender';
  } else {
    throw invalidValue('model', 'serializeRecommender', 'a PopularityRecommender, ItemKnnRecommender, ImplicitAls, ExplicitMf, BprMf, WarpMf or TwoTower', model);
  }
  const metadata: Record_ = { format: FORMAT, version: VERSION, type, options, matrixShape: [rows, columns] };
  if (mappings.users !== undefined) metadata.users = mappings.users.toJSON();
  if (mappings.items !== undefined) metadata.items = mappings.items.toJSON();
  return { metadata, arrays };
}

/** What `serializeRecommender` puts in its container (the Node entry writes it as a folder too). */
export function recommenderContents(model: SavableRecommender, mappings: Mappings = {}): ContainerContents {
  const { metadata, arrays } = modelParts(model, mappings);
  const tensors: ContainerTensorInput[] = arrays.map(([name, data, shape]) => ({ name, dtype: data instanceof Int32Array ? 'int32' : 'float32', shape, data }));
  return { metadata, tensors };
}

/**
 * A model and its id mappings as one portable byte string (format 2, a Loom container: JSON
 * metadata — type, options, matrix shape, ids — and named little-endian arrays, with the SHA-256
 * of the arrays): the training matrix, and for the factor models (ALS, explicit MF, BPR, WARP)
 * the factors; for a two-tower model its user and item embeddings and the weights of its
 * item-feature path (so `embedItemFeatures` works after loading); for item-kNN its kept
 * similarities. These are the bytes `saveRecommender` writes to a `.loom` file, IndexedDB or a
 * download, so a model saved anywhere loads anywhere.
 *
 * @example
 * const bytes = serializeRecommender(als, { users, items });
 * const { model } = deserializeRecommender(bytes);
 */
export function serializeRecommender(model: SavableRecommender, mappings: Mappings = {}): Uint8Array {
  return encodeContainer(recommenderContents(model, mappings));
}

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

interface Limits {
  maxBytes: number;
  maxHeaderBytes: number;
  maxElements: number;
}

function resolveLimits(options: DeserializeRecommenderOptions): Limits {
  return {
    maxBytes: limitOption(options.maxBytes, 'maxBytes', DEFAULT_MAX_MODEL_BYTES),
    maxHeaderBytes: limitOption(options.maxHeaderBytes, 'maxHeaderBytes', DEFAULT_MAX_HEADER_BYTES),
    maxElements: limitOption(options.maxElements, 'maxElements', DEFAULT_MAX_MODEL_ELEMENTS),
  };
}

/** Options as saved: plain JSON values only, and only the keys this model type saves. */
function savedOptions(record: Record_, allowed: readonly string[], prefix: string): Record_ {
  const options = own(record, 'options');
  if (!isRecord(options)) throw invalidValue(`${prefix}.options`, WHERE, 'an object', options ?? null);
  const out: Record_ = {};
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw invalidValue(`${prefix}.options.${key}`, WHERE, `one of the saved options (${allowed.join(', ')})`, 'an unknown option');
    const value = options[key];
    const plain = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean';
    const ok = plain(value) || (Array.isArray(value) && value.length <= 64 && value.every(plain)) || (isRecord(value) && Object.values(value).length <= 8 && Object.values(value).every(plain));
    if (!ok) throw invalidValue(`${prefix}.options.${key}`, WHERE, 'a finite number, a string, a boolean or a short list of them', value);
    out[key] = value;
  }
  return out;
}

/** The model with its options checked (constructors validate them and allocate nothing). */
function constructModel(type: ModelType, record: Record_, prefix: string): { model: SavableRecommender; extra: Record_ } {
  const keys = (instance: { options: object }, ...extra: string[]) => [...Object.keys(instance.options), ...extra];
  switch (type) {
    case 'ImplicitAls':
      return { model: new ImplicitAls(savedOptions(record, keys(new ImplicitAls()), prefix) as ImplicitAlsOptions), extra: {} };
    case 'ExplicitMf': {
      const { globalMean, ...options } = savedOptions(record, keys(new ExplicitMf(), 'globalMean'), prefix);
      if (typeof globalMean !== 'number') throw invalidValue(`${prefix}.options.globalMean`, WHERE, 'a finite number', globalMean ?? null);
      return { model: new ExplicitMf(options as ExplicitMfOptions), extra: { globalMean } };
    }
    case 'BprMf':
      return { model: new BprMf(savedOptions(record, keys(new BprMf(), 'negativeCandidates'), prefix) as BprMfOptions), extra: {} };
    case 'WarpMf':
      return { model: new WarpMf(savedOptions(record, keys(new WarpMf(), 'maxNegatives', 'margin'), prefix) as WarpMfOptions), extra: {} };
    case 'TwoTower': {
      const { featureDimension, ...options } = savedOptions(record, keys(new TwoTower(), 'featureDimension'), prefix);
      if (!(Number.isSafeInteger(featureDimension) && (featureDimension as number) >= 0)) {
        throw invalidValue(`${prefix}.options.featureDimension`, WHERE, 'a non-negative integer', featureDimension ?? null);
      }
      return { model: new TwoTower(options as TwoTowerOptions), extra: { featureDimension } };
    }
    case 'ItemKnnRecommender': {
      const options = savedOptions(record, ['neighbours', 'weighting', 'bm25'], prefix);
      const bm25 = options.bm25;
      if (bm25 !== undefined) {
        const ok = isRecord(bm25) && Object.keys(bm25).every((key) => key === 'k1' || key === 'b') && Number.isFinite(bm25.k1) && (bm25.k1 as number) >= 0 && Number.isFinite(bm25.b) && (bm25.b as number) >= 0 && (bm25.b as number) <= 1;
        if (!ok) throw invalidValue(`${prefix}.options.bm25`, WHERE, '{ k1: a number >= 0, b: a number in [0, 1] }', bm25);
      }
      return { model: new ItemKnnRecommender(options as ItemKnnOptions), extra: {} };
    }
    case 'PopularityRecommender':
      savedOptions(record, [], prefix);
      return { model: new PopularityRecommender(), extra: {} };
  }
}

/** Shapes of the feature tower's arrays, in saving order (projection kernel and bias, then the head's). */
function featureTowerShapes(featureDimension: number, hiddenUnits: readonly number[], d: number): number[][] {
  if (featureDimension === 0) return [];
  const shapes = [[featureDimension, d], [d]];
  if (hiddenUnits.length > 0) {
    let inputs = d;
    for (const units of [...hiddenUnits, d]) {
      shapes.push([inputs, units], [units]);
      inputs = units;
    }
  }
  return shapes;
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
    if (!Number.isFinite(array[i]!)) throw invalidValue(`${name}[${i}]`, WHERE, 'a finite number', array[i]);
  }
}

/** CSR structure: indptr starts at 0, never decreases and ends at nnz; columns in range and increasing within each row. */
function checkCsr(names: { indptr: string; indices: string }, rows: number, columns: number, indptr: Int32Array, indices: Int32Array): void {
  if (indptr[0] !== 0) throw invalidValue(`${names.indptr}[0]`, WHERE, '0', indptr[0]);
  for (let r = 0; r < rows; r++) {
    const start = indptr[r]!;
    const end = indptr[r + 1]!;
    if (end < start || end > indices.length) throw invalidValue(`${names.indptr}[${r + 1}]`, WHERE, `a value from ${names.indptr}[${r}] (${start}) to nnz (${indices.length})`, end);
    let previous = -1;
    for (let k = start; k < end; k++) {
      const column = indices[k]!;
      if (column <= previous || column >= columns) {
        throw invalidValue(`${names.indices}[${k}]`, WHERE, `a column in (${previous}, ${columns}) (increasing within row ${r})`, column);
      }
      previous = column;
    }
  }
  if (indptr[rows] !== indices.length) throw invalidValue(`${names.indptr}[${rows}]`, WHERE, `nnz (${indices.length})`, indptr[rows]);
}

/** The id mapping saved for `rows` users (or `columns` items), checked before it is built. */
function savedMapping(record: Record_, field: 'users' | 'items', size: number, prefix: string): IdMapping | undefined {
  const json = own(record, field);
  if (json === undefined) return undefined;
  const ids = isRecord(json) ? own(json, 'ids') : undefined;
  if (!Array.isArray(ids)) throw invalidValue(`${prefix}.${field}`, WHERE, 'an object { ids: (string | number)[] }', json);
  if (ids.length !== size) {
    throw invalidValue(`${prefix}.${field}.ids`, WHERE, `${size} ids (one per ${field === 'users' ? 'row' : 'column'} of matrixShape)`, `${ids.length} ids`);
  }
  try {
    return IdMapping.fromJSON({ ids });
  } catch (error) {
    if (RecommenderError.isInstance(error)) throw new RecommenderError(`In ${prefix}.${field} of ${WHERE}: ${error.message}`);
    throw error;
  }
}

/** Σ_u n_u²: the (user, item, item) triples re-fitting item-kNN visits. */
function knnRefitWork(indptr: Int32Array): number {
  let work = 0;
  for (let r = 0; r + 1 < indptr.length; r++) work += (indptr[r + 1]! - indptr[r]!) ** 2;
  return work;
}

interface ArraySpec {
  dtype: Dtype;
  shape: number[];
}

/** A checked plan: the model (options applied), its matrix shape, and every array it needs. */
interface Plan {
  type: ModelType;
  model: SavableRecommender;
  extra: Record_;
  rows: number;
  columns: number;
  expected: Map<string, ArraySpec>;
  users: IdMapping | undefined;
  items: IdMapping | undefined;
  /** Format 1 saved no item-kNN similarities: the model is re-fitted. */
  refit: boolean;
}

const length = (spec: ArraySpec) => spec.shape.reduce((a, b) => a * b, 1);

/**
 * Checks the metadata (format 1 `json` or format 2 container metadata) and works out every
 * array the model needs and how much memory it will take, before anything is read.
 * `declaredLength(name)` is the saved length of a variable-length array (the matrix's entries,
 * item-kNN's similarities), read from the file's own index of arrays.
 */
function plan(record: Record_, version: 1 | 2, limits: Limits, declaredLength: (name: string) => unknown): Plan {
  const prefix = version === 1 ? 'json' : 'metadata';
  const arrayField = (name: string) => (version === 1 ? `json.arrays.${name}` : `tensors.${name}`);
  const type = own(record, 'type');
  if (!MODEL_TYPES.includes(type as ModelType)) throw invalidValue(`${prefix}.type`, WHERE, `one of ${MODEL_TYPES.join(', ')}`, type ?? null);
  const shape = own(record, 'matrixShape');
  if (!Array.isArray(shape) || shape.length !== 2) throw invalidValue(`${prefix}.matrixShape`, WHERE, '[rows, columns]', shape ?? null);
  const { maxElements } = limits;
  const dimensionLimit = Math.min(maxElements, MAX_DIMENSION);
  shape.forEach((value: unknown, axis) => {
    if (!(Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= dimensionLimit)) {
      throw invalidValue(`${prefix}.matrixShape[${axis}]`, WHERE, `an integer from 0 to ${dimensionLimit} (maxElements = ${maxElements})`, value);
    }
  });
  const [rows, columns] = shape as [number, number];
  const { model, extra } = constructModel(type as ModelType, record, prefix);
  const variableLength = (name: string): number => {
    const value = declaredLength(name);
    if (!(Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= dimensionLimit)) {
      throw invalidValue(`${arrayField(name)}.length`, WHERE, `an integer from 0 to ${dimensionLimit}`, value ?? null);
    }
    return value as number;
  };
  const nnz = variableLength('indices');
  const expected = new Map<string, ArraySpec>([
    ['indptr', { dtype: 'int32', shape: [rows + 1] }],
    ['indices', { dtype: 'int32', shape: [nnz] }],
    ['values', { dtype: 'float32', shape: [nnz] }],
  ]);
  const refit = model instanceof ItemKnnRecommender && version === 1;
  let derived = 0;
  if (model instanceof ImplicitAls || model instanceof ExplicitMf || model instanceof BprMf || model instanceof WarpMf) {
    const f = model.options.factors;
    expected.set('userFactors', { dtype: 'float32', shape: [rows, f] });
    expected.set('itemFactors', { dtype: 'float32', shape: [columns, f] });
    if (model instanceof BprMf || model instanceof WarpMf) expected.set('itemBias', { dtype: 'float32', shape: [columns] });
    // A new user's vector is solved from an f × f float64 system (ALS, explicit MF).
    if (model instanceof ImplicitAls || model instanceof ExplicitMf) derived = 2 * f ** 2;
  } else if (model instanceof TwoTower) {
    const d = model.options.embeddingDimension;
    expected.set('userEmbeddings', { dtype: 'float32', shape: [rows, d] });
    expected.set('itemEmbeddings', { dtype: 'float32', shape: [columns, d] });
    featureTowerShapes(extra.featureDimension as number, model.options.hiddenUnits, d).forEach((s, k) => expected.set(`featureTower${k}`, { dtype: 'float32', shape: s }));
  } else if (model instanceof PopularityRecommender) {
    derived = 2 * columns;
  } else if (model instanceof ItemKnnRecommender) {
    // Weighted copies of the matrix in both orientations and a transpose.
    derived = 3 * (columns + rows + 2 + 2 * nnz);
    if (refit) {
      // Re-fitting adds float64 accumulators and up to `neighbours` kept similarities (row, column, value as JS numbers) per item with users.
      derived += 4 * columns + 2 * rows + 6 * Math.min(model.neighbours, columns) * Math.min(columns, nnz);
    } else {
      const kept = variableLength('similarityIndices');
      expected.set('similarityIndptr', { dtype: 'int32', shape: [columns + 1] });
      expected.set('similarityIndices', { dtype: 'int32', shape: [kept] });
      expected.set('similarityValues', { dtype: 'float32', shape: [kept] });
    }
  }
  const ids = (field: string) => {
    const mapping = own(record, field);
    const list = isRecord(mapping) ? own(mapping, 'ids') : undefined;
    return Array.isArray(list) ? list.length : 0;
  };
  let total = derived + ids('users') + ids('items');
  for (const spec of expected.values()) total += length(spec);
  if (total > maxElements) {
    throw invalidValue(prefix, WHERE, `a model of at most maxElements = ${maxElements} numbers once loaded (raise maxElements if you trust it)`, `about ${total} numbers (${String(type)}, matrixShape [${rows}, ${columns}], nnz ${nnz})`);
  }
  const users = savedMapping(record, 'users', rows, prefix);
  const items = savedMapping(record, 'items', columns, prefix);
  return { type: type as ModelType, model, extra, rows, columns, expected, users, items, refit };
}

/** Checks what was read (matrix structure, finite values) and gives the model its state. */
function build(p: Plan, arrays: Map<string, Int32Array | Float32Array>, version: 1 | 2, limits: Limits): LoadedRecommender {
  const field = (name: string) => (version === 1 ? `json.arrays.${name}` : `tensors.${name}`);
  const float = (name: string) => arrays.get(name) as Float32Array;
  const int = (name: string) => arrays.get(name) as Int32Array;
  const { model, rows, columns } = p;
  checkCsr({ indptr: field('indptr'), indices: field('indices') }, rows, columns, int('indptr'), int('indices'));
  for (const [name, spec] of p.expected) if (spec.dtype === 'float32') checkFinite(field(name), float(name));
  const matrix = new CsrMatrix(rows, columns, int('indptr'), int('indices'), float('values'));
  if (model instanceof ImplicitAls) model.setState(matrix, float('userFactors'), float('itemFactors'));
  else if (model instanceof ExplicitMf) model.setState(matrix, float('userFactors'), float('itemFactors'), p.extra.globalMean as number);
  else if (model instanceof BprMf || model instanceof WarpMf) model.setState(matrix, float('userFactors'), float('itemFactors'), float('itemBias'));
  else if (model instanceof TwoTower) {
    const towerWeights = [...p.expected.keys()].filter((name) => name.startsWith('featureTower')).map(float);
    model.setState(matrix, float('userEmbeddings'), float('itemEmbeddings'), p.extra.featureDimension as number, towerWeights);
  } else if (model instanceof ItemKnnRecommender) {
    if (p.refit) {
      // Format 1 saves no similarities: re-fitting visits Σ_u n_u² (user, item, item) triples.
      const work = knnRefitWork(int('indptr'));
      if (work > 4 * limits.maxElements) {
        throw invalidValue(field('indptr'), WHERE, `a matrix whose item-kNN re-fit visits at most 4 · maxElements = ${4 * limits.maxElements} entries (raise maxElements if you trust it)`, `${work} (Σ over users of their item count squared)`);
      }
      model.fit(matrix);
    } else {
      checkCsr({ indptr: field('similarityIndptr'), indices: field('similarityIndices') }, columns, columns, int('similarityIndptr'), int('similarityIndices'));
      model.setState(matrix, new CsrMatrix(columns, columns, int('similarityIndptr'), int('similarityIndices'), float('similarityValues')));
    }
  } else model.fit(matrix);
  const result: LoadedRecommender = { model };
  if (p.users !== undefined) result.users = p.users;
  if (p.items !== undefined) result.items = p.items;
  return result;
}

/**
 * Builds a model from a decoded container (format 2), checking its metadata and that its
 * tensors are exactly those the model needs, with the shapes its metadata implies. The
 * container's own checks (byte ranges, dtypes, SHA-256) have run already.
 */
export function recommenderFromContainer(container: Container, options: DeserializeRecommenderOptions = {}): LoadedRecommender {
  const limits = resolveLimits(options);
  const metadata = container.metadata;
  const record: Record_ = isRecord(metadata) ? metadata : {};
  if (own(record, 'format') !== FORMAT || own(record, 'version') !== VERSION) {
    throw invalidValue('metadata.format', WHERE, `'${FORMAT}' version ${VERSION}`, `${String(own(record, 'format'))} ${String(own(record, 'version'))}`);
  }
  const p = plan(record, 2, limits, (name) => {
    const shape = container.get(name)?.shape;
    return shape?.length === 1 ? shape[0] : undefined;
  });
  for (const tensor of container.tensors) {
    if (!p.expected.has(tensor.name)) throw invalidValue(`tensors.${tensor.name}`, WHERE, `no tensor of that name in a ${p.type} (expected ${[...p.expected.keys()].join(', ')})`, 'a tensor');
  }
  const arrays = new Map<string, Int32Array | Float32Array>();
  for (const [name, spec] of p.expected) {
    const tensor = container.get(name);
    if (tensor === undefined) throw invalidValue(`tensors.${name}`, WHERE, `a ${spec.dtype} tensor of shape [${spec.shape.join(', ')}]`, 'missing');
    if (tensor.dtype !== spec.dtype) throw invalidValue(`tensors.${name}.dtype`, WHERE, `'${spec.dtype}'`, tensor.dtype);
    if (tensor.shape.length !== spec.shape.length || tensor.shape.some((d, k) => d !== spec.shape[k])) {
      throw invalidValue(`tensors.${name}.shape`, WHERE, `[${spec.shape.join(', ')}] (from matrixShape [${p.rows}, ${p.columns}] and the options)`, `[${tensor.shape.slice(0, 8).join(', ')}]`);
    }
  }
  for (const name of p.expected.keys()) arrays.set(name, container.read(name) as Int32Array | Float32Array);
  return build(p, arrays, 2, limits);
}

/** The bytes of a format 2 model (checked, checksum included), decoded into a container. */
export function decodeRecommenderBytes(bytes: Uint8Array, options: DeserializeRecommenderOptions, what: string, verifyChecksum = true): Container {
  const limits = resolveLimits(options);
  return decodeContainer(bytes, { maxBytes: limits.maxBytes, maxHeaderBytes: limits.maxHeaderBytes, dtypes: ['int32', 'float32'], maxTensors: 1024, what, verifyChecksum });
}

/** A model saved in format 1 (0.1's `model.json` + `weights.bin`), checked as thoroughly as format 2. */
export function recommenderFromParts(json: unknown, binary: Uint8Array, options: DeserializeRecommenderOptions = {}): LoadedRecommender {
  const limits = resolveLimits(options);
  const record: Record_ = isRecord(json) ? json : {};
  if (own(record, 'format') !== FORMAT || own(record, 'version') !== 1) {
    throw invalidValue('json.format', WHERE, `'${FORMAT}' version 1 (or a format 2 container)`, `${String(own(record, 'format'))} ${String(own(record, 'version'))}`);
  }
  if (!(binary instanceof Uint8Array)) throw invalidValue('binary', WHERE, 'a Uint8Array', binary === null ? null : typeof binary);
  if (binary.byteLength > limits.maxBytes) {
    throw invalidValue('binary', WHERE, `at most maxBytes = ${limits.maxBytes} bytes (raise maxBytes if you trust the model)`, `${binary.byteLength} bytes`);
  }
  const arrays = own(record, 'arrays');
  if (!isRecord(arrays)) throw invalidValue('json.arrays', WHERE, 'an object of { dtype, byteOffset, length } entries', arrays ?? null);
  const p = plan(record, 1, limits, (name) => {
    const entry = own(arrays, name);
    return isRecord(entry) ? own(entry, 'length') : undefined;
  });
  // The saved array entries: exactly the expected names, dtypes and lengths, back to back in `binary`.
  for (const name of Object.keys(arrays)) {
    if (!p.expected.has(name)) throw invalidValue(`json.arrays.${name}`, WHERE, `no array of that name in a ${p.type} (expected ${[...p.expected.keys()].join(', ')})`, 'an array');
  }
  const ranges: { name: string; byteOffset: number; length: number; dtype: Dtype }[] = [];
  for (const [name, spec] of p.expected) {
    const entry = own(arrays, name);
    const expectedLength = length(spec);
    if (!isRecord(entry)) throw invalidValue(`json.arrays.${name}`, WHERE, `an entry { dtype: '${spec.dtype}', byteOffset, length: ${expectedLength} }`, entry ?? 'missing');
    if (own(entry, 'dtype') !== spec.dtype) throw invalidValue(`json.arrays.${name}.dtype`, WHERE, `'${spec.dtype}'`, own(entry, 'dtype') ?? null);
    if (own(entry, 'length') !== expectedLength) {
      throw invalidValue(`json.arrays.${name}.length`, WHERE, `${expectedLength} (from matrixShape [${p.rows}, ${p.columns}] and the options)`, own(entry, 'length') ?? null);
    }
    const byteOffset = own(entry, 'byteOffset');
    if (!(Number.isSafeInteger(byteOffset) && (byteOffset as number) >= 0 && (byteOffset as number) % 4 === 0)) {
      throw invalidValue(`json.arrays.${name}.byteOffset`, WHERE, 'a non-negative multiple of 4', byteOffset ?? null);
    }
    ranges.push({ name, byteOffset: byteOffset as number, length: expectedLength, dtype: spec.dtype });
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
  const read = new Map(ranges.map((range) => [range.name, readArray(binary, range.dtype, range.byteOffset, range.length)]));
  return build(p, read, 1, limits);
}

/**
 * Inverse of {@link serializeRecommender}: the bytes of a saved model (format 2), or, for models
 * saved by 0.1, its `json` and `binary` parts (format 1). Runs anywhere (no file system);
 * `loadRecommender` reads the bytes from IndexedDB, a URL or a file, and from a path in Node.js.
 *
 * Nothing is trusted before it is checked, and nothing is allocated before the checks that bound
 * it: the container's own checks (size against `maxBytes`, header against `maxHeaderBytes`,
 * every array's dtype and byte range, then the SHA-256 of the arrays; format 1 has no checksum),
 * then the model type and each saved option, `matrixShape`, that the arrays are exactly those
 * the model needs with the shapes its metadata implies, that the id mappings have one distinct
 * id per row / column, and that the loaded model stays within `maxElements`. Then what was
 * read: the matrix structure (indptr from 0, never decreasing, to nnz; column indices in range
 * and increasing within each row; the same for item-kNN's similarities) and finite values,
 * factors and weights. A refusal is a `RecommenderError` naming the field, or for the
 * container's checks a `FileRefusedError` / `InvalidFileError` / `ChecksumError` from
 * `@loom-ml/core`; all are `LoomError`s.
 *
 * @example
 * const { model, users, items } = deserializeRecommender(bytes, { maxBytes: 64 * 2 ** 20 });
 * const old = deserializeRecommender(json, binary); // a model saved by 0.1
 */
export function deserializeRecommender(bytes: Uint8Array, options?: DeserializeRecommenderOptions): LoadedRecommender;
export function deserializeRecommender(json: SerializedRecommenderJson, binary: Uint8Array, options?: DeserializeRecommenderOptions): LoadedRecommender;
export function deserializeRecommender(
  source: Uint8Array | SerializedRecommenderJson,
  second?: Uint8Array | DeserializeRecommenderOptions,
  third?: DeserializeRecommenderOptions,
): LoadedRecommender {
  if (source instanceof Uint8Array) {
    const options = (second as DeserializeRecommenderOptions | undefined) ?? {};
    if (!isContainer(source)) {
      throw invalidValue('bytes', WHERE, 'a saved model (a Loom container, starting "LOOMSAFE"); for a model saved by 0.1 pass its json and binary parts', `${source.byteLength} bytes of something else`);
    }
    return recommenderFromContainer(decodeRecommenderBytes(source, options, 'saved recommender'), options);
  }
  return recommenderFromParts(source, second as Uint8Array, third ?? {});
}
