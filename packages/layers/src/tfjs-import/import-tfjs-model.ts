import * as tf from '@tensorflow/tfjs-core';
import { LayersError, invalidValue } from '../errors.js';
import type { Layer } from '../core/layer.js';
import type { Shape } from '../core/shape.js';
import { Sequential } from '../model/sequential.js';
import { LAYER_CONVERTERS, type ConvertedLayer } from './layer-converters.js';
import { LayerConfigReader } from './layer-config-reader.js';
import { readModelJson } from './read-model-json.js';
import type { TfjsModelArtifacts } from './tfjs-artifacts.js';
import { concatWeightData, TfjsWeightStore, type WeightValue } from './tfjs-weights.js';

/**
 * Options of `importTfjsModel`.
 *
 * @example
 * const model = await importTfjsModel('exported/model.json', { inputShape: [200], name: 'sentiment' });
 */
export interface ImportTfjsOptions {
  /**
   * Input shape without the batch dimension. Needed when the saved model leaves a dimension
   * open (`[null, null, 8]`, e.g. a variable-length sequence), since Loom models have fixed inputs.
   */
  inputShape?: number[];
  /** Name of the returned model; default the saved model's name. */
  name?: string;
}

interface KerasLayerJson {
  class_name?: unknown;
  config?: Record<string, unknown>;
}

/** Keras' converter nests the model under `model_config`; tfjs-layers writes it directly. */
function modelConfig(topology: unknown): { className: unknown; config: unknown; kerasVersion: string } {
  const root = (topology ?? {}) as Record<string, unknown>;
  const model = (root.model_config ?? root) as Record<string, unknown>;
  return { className: model.class_name, config: model.config, kerasVersion: String(root.keras_version ?? '') };
}

function batchShape(config: Record<string, unknown>): unknown {
  return config.batch_input_shape ?? config.batch_shape;
}

/**
 * Imports a tfjs-layers Sequential model (`model.json` + weight shards) as a Loom `Sequential`
 * with the same weights, for the layers both libraries have. In Node.js pass the path of
 * `model.json`; anywhere, pass in-memory artifacts (`{ modelTopology, weightSpecs, weightData }`)
 * as tfjs `io` handlers produce them, or the handler itself (anything with `load()`). Anything
 * Loom cannot compute exactly (an unknown layer class, channels_first, hard_sigmoid, a
 * reset_after=false GRU, a weight of the wrong shape) is a LayersError naming the layer, its
 * class and the field.
 *
 * @example
 * const model = await importTfjsModel('exported/model.json');
 * const probabilities = model.apply(tf.zeros([1, 784])) as tf.Tensor;
 */
export async function importTfjsModel(source: string | TfjsModelArtifacts | tf.io.IOHandler, options: ImportTfjsOptions = {}): Promise<Sequential> {
  if (options.inputShape !== undefined && !isKnownShape(options.inputShape)) {
    throw invalidValue('inputShape', 'importTfjsModel', 'an array of positive integers without the batch dimension', options.inputShape);
  }
  const artifacts = await resolveArtifacts(source);
  const { name: savedName, layers: layerJsons, kerasVersion } = sequentialConfig(artifacts);
  const store = new TfjsWeightStore(artifacts.weightSpecs ?? [], concatWeightData(artifacts.weightData));
  const { inputShape, converted } = convertLayers(layerJsons, options.inputShape, !kerasVersion.startsWith('tfjs'));
  const name = options.name ?? savedName;
  const model = new Sequential(
    converted.map((c) => c.result.layer),
    { ...(name !== undefined ? { name } : {}), inputShape },
  );
  try {
    for (const { reader, result } of converted) {
      const weights = store.forLayer(reader.name, reader.where);
      const values = result.weights(weights);
      weights.checkAllTaken();
      assignWeights(result.layer, values, reader);
    }
    const unused = store.unused();
    if (unused.length > 0) throw invalidValue('weightSpecs', `Sequential '${model.name}'`, 'only weights of its layers', unused);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

function isKnownShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.length > 0 && shape.every((d) => Number.isInteger(d) && d > 0);
}

async function resolveArtifacts(source: string | TfjsModelArtifacts | tf.io.IOHandler): Promise<TfjsModelArtifacts> {
  const artifacts = typeof source === 'string' ? await readModelJson(source) : isLoadHandler(source) ? ((await source.load()) as TfjsModelArtifacts) : (source as TfjsModelArtifacts);
  if (artifacts === null || typeof artifacts !== 'object' || artifacts.modelTopology === undefined) {
    throw invalidValue('pathOrArtifacts', 'importTfjsModel', 'the path of a model.json or { modelTopology, weightSpecs, weightData }', artifacts);
  }
  if (artifacts.format !== undefined && artifacts.format !== 'layers-model') {
    throw invalidValue('format', 'the tfjs model', "'layers-model' (graph models from tfjs-converter have no layers to import)", artifacts.format);
  }
  return artifacts;
}

/** The Sequential's name and layer list; anything else (a functional Model) is refused. */
function sequentialConfig(artifacts: TfjsModelArtifacts): { name: string | undefined; layers: KerasLayerJson[]; kerasVersion: string } {
  const { className, config, kerasVersion } = modelConfig(artifacts.modelTopology);
  const savedName = (config as { name?: unknown } | undefined)?.name;
  const name = typeof savedName === 'string' ? savedName : undefined;
  const where = `${String(className)} '${name ?? 'model'}'`;
  if (className !== 'Sequential') {
    throw invalidValue('class_name', `the tfjs model ${where}`, "'Sequential' (functional Model graphs cannot be imported yet)", className);
  }
  // Old Keras wrote a Sequential's config as the bare list of layers.
  const layers = (Array.isArray(config) ? config : (config as { layers?: unknown } | undefined)?.layers) as KerasLayerJson[] | undefined;
  if (!Array.isArray(layers) || layers.length === 0) throw invalidValue('layers', where, 'a non-empty list of layers', layers ?? null);
  return { name, layers, kerasVersion };
}

/**
 * Converts each layer in order, tracking the shape flowing between them (converters need
 * their input's rank). The first layer (or a leading InputLayer) gives the input shape.
 */
function convertLayers(
  layerJsons: KerasLayerJson[],
  inputShapeOption: number[] | undefined,
  gruResetAfterDefault: boolean,
): { inputShape: number[]; converted: { reader: LayerConfigReader; result: ConvertedLayer }[] } {
  let inputShape: number[] | undefined;
  let shape: Shape = [];
  const converted: { reader: LayerConfigReader; result: ConvertedLayer }[] = [];
  for (const [index, json] of layerJsons.entries()) {
    const layerClass = typeof json?.class_name === 'string' ? json.class_name : String(json?.class_name);
    const layerConfig = json?.config ?? {};
    const layerName = typeof layerConfig.name === 'string' ? layerConfig.name : `${layerClass}_${index}`;
    if (inputShape === undefined) {
      const saved = batchShape(layerConfig);
      const candidate = inputShapeOption ?? (Array.isArray(saved) ? saved.slice(1) : undefined);
      if (!isKnownShape(candidate)) {
        throw invalidValue('batch_input_shape', `${layerClass} '${layerName}'`, 'a fully known input shape (pass options.inputShape, e.g. { inputShape: [100] }, to fix open dimensions)', saved ?? null);
      }
      inputShape = candidate;
      shape = [null, ...candidate];
      if (layerClass === 'InputLayer') continue;
    } else if (layerClass === 'InputLayer') {
      throw invalidValue('class_name', `${layerClass} '${layerName}'`, 'an InputLayer only as the first layer', layerClass);
    }
    const reader = new LayerConfigReader(layerClass, layerName, layerConfig);
    const converter = LAYER_CONVERTERS[layerClass];
    if (converter === undefined) throw invalidValue('class_name', reader.where, `one of ${Object.keys(LAYER_CONVERTERS).join(', ')}`, layerClass);
    const result = converter(reader, { inputShape: shape, gruResetAfterDefault });
    shape = result.layer.computeOutputShape(shape);
    converted.push({ reader, result });
  }
  if (converted.length === 0) throw invalidValue('layers', 'the tfjs model', 'at least one layer after the InputLayer', layerJsons.length);
  return { inputShape: inputShape!, converted };
}

/** A tfjs io handler (`tf.io.browserFiles(...)`, `tf.io.fromMemory(...)`): anything with `load()`. */
function isLoadHandler(source: unknown): source is { load(): Promise<unknown> } {
  return typeof source === 'object' && source !== null && typeof (source as { load?: unknown }).load === 'function';
}

function assignWeights(layer: Layer, values: Record<string, WeightValue | undefined>, reader: LayerConfigReader): void {
  for (const weight of layer.weights) {
    const key = weight.path.slice(layer.name.length + 1);
    const value = values[key];
    const expected = weight.variable.shape;
    if (value === undefined) {
      throw new LayersError(`Invalid value for \`${key}\` in ${reader.where}. Expected a weight '${reader.name}/…/${key}' of shape [${expected.join(', ')}] in the weight manifest. Received: none.`);
    }
    if (!tf.util.arraysEqual(value.shape, expected)) {
      throw invalidValue(key, reader.where, `a weight of shape [${expected.join(', ')}]`, value.shape);
    }
    const tensor = tf.tensor(value.values, expected, 'float32');
    weight.variable.assign(tensor);
    tensor.dispose();
  }
}
