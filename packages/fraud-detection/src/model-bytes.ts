import {
  decodeContainer,
  encodeContainer,
  isContainer,
  parseJsonBounded,
  type Container,
  type ContainerTensorInput,
} from '@loom-ml/core';
import { AutoencoderDetector, type AutoencoderDetectorJSON } from './autoencoder-detector.js';
import { FraudError, invalidValue } from './errors.js';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { IsolationForest, type IsolationForestJSON } from './isolation-forest.js';
import { IsotonicCalibrator, type IsotonicCalibratorJSON } from './isotonic-regression.js';
import { LogisticRegression, type LogisticRegressionJSON } from './logistic-regression.js';
import { MlpClassifier, type MlpClassifierJSON } from './mlp-classifier.js';
import { PlattScaling, type PlattScalingJSON } from './platt-scaling.js';
import { StackingClassifier, type FittedScorer, type StackingClassifierJSON } from './stacking-classifier.js';
import { TabularEncoder, type TabularEncoderJSON } from './tabular-encoder.js';

/** A fitted piece this package can save as bytes. */
export type SavableFraudModel =
  | LogisticRegression
  | MlpClassifier
  | AutoencoderDetector
  | IsolationForest
  | GradientBoostedTrees
  | PlattScaling
  | IsotonicCalibrator
  | TabularEncoder
  | StackingClassifier;

/**
 * Limits (and, for a `StackingClassifier`, how to rebuild its base models) of
 * `deserializeFraudModel` and `loadFraudModel`.
 */
export interface DeserializeFraudModelOptions {
  /** Refuse saved bytes longer than this. Default 256 MiB. */
  maxBytes?: number;
  /** Refuse a JSON header (or an old plain-JSON file) longer than this many bytes. Default 64 MiB. */
  maxHeaderBytes?: number;
  /**
   * Refuse a model with more saved numbers than this in its arrays (weights, tree arrays,
   * calibration points), checked from the declared shapes before any is read. Default 2^24
   * (16,777,216: an MLP with 16 million weights).
   */
  maxElements?: number;
  /** Rebuilds a `StackingClassifier`'s base models, as for `StackingClassifier.fromJSON`. */
  loadModel?: (savedModel: unknown, learnerName: string) => FittedScorer;
}

const FORMAT = 'loom-ml/fraud-detection';
const VERSION = 1;
const WHERE = 'deserializeFraudModel';
/** Default of `maxBytes`: 256 MiB. */
export const DEFAULT_MAX_FRAUD_MODEL_BYTES = 256 * 2 ** 20;
/** Default of `maxHeaderBytes`: 64 MiB. */
export const DEFAULT_MAX_FRAUD_HEADER_BYTES = 64 * 2 ** 20;
const DEFAULT_MAX_ELEMENTS = 2 ** 24;
/** Deep enough for an isolation tree of 2^20 samples (two JSON levels per tree level). */
const MAX_DEPTH = 128;
/** Numeric arrays at least this long go into tensors; shorter ones stay in the JSON. */
const MIN_TENSOR_LENGTH = 8;
const TENSOR_REF = '$tensor';

type Kind = { format: string; restore: (json: unknown, options: DeserializeFraudModelOptions) => SavableFraudModel };

const KINDS: Kind[] = [
  { format: 'loom-ml/logistic-regression', restore: (json) => LogisticRegression.fromJSON(json as LogisticRegressionJSON) },
  { format: 'loom-ml/mlp-classifier', restore: (json) => MlpClassifier.fromJSON(json as MlpClassifierJSON) },
  { format: 'loom-ml/autoencoder-detector', restore: (json) => AutoencoderDetector.fromJSON(json as AutoencoderDetectorJSON) },
  { format: 'loom-ml/isolation-forest', restore: (json) => IsolationForest.fromJSON(json as IsolationForestJSON) },
  { format: 'loom-ml/gradient-boosted-trees', restore: (json) => GradientBoostedTrees.fromJSON(json) },
  { format: 'loom-ml/platt-scaling', restore: (json) => PlattScaling.fromJSON(json as PlattScalingJSON) },
  { format: 'loom-ml/isotonic-calibrator', restore: (json) => IsotonicCalibrator.fromJSON(json as IsotonicCalibratorJSON) },
  { format: 'loom-ml/tabular-encoder', restore: (json) => TabularEncoder.fromJSON(json as TabularEncoderJSON) },
  {
    format: 'loom-ml/stacking-classifier',
    restore: (json, options) => {
      if (options.loadModel === undefined) {
        throw invalidValue('loadModel', WHERE, 'a function (savedModel, learnerName) => scorer to rebuild the base models of a StackingClassifier', undefined);
      }
      return StackingClassifier.fromJSON(json as StackingClassifierJSON, options.loadModel);
    },
  },
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A fitted model as one portable byte string: a Loom container whose JSON metadata is the
 * model's own `toJSON()`, with every long array of numbers (weights, tree arrays, calibration
 * points) moved into a named little-endian tensor (float32 when every value is a float32,
 * else float64, so nothing changes), and the SHA-256 of the tensors. The same bytes are what
 * `saveFraudModel` stores in IndexedDB, offers as a download or writes to a file in Node.js.
 *
 * @example
 * const bytes = serializeFraudModel(model);
 * const restored = deserializeFraudModel(bytes) as LogisticRegression;
 */
export function serializeFraudModel(model: SavableFraudModel): Uint8Array {
  const toJSON = (model as { toJSON?: () => unknown })?.toJSON;
  if (typeof toJSON !== 'function') {
    throw invalidValue('model', 'serializeFraudModel', 'a fitted model of this package (LogisticRegression, MlpClassifier, IsolationForest, ...)', model);
  }
  const json = toJSON.call(model);
  const format = isRecord(json) ? json.format : undefined;
  if (!KINDS.some((kind) => kind.format === format)) throw invalidValue('model', 'serializeFraudModel', 'a model of this package', format ?? null);
  const tensors: ContainerTensorInput[] = [];
  const extract = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) {
      if (value.length >= MIN_TENSOR_LENGTH && value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        const numbers = value as number[];
        const float32 = numbers.every((v) => Math.fround(v) === v);
        tensors.push({ name: path, dtype: float32 ? 'float32' : 'float64', shape: [numbers.length], data: float32 ? Float32Array.from(numbers) : Float64Array.from(numbers) });
        return { [TENSOR_REF]: path };
      }
      return value.map((v, i) => extract(v, `${path}/${i}`));
    }
    if (isRecord(value)) {
      if (Object.prototype.hasOwnProperty.call(value, TENSOR_REF)) throw invalidValue(`${path}`, 'serializeFraudModel', `JSON without a '${TENSOR_REF}' key`, 'an object with one');
      return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, extract(v, `${path}/${key}`)]));
    }
    return value;
  };
  const stored = extract(json, '');
  return encodeContainer({ metadata: { format: FORMAT, version: VERSION, model: stored }, tensors });
}

function limit(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw invalidValue(name, WHERE, 'a positive integer', value);
  return value;
}

/** Decodes (and checks) the container of a saved model. */
export function decodeFraudModelBytes(bytes: Uint8Array, options: DeserializeFraudModelOptions, what: string, verifyChecksum = true): Container {
  return decodeContainer(bytes, {
    maxBytes: limit(options.maxBytes, 'maxBytes', DEFAULT_MAX_FRAUD_MODEL_BYTES),
    maxHeaderBytes: limit(options.maxHeaderBytes, 'maxHeaderBytes', DEFAULT_MAX_FRAUD_HEADER_BYTES),
    maxDepth: MAX_DEPTH,
    dtypes: ['float32', 'float64'],
    what,
    verifyChecksum,
  });
}

/** The model's own JSON, by its `format` (or, for an encoder saved by 0.1, by its fields), restored with its `fromJSON`. */
function restore(json: unknown, options: DeserializeFraudModelOptions): SavableFraudModel {
  const format = isRecord(json) ? json.format : undefined;
  const kind = KINDS.find((k) => k.format === format) ?? (isRecord(json) && format === undefined && 'schema' in json ? KINDS.find((k) => k.format === 'loom-ml/tabular-encoder') : undefined);
  if (kind === undefined) {
    throw invalidValue('format', WHERE, `the format of a model of this package (${KINDS.map((k) => `'${k.format}'`).join(', ')})`, format ?? (isRecord(json) ? null : typeof json));
  }
  return kind.restore(json, options);
}

/**
 * Rebuilds a model from a decoded container: checks the metadata, that the tensors' total
 * size is within `maxElements` (from their shapes, before reading any), that every tensor is
 * referenced exactly once from the model's JSON and is one-dimensional; then puts the numbers
 * back and hands the JSON to the model's own `fromJSON`, which checks everything else.
 */
export function fraudModelFromContainer(container: Container, options: DeserializeFraudModelOptions = {}): SavableFraudModel {
  const metadata = container.metadata;
  if (!isRecord(metadata) || metadata.format !== FORMAT || metadata.version !== VERSION) {
    throw invalidValue('metadata.format', WHERE, `'${FORMAT}' version ${VERSION}`, isRecord(metadata) ? `${String(metadata.format)} ${String(metadata.version)}` : null);
  }
  const maxElements = limit(options.maxElements, 'maxElements', DEFAULT_MAX_ELEMENTS);
  let total = 0;
  for (const tensor of container.tensors) {
    if (tensor.shape.length !== 1) throw invalidValue(`tensors.${tensor.name}.shape`, WHERE, 'a one-dimensional shape [length]', `[${tensor.shape.slice(0, 8).join(', ')}]`);
    total += tensor.shape[0]!;
  }
  if (total > maxElements) {
    throw invalidValue('tensors', WHERE, `at most maxElements = ${maxElements} numbers (raise maxElements if you trust the model)`, `${total} numbers`);
  }
  const used = new Set<string>();
  const fill = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => fill(v, `${path}[${i}]`));
    if (!isRecord(value)) return value;
    if (Object.prototype.hasOwnProperty.call(value, TENSOR_REF)) {
      const name = value[TENSOR_REF];
      if (Object.keys(value).length !== 1 || typeof name !== 'string' || container.get(name) === undefined) {
        throw invalidValue(`metadata.model${path}`, WHERE, `{ "${TENSOR_REF}": the name of a tensor of the file }`, value);
      }
      if (used.has(name)) throw invalidValue(`metadata.model${path}`, WHERE, 'a tensor no other field uses', name);
      used.add(name);
      return Array.from(container.read(name));
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = fill(v, `${path}.${key}`);
    return out;
  };
  const json = fill(metadata.model, '');
  const unused = container.tensors.find((tensor) => !used.has(tensor.name));
  if (unused !== undefined) throw invalidValue(`tensors.${unused.name}`, WHERE, 'a tensor the model uses', 'a tensor no field refers to');
  return restore(json, options);
}

/** A model saved as plain JSON text (`JSON.stringify(model.toJSON())`, as 0.1 and earlier code did). */
export function fraudModelFromJsonText(bytes: Uint8Array, options: DeserializeFraudModelOptions, what: string): SavableFraudModel {
  const maxHeaderBytes = limit(options.maxHeaderBytes, 'maxHeaderBytes', DEFAULT_MAX_FRAUD_HEADER_BYTES);
  return restore(parseJsonBounded(bytes, { maxBytes: maxHeaderBytes, maxDepth: MAX_DEPTH, what }), options);
}

/**
 * Inverse of {@link serializeFraudModel}. Also reads the plain JSON text of a model's
 * `toJSON()` (UTF-8 bytes), as files saved before the container were written, through the same
 * checks. Nothing is trusted before it is checked: the container's checks first (size against
 * `maxBytes`, header against `maxHeaderBytes` and a nesting depth, every tensor's dtype and byte
 * range, the SHA-256), then the total number of saved numbers against `maxElements` (from the
 * shapes, before any is read), that every tensor is used exactly once, and finally the model's
 * own `fromJSON` (which checks its architecture and every value before it allocates). Errors are
 * `LoomError`s naming the field: a `FraudError`, or for the container's checks a
 * `FileRefusedError` / `InvalidFileError` / `ChecksumError` from `@loom-ml/core`.
 *
 * @example
 * const forest = deserializeFraudModel(bytes, { maxBytes: 50e6 }) as IsolationForest;
 */
export function deserializeFraudModel(bytes: Uint8Array, options: DeserializeFraudModelOptions = {}): SavableFraudModel {
  if (!(bytes instanceof Uint8Array)) throw invalidValue('bytes', WHERE, 'a Uint8Array', bytes === null ? null : typeof bytes);
  if (isContainer(bytes)) return fraudModelFromContainer(decodeFraudModelBytes(bytes, options, 'saved fraud model'), options);
  if (bytes.byteLength > 0 && (bytes[0] === 0x7b || bytes[0] === 0x20 || bytes[0] === 0x0a || bytes[0] === 0xef)) return fraudModelFromJsonText(bytes, options, 'saved fraud model (JSON)');
  throw new FraudError(`Invalid value for \`bytes\` in ${WHERE}. Expected a saved model (a Loom container, or the JSON text of toJSON()). Received: ${bytes.byteLength} bytes of something else.`);
}
