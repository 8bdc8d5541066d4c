import * as tf from '@tensorflow/tfjs-core';
import {
  checkContainerHeader,
  decodeContainer,
  describeValue,
  encodeContainer,
  encodeContainerParts,
  isContainer,
  LoomError,
  openContainer,
  parseJsonBounded,
  type Container,
  type ContainerHeader,
  type ContainerTensorInput,
  FileRefusedError,
  float32ToFloat16,
  isNonFiniteHalf,
  quantizeSymmetricInt8,
} from '@loom-ml/core';
import { invalidValue, LayersError } from '../errors.js';
import type { Model, ModelConfig } from '../model/model.js';
import type { FunctionalModel } from '../functional/functional-model.js';
import { Sequential } from '../model/sequential.js';
import { functionalFromConfig } from '../functional/functional-from-config.js';
import { layerFromConfig, type LayerFactory } from './registry.js';
import { DEFAULT_LIMITS } from './limits.js';
import { withWeightSource } from './weight-source.js';

/** Where each weight lives in the binary blob of a format-1 file. */
export interface WeightSpec {
  path: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  byteOffset: number;
  byteLength: number;
}

/** The JSON half of a format-1 saved model (format 2 is a `@loom-ml/core` container header). */
export interface ModelArtifactsHeader {
  format: 'loom-model';
  formatVersion: 1;
  model: ModelConfig;
  weights: WeightSpec[];
}

/**
 * Options of every model loader (`deserializeModel`, `modelFromArtifacts`, `loadModel`).
 * Each limit is checked before anything is built or allocated.
 *
 * @example
 * deserializeModel(bytes, { maxBytes: 2 ** 30, maxParameters: 2 ** 28 }); // a large model you trust
 */
export interface LoadOptions {
  /** Factories for layers defined outside @loom-ml/layers, by class name. */
  customLayers?: Record<string, LayerFactory>;
  /** Largest model file or weights file accepted, in bytes (default 512 MiB). */
  maxBytes?: number;
  /** Most weight values the file may declare (default 2^27 = 134,217,728: 512 MiB of float32). */
  maxParameters?: number;
  /** Largest JSON header / model.json, in bytes (default 64 MiB). */
  maxHeaderBytes?: number;
  /** Accept NaN and ±Infinity weights (default false: a file holding any is refused). */
  allowNonFinite?: boolean;
}

const V1_MAGIC = [0x4c, 0x4f, 0x4f, 0x4d]; // "LOOM"
const MODEL_FORMAT = 'loom-model';
/** Format 2: float32 weights. Format 3: quantised weights (float16, or int8 with per-channel scales). */
const FORMAT_VERSION = 2;
const QUANTIZED_FORMAT_VERSION = 3;
/**
 * Loom layer weights are float32, stored as float32, float16 or scaled int8 (format 3); int32 is
 * accepted by the container check so that the error names the weight.
 */
export const FILE_DTYPES = ['float32', 'float16', 'int8', 'int32'] as const;
/** The suffix of the tensor holding an int8 weight's per-channel scales: `dense_1/kernel:scales`. */
const SCALES_SUFFIX = ':scales';

/** How `serializeModel` and `saveModel` store weights. */
export type WeightStorage = 'float32' | 'float16' | 'int8';

/**
 * Options of `serializeModel` and `saveModel`.
 *
 * @example
 * await saveModel(model, 'runs/digits-int8.loom', { quantize: 'int8' }); // about 4x smaller
 */
export interface SaveOptions {
  /**
   * Post-training weight quantisation (format 3; loaders before it refuse the file with a
   * version error). `'int8'`: every weight of rank 2 or more (kernels, embeddings, recurrent
   * kernels) as int8 with one float32 scale per output channel (its last axis), symmetric
   * (`w ≈ q × scale`, `scale = max |w| / 127`); biases and normalisation weights stay float32.
   * `'float16'`: every weight as IEEE float16 (refused, naming the weight, past ±65504).
   * Loading dequantises to float32. Default: `'float32'` (no quantisation, format 2).
   */
  quantize?: WeightStorage;
}

/** The metadata of a format-2 or -3 model container. */
interface ModelMetadata {
  format: typeof MODEL_FORMAT;
  formatVersion: 1 | 2 | 3;
  model: ModelConfig;
  /** Format 3: how the weights were quantised. */
  quantization?: 'int8' | 'float16';
}

function checkSaveOptions(options: SaveOptions): WeightStorage {
  const quantize = options.quantize ?? 'float32';
  if (quantize !== 'float32' && quantize !== 'float16' && quantize !== 'int8') {
    throw invalidValue('quantize', 'the save options', "'float32', 'float16' or 'int8'", quantize);
  }
  return quantize;
}

async function weightTensors(model: Model, quantize: WeightStorage): Promise<ContainerTensorInput[]> {
  const values = await Promise.all(model.weights.map((w) => w.variable.data()));
  return model.weights.flatMap((w, i): ContainerTensorInput[] => {
    const shape = [...w.variable.shape];
    const data = values[i] as Float32Array | Int32Array;
    if (w.variable.dtype === 'int32') return [{ name: w.path, dtype: 'int32', shape, data }];
    if (quantize === 'float16') {
      const halves = float32ToFloat16(data);
      const overflow = halves.findIndex((h, k) => isNonFiniteHalf(h) && Number.isFinite(data[k]!));
      if (overflow >= 0) {
        throw new LayersError(`Weight '${w.path}' holds ${data[overflow]} (at flat index ${overflow}), outside float16's range (±65504); save it with quantize: 'int8' or 'float32'.`);
      }
      return [{ name: w.path, dtype: 'float16', shape, data: halves }];
    }
    if (quantize === 'int8' && shape.length >= 2) {
      const axis = shape.length - 1;
      const quantized = quantizeSymmetricInt8(data, shape, axis);
      const scales = `${w.path}${SCALES_SUFFIX}`;
      return [
        { name: w.path, dtype: 'int8', shape, data: quantized.values, quantization: { scheme: 'symmetric', axis, scales } },
        { name: scales, dtype: 'float32', shape: [shape[axis]!], data: quantized.scales },
      ];
    }
    return [{ name: w.path, dtype: 'float32', shape, data }];
  });
}

function metadataOf(model: Model, quantize: WeightStorage): ModelMetadata {
  if (quantize === 'float32') return { format: MODEL_FORMAT, formatVersion: FORMAT_VERSION, model: model.getConfig() };
  return { format: MODEL_FORMAT, formatVersion: QUANTIZED_FORMAT_VERSION, model: model.getConfig(), quantization: quantize };
}

/**
 * A model as a container header (JSON) and payload, for formats that keep them apart (a model
 * folder's `model.json` and `weights.bin`).
 */
export async function modelContainerParts(model: Model, options: SaveOptions = {}): Promise<{ header: ContainerHeader; payload: Uint8Array }> {
  const quantize = checkSaveOptions(options);
  const tensors = await weightTensors(model, quantize);
  return encodeContainerParts({ metadata: metadataOf(model, quantize), tensors });
}

/**
 * One self-contained file (works in browsers and Node): a `@loom-ml/core` container (format
 * 2) whose metadata is the model's config and whose tensors are its weights by path, with a
 * SHA-256 of the weights. `quantize: 'int8' | 'float16'` stores the weights quantised (format
 * 3, see `SaveOptions`); `deserializeModel` dequantises them.
 *
 * @example
 * const bytes = await serializeModel(model);
 * const copy = deserializeModel(bytes);
 * const small = await serializeModel(model, { quantize: 'int8' }); // about 4x fewer bytes
 */
export async function serializeModel(model: Model, options: SaveOptions = {}): Promise<Uint8Array> {
  const quantize = checkSaveOptions(options);
  const tensors = await weightTensors(model, quantize);
  return encodeContainer({ metadata: metadataOf(model, quantize), tensors });
}

function limits(options: LoadOptions) {
  const check = (name: keyof typeof DEFAULT_LIMITS) => {
    const value = options[name] ?? DEFAULT_LIMITS[name];
    if (!Number.isSafeInteger(value) || value < 0) throw invalidValue(name, 'the load options', 'a non-negative integer', value);
    return value;
  };
  return { maxBytes: check('maxBytes'), maxParameters: check('maxParameters'), maxHeaderBytes: check('maxHeaderBytes') };
}

/**
 * A format-1 header (`{ format, formatVersion: 1, model, weights: [{ path, shape, dtype,
 * byteOffset, byteLength }] }`) as a container header, so it goes through the same checks.
 */
export function containerHeaderFromV1(json: unknown, options: LoadOptions, what: string): ContainerHeader {
  const header = json as Partial<ModelArtifactsHeader> | null;
  const where = `the ${what} header`;
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw invalidValue('header', where, 'a JSON object', header);
  if (!Array.isArray(header.weights)) throw invalidValue('weights', where, 'a list of { path, shape, dtype, byteOffset, byteLength }', header.weights ?? null);
  const tensors = header.weights.map((w: unknown, i) => {
    const { path, shape, dtype, byteOffset, byteLength } = (w ?? {}) as Partial<WeightSpec>;
    for (const [field, value] of [['byteOffset', byteOffset], ['byteLength', byteLength]] as const) {
      if (!Number.isSafeInteger(value) || (value as number) < 0) throw invalidValue(`weights[${i}].${field}`, where, 'a non-negative integer', value ?? null);
    }
    return { name: path, dtype, shape, offsets: [byteOffset!, byteOffset! + byteLength!] };
  });
  const { maxBytes } = limits(options);
  return checkContainerHeader(
    { format: 'loom-container', version: 1, sha256: null, metadata: { format: header.format, formatVersion: header.formatVersion, model: header.model }, tensors },
    { maxBytes, dtypes: FILE_DTYPES, what, allowMissingChecksum: true },
  );
}

/**
 * Checks and opens the bytes of a model file, format 2 (a container) or 1 ("LOOM"), without
 * building anything. `verifyChecksum: false` leaves the checksum to an async caller.
 */
export function decodeModelBytes(bytes: Uint8Array, options: LoadOptions, what: string, verifyChecksum = true): Container {
  const { maxBytes, maxHeaderBytes } = limits(options);
  if (!(bytes instanceof Uint8Array)) throw new LayersError(`Expected the bytes of a saved model (a Uint8Array). Received: ${describeValue(bytes)}.`);
  if (isContainer(bytes)) return decodeContainer(bytes, { maxBytes, maxHeaderBytes, dtypes: FILE_DTYPES, what, verifyChecksum });
  if (bytes.length < 8 || V1_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new LayersError(`The ${what} is not a Loom model file: it starts with neither "LOOMSAFE" (format 2) nor "LOOM" (format 1). Was the file truncated or is it a different format?`);
  }
  if (bytes.length > maxBytes) throw new FileRefusedError(`The ${what} has ${bytes.length} bytes, more than the limit of ${maxBytes} (raise maxBytes if you trust it).`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (headerLength > maxHeaderBytes) throw new FileRefusedError(`The ${what} declares a ${headerLength}-byte header, more than the limit of ${maxHeaderBytes} (raise maxHeaderBytes if you trust it).`);
  if (8 + headerLength > bytes.length) throw new LayersError(`The ${what} header says ${headerLength} bytes but the file has only ${bytes.length - 8}; the file is truncated.`);
  const json = parseJsonBounded(bytes.subarray(8, 8 + headerLength), { maxBytes: maxHeaderBytes, what: `${what} header` });
  const header = containerHeaderFromV1(json, options, what);
  const dataStart = Math.ceil((8 + headerLength) / 4) * 4;
  return openContainer(header, bytes.subarray(Math.min(dataStart, bytes.length)), { what, allowMissingChecksum: true });
}

/**
 * Reads a file written by `serializeModel` (format 2, or format 1 from earlier versions): a
 * `Sequential` or a `FunctionalModel`, whichever was saved. The type parameter only names the
 * class you expect (default `Sequential`): `deserializeModel<FunctionalModel>(bytes)`.
 *
 * Nothing is built or allocated before the file is checked: its size and header (limits in
 * `options`), every weight's byte range, dtype (float32) and values (finite unless
 * `allowNonFinite`), the total parameter count and the SHA-256 of the weights; then the model is
 * rebuilt from its config with each weight taken from the file as its layer asks for it, the
 * shape checked first (nothing is randomly initialised). Refusals are named errors
 * (`LayersError`, or `FileRefusedError`/`InvalidFileError`/`ChecksumError` from `@loom-ml/core`).
 *
 * @example
 * const model = deserializeModel(bytes, { maxBytes: 100e6 });
 */
export function deserializeModel<M extends Model = Sequential>(bytes: Uint8Array, options: LoadOptions = {}): M {
  return modelFromContainer<M>(decodeModelBytes(bytes, options, 'saved model'), options, 'saved model');
}

/**
 * Rebuilds a model from a format-1 header and its weight bytes, or a format-2 container header
 * (`JSON.parse` of a model folder's `model.json`) and its payload. The same checks as
 * `deserializeModel` apply.
 *
 * @example
 * const model = modelFromArtifacts(JSON.parse(modelJson), weightBytes);
 */
export function modelFromArtifacts<M extends Model = Sequential>(header: ModelArtifactsHeader | ContainerHeader, data: Uint8Array, options: LoadOptions = {}): M {
  const what = 'saved model';
  const { maxBytes } = limits(options);
  const isV2 = (header as { format?: unknown } | null)?.format === 'loom-container';
  const checked = isV2 ? checkContainerHeader(header, { maxBytes, dtypes: FILE_DTYPES, what }) : containerHeaderFromV1(header, options, what);
  return modelFromContainer<M>(openContainer(checked, data, { what, allowMissingChecksum: !isV2 }), options, what);
}

function allFinite(container: Container, tensor: Container['tensors'][number]): boolean {
  // Quantised int8: finite by construction (the container checked its scales are finite).
  if (tensor.dtype === 'int8') return true;
  const [begin, end] = tensor.offsets;
  const offset = container.payload.byteOffset + begin;
  if (tensor.dtype === 'float16') {
    const view = new DataView(container.payload.buffer, offset, end - begin);
    for (let i = 0; i < end - begin; i += 2) if (isNonFiniteHalf(view.getUint16(i, true))) return false;
    return true;
  }
  // Read in place (no copy) when aligned; otherwise through a DataView.
  if (offset % 4 === 0) {
    const values = new Float32Array(container.payload.buffer, offset, (end - begin) / 4);
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
    return true;
  }
  const view = new DataView(container.payload.buffer, offset, end - begin);
  for (let i = 0; i < end - begin; i += 4) if (!Number.isFinite(view.getFloat32(i, true))) return false;
  return true;
}

function checkMetadata(metadata: unknown, what: string): ModelMetadata {
  const m = metadata as Partial<ModelMetadata> | null;
  const where = `the ${what}`;
  if (m === null || typeof m !== 'object' || m.format !== MODEL_FORMAT) {
    throw invalidValue('format', where, `'${MODEL_FORMAT}' (a container written by serializeModel or saveModel)`, m === null || typeof m !== 'object' ? m : (m.format ?? null));
  }
  if (m.formatVersion !== 1 && m.formatVersion !== 2 && m.formatVersion !== 3) {
    throw invalidValue('formatVersion', where, '1, 2 or 3 (files from a newer Loom need that version to load)', m.formatVersion ?? null);
  }
  if (m.model === null || typeof m.model !== 'object' || Array.isArray(m.model)) throw invalidValue('model', where, 'a model config object', m.model ?? null);
  if (m.formatVersion === 3 && m.quantization !== 'int8' && m.quantization !== 'float16') {
    throw invalidValue('quantization', where, "'int8' or 'float16' (format 3 holds quantised weights)", m.quantization ?? null);
  }
  return m as ModelMetadata;
}

/**
 * The stored dtype of every weight must be one its format allows: float32 always; float16 and
 * quantised int8 (with its float32 scales) only in format 3.
 */
function checkWeightDtype(container: Container, tensor: Container['tensors'][number], metadata: ModelMetadata, what: string, isScales: boolean): void {
  const field = `dtype\` of weight \`${tensor.name}`;
  const quantized = metadata.formatVersion === 3;
  const expected = quantized ? "'float32', 'float16', or 'int8' with per-channel scales (format 3)" : "'float32' (Loom layers' weights are float32)";
  if (tensor.dtype === 'float32') return;
  if (quantized && tensor.dtype === 'float16' && !isScales) return;
  if (quantized && tensor.dtype === 'int8' && tensor.quantization !== undefined) {
    const scales = container.get(tensor.quantization.scales);
    if (tensor.quantization.scales !== `${tensor.name}${SCALES_SUFFIX}` || scales === undefined) {
      throw invalidValue(`quantization.scales\` of weight \`${tensor.name}`, `the ${what}`, `'${tensor.name}${SCALES_SUFFIX}'`, tensor.quantization.scales);
    }
    return;
  }
  throw invalidValue(field, `the ${what}`, expected, tensor.quantization === undefined ? tensor.dtype : `quantised ${tensor.dtype}`);
}

/**
 * Builds the model a checked container describes. Before building: the metadata, the
 * parameter count, each weight's dtype and finiteness. While building: each `addWeight` takes
 * its value from the file after checking the name and shape. After: no weight may be left
 * unused. On any error every variable made so far is disposed.
 */
export function modelFromContainer<M extends Model = Sequential>(container: Container, options: LoadOptions, what: string): M {
  const metadata = checkMetadata(container.metadata, what);
  const { maxParameters } = limits(options);
  // Scales tensors belong to their int8 weight: not weights of a layer themselves.
  const scalesOf = new Map(container.tensors.filter((t) => t.quantization !== undefined).map((t) => [t.quantization!.scales, t.name]));
  let parameters = 0;
  for (const tensor of container.tensors) {
    parameters += tensor.shape.reduce((a, b) => a * b, 1);
    if (parameters > maxParameters) {
      throw new LayersError(`The ${what} declares more than ${maxParameters} weight values (the maxParameters limit; raise it if you trust the model).`);
    }
    checkWeightDtype(container, tensor, metadata, what, scalesOf.has(tensor.name));
    if (options.allowNonFinite !== true && !allFinite(container, tensor)) {
      throw new LayersError(`The ${what} has NaN or infinite values in weight '${tensor.name}'; refused (pass allowNonFinite: true to load it anyway).`);
    }
  }
  const used = new Set<string>(scalesOf.keys());
  const variables: tf.Variable[] = [];
  try {
    const model = withWeightSource(
      {
        take: (path, shape, where) => {
          const tensor = container.get(path);
          if (tensor === undefined || used.has(path)) throw new LayersError(`The ${what} has no values for weight '${path}' of ${where} (shape [${shape.join(', ')}]).`);
          if (!tf.util.arraysEqual(tensor.shape, shape)) {
            throw new LayersError(`Invalid value for the shape of weight '${path}' in the ${what}. Expected [${shape.join(', ')}] (what ${where}'s config gives). Received: [${tensor.shape.join(', ')}].`);
          }
          used.add(path);
          // float32 copied, float16 widened, int8 dequantised with its per-channel scales.
          return tf.tensor(container.readFloat32(tensor), shape, 'float32');
        },
        created: (variable) => variables.push(variable),
      },
      () => modelFromConfig(metadata.model, options, what),
    );
    const unused = container.tensors.filter((t) => !used.has(t.name)).map((t) => t.name);
    if (unused.length > 0) {
      model.dispose();
      throw invalidValue('weights', `the ${what}`, 'only weights of its layers', unused.length > 5 ? [...unused.slice(0, 5), `… ${unused.length - 5} more`] : unused);
    }
    return model as unknown as M;
  } catch (error) {
    for (const variable of variables) if (!variable.isDisposed) variable.dispose();
    if (LoomError.isInstance(error)) throw error;
    // A config that slips past a layer's own checks must still give a named error.
    throw new LayersError(`The ${what}'s model config could not be rebuilt: ${describeValue(`${(error as Error)?.name}: ${(error as Error)?.message}`, 200)}.`);
  }
}

function checkInputShape(value: unknown, where: string): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > 8 || !value.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw invalidValue('inputShape', where, 'a list of positive integers without the batch dimension', value);
  }
  return value as number[];
}

function modelFromConfig(config: ModelConfig, options: LoadOptions, what: string): Sequential | FunctionalModel {
  const where = `the ${what}`;
  if (config.name !== undefined && typeof config.name !== 'string') throw invalidValue('model.name', where, 'a string', config.name);
  if (config.className === 'Sequential') {
    if (!Array.isArray(config.layers) || config.layers.length === 0) throw invalidValue('model.layers', where, 'a non-empty list of { className, config }', config.layers ?? null);
    const inputShape = checkInputShape(config.inputShape, `${where} (Sequential '${config.name}')`);
    const layers = config.layers.map((l, index) => {
      const entry = (l ?? {}) as { className?: unknown; config?: unknown };
      return layerFromConfig(entry.className as string, entry.config as Record<string, unknown>, options.customLayers, `model.layers[${index}] of ${where}`);
    });
    return new Sequential(layers, { ...(config.name !== undefined ? { name: config.name } : {}), ...(inputShape ? { inputShape } : {}) });
  }
  if (config.className === 'Functional') return functionalFromConfig(config, options.customLayers);
  throw invalidValue('model.className', where, "'Sequential' or 'Functional'", config.className ?? null);
}
