import * as tf from '@tensorflow/tfjs-core';
import { LayersError } from '../errors.js';
import type { Model, ModelConfig } from '../model/model.js';
import type { FunctionalModel } from '../functional/functional-model.js';
import { Sequential } from '../model/sequential.js';
import { functionalFromConfig } from '../functional/functional-from-config.js';
import { layerFromConfig, type LayerFactory } from './registry.js';

/** Where each weight lives in the binary blob. */
export interface WeightSpec {
  path: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  byteOffset: number;
  byteLength: number;
}

/** The JSON half of a saved model. */
export interface ModelArtifactsHeader {
  format: 'loom-model';
  formatVersion: 1;
  model: ModelConfig;
  weights: WeightSpec[];
}

export interface LoadOptions {
  /** Factories for layers defined outside @loom-ml/layers, by class name. */
  customLayers?: Record<string, LayerFactory>;
}

const MAGIC = [0x4c, 0x4f, 0x4f, 0x4d]; // "LOOM"

/** The config and weight values of a model, as a header and one little-endian buffer. */
export async function modelArtifacts(model: Model): Promise<{ header: ModelArtifactsHeader; data: Uint8Array }> {
  const values = await Promise.all(model.weights.map((w) => w.variable.data()));
  const specs: WeightSpec[] = [];
  let offset = 0;
  model.weights.forEach((w, i) => {
    const byteLength = values[i]!.length * 4;
    specs.push({ path: w.path, shape: [...w.variable.shape], dtype: w.variable.dtype === 'int32' ? 'int32' : 'float32', byteOffset: offset, byteLength });
    offset += byteLength;
  });
  const data = new Uint8Array(offset);
  values.forEach((v, i) => data.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), specs[i]!.byteOffset));
  return { header: { format: 'loom-model', formatVersion: 1, model: model.getConfig(), weights: specs }, data };
}

/**
 * One self-contained blob (works in browsers and Node): "LOOM", a u32 header length, the JSON
 * header, padding to 4 bytes, then the weights.
 *
 * @example
 * const bytes = await serializeModel(model);
 * const copy = deserializeModel(bytes);
 */
export async function serializeModel(model: Model): Promise<Uint8Array> {
  const { header, data } = await modelArtifacts(model);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((8 + json.length) / 4) * 4;
  const bytes = new Uint8Array(dataStart + data.length);
  bytes.set(MAGIC, 0);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, 8);
  bytes.set(data, dataStart);
  return bytes;
}

/**
 * Reads a blob written by `serializeModel`: a `Sequential` or a `FunctionalModel`, whichever
 * was saved. The type parameter only names the class you expect (default `Sequential`, as
 * before functional models existed): `deserializeModel<FunctionalModel>(bytes)`.
 */
export function deserializeModel<M extends Model = Sequential>(bytes: Uint8Array, options: LoadOptions = {}): M {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new LayersError('deserializeModel expected bytes written by serializeModel (starting with "LOOM"); received something else. Was the file truncated or is it a different format?');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new LayersError(`deserializeModel: the header says ${headerLength} bytes but the blob has only ${bytes.length - 8}; the file is truncated.`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as ModelArtifactsHeader;
  const dataStart = Math.ceil((8 + headerLength) / 4) * 4;
  return modelFromArtifacts<M>(header, bytes.subarray(dataStart), options);
}

/** Rebuilds a model (Sequential or Functional) from its header and weight bytes (any byte alignment). */
export function modelFromArtifacts<M extends Model = Sequential>(header: ModelArtifactsHeader, data: Uint8Array, options: LoadOptions = {}): M {
  if (header?.format !== 'loom-model' || header.formatVersion !== 1) {
    throw new LayersError(`Expected a Loom model (format 'loom-model', version 1); received format ${JSON.stringify(header?.format)} version ${JSON.stringify(header?.formatVersion)}.`);
  }
  const model = modelFromConfig(header.model, options);
  try {
    const byPath = new Map(header.weights.map((w) => [w.path, w]));
    const values = model.weights.map((w) => {
      const spec = byPath.get(w.path);
      if (spec === undefined) throw new LayersError(`The saved model has no values for weight '${w.path}'.`);
      if (spec.byteOffset + spec.byteLength > data.length) throw new LayersError(`The saved weights end before '${w.path}'; the file is truncated.`);
      const copy = data.slice(spec.byteOffset, spec.byteOffset + spec.byteLength);
      const array = spec.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
      return tf.tensor(array, spec.shape, spec.dtype);
    });
    try {
      model.setWeights(values);
    } finally {
      tf.dispose(values);
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model as unknown as M;
}

function modelFromConfig(config: ModelConfig, options: LoadOptions): Sequential | FunctionalModel {
  if (config?.className === 'Sequential') {
    const layers = config.layers.map((l) => layerFromConfig(l.className, l.config, options.customLayers));
    return new Sequential(layers, { name: config.name, inputShape: config.inputShape as number[] });
  }
  if (config?.className === 'Functional') return functionalFromConfig(config, options.customLayers);
  throw new LayersError(`Loading a '${config?.className}' model is not supported; Sequential and Functional models load.`);
}
