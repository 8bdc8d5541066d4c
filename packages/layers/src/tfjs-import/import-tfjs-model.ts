import * as tf from '@tensorflow/tfjs-core';
import { describeValue, LoomError } from '@loom-ml/core';
import { LayersError, invalidValue } from '../errors.js';
import { DEFAULT_LIMITS } from '../serialization/limits.js';
import { withWeightSource } from '../serialization/weight-source.js';
import type { Layer } from '../core/layer.js';
import type { Shape } from '../core/shape.js';
import { Sequential } from '../model/sequential.js';
import type { Model } from '../model/model.js';
import { FunctionalModel } from '../functional/functional-model.js';
import { input, type SymbolicTensor } from '../functional/symbolic-tensor.js';
import { readKerasGraph, type KerasGraph, type KerasGraphLayer, type KerasTensorReference } from './functional-topology.js';
import { LAYER_CONVERTERS, type ConvertedLayer } from './layer-converters.js';
import { LayerConfigReader } from './layer-config-reader.js';
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
  /** Largest weight data accepted, in bytes (default 512 MiB). */
  maxBytes?: number;
  /** Most weight values the manifest may declare (default 2^27). */
  maxParameters?: number;
  /** Accept NaN and ±Infinity weights (default false: a model holding any is refused). */
  allowNonFinite?: boolean;
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
 * Imports a tfjs-layers model (`model.json` + weight shards) with the same weights, for the
 * layers both libraries have: a `Sequential` becomes a Loom `Sequential`, a functional
 * `Model`/`Functional` graph (several inputs or outputs, shared layers, merge layers) a Loom
 * `FunctionalModel`. Pass in-memory artifacts (`{ modelTopology, weightSpecs, weightData }`)
 * as tfjs `io` handlers produce them, or the handler itself (anything with `load()`); in
 * Node.js, `readTfjsModel(path)` from `@loom-ml/layers/node` reads a `model.json` and its shards. Anything Loom cannot compute exactly (an
 * unknown layer class, channels_first, hard_sigmoid, a reset_after=false GRU, a weight of the
 * wrong shape) is a LayersError naming the layer, its class and the field. The type parameter
 * only names the class you expect (default `Sequential`): `importTfjsModel<FunctionalModel>(...)`.
 *
 * @example
 * const model = await importTfjsModel(await readTfjsModel('exported/model.json'));
 * const probabilities = model.apply(tf.zeros([1, 784])) as tf.Tensor;
 */
export async function importTfjsModel<M extends Model = Sequential>(source: TfjsModelArtifacts | tf.io.IOHandler, options: ImportTfjsOptions = {}): Promise<M> {
  if (options.inputShape !== undefined && !isKnownShape(options.inputShape)) {
    throw invalidValue('inputShape', 'importTfjsModel', 'an array of positive integers without the batch dimension', options.inputShape);
  }
  const maxBytes = options.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const maxParameters = options.maxParameters ?? DEFAULT_LIMITS.maxParameters;
  const artifacts = await resolveArtifacts(source);
  const { className, config, kerasVersion } = modelConfig(artifacts.modelTopology);
  const data = concatWeightData(artifacts.weightData, maxBytes);
  const store = new TfjsWeightStore(artifacts.weightSpecs ?? [], data, options.allowNonFinite === true);
  const parameters = store.parameterCount();
  if (parameters > maxParameters) {
    throw new LayersError(`The tfjs model's weight manifest declares ${parameters} weight values, more than the maxParameters limit of ${maxParameters} (raise it if you trust the model).`);
  }
  const gruResetAfterDefault = !kerasVersion.startsWith('tfjs');
  // Layers are built with zeros, and only about as many values as the manifest holds: a topology
  // declaring 20000x20000 kernels over a small manifest is refused before any allocation. The
  // slack lets the exact checks below name a missing or misshapen weight, and covers the weights
  // Loom layers have that tfjs ones may lack (LayerNormalization's gamma/beta when not scaled/centred).
  let budget = 2 * parameters + 65536;
  const variables: tf.Variable[] = [];
  const source_ = {
    take: (path: string, shape: number[], where: string) => {
      const size = shape.reduce((a, b) => a * b, 1);
      if (size > budget) {
        throw new LayersError(`${where} needs a weight '${path}' of shape [${shape.join(', ')}] (${size} values), more than the tfjs model's weight manifest can account for (${budget} values left); refused before allocating.`);
      }
      budget -= size;
      return tf.zeros(shape);
    },
    created: (variable: tf.Variable) => variables.push(variable),
  };
  try {
    return withWeightSource(source_, () => {
      if (className === 'Model' || className === 'Functional') {
        const where = `${className} '${(config as { name?: unknown } | undefined)?.name ?? 'model'}'`;
        const graph = readKerasGraph(config, `the tfjs model ${where}`);
        const { model, converted } = buildFunctional(graph, options, gruResetAfterDefault);
        assignAllWeights(model, converted, store);
        return model as unknown as M;
      }
      const { name: savedName, layers: layerJsons } = sequentialConfig(className, config);
      const { inputShape, converted } = convertLayers(layerJsons, options.inputShape, gruResetAfterDefault);
      const name = options.name ?? savedName;
      const model = new Sequential(
        converted.map((c) => c.result.layer),
        { ...(name !== undefined ? { name } : {}), inputShape },
      );
      assignAllWeights(model, converted, store);
      return model as unknown as M;
    });
  } catch (error) {
    for (const variable of variables) if (!variable.isDisposed) variable.dispose();
    if (LoomError.isInstance(error)) throw error;
    throw new LayersError(`The tfjs model could not be imported: ${describeValue(`${(error as Error)?.name}: ${(error as Error)?.message}`, 200)}.`);
  }
}

/** Copies every converted layer's weights from the store; disposes the model on any error. */
function assignAllWeights(model: Model, converted: { reader: LayerConfigReader; result: ConvertedLayer }[], store: TfjsWeightStore): void {
  try {
    for (const { reader, result } of converted) {
      const weights = store.forLayer(reader.name, reader.where);
      const values = result.weights(weights);
      weights.checkAllTaken();
      assignWeights(result.layer, values, reader);
    }
    const unused = store.unused();
    if (unused.length > 0) throw invalidValue('weightSpecs', `${model.className} '${model.name}'`, 'only weights of its layers', unused);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * Rebuilds a saved functional graph with Loom layers: the InputLayers become `input()`s, then
 * each call is connected once the tensors it reads exist (Keras lists a shared layer before
 * some of the tensors its later calls read, so list order is not call order).
 */
function buildFunctional(
  graph: KerasGraph,
  options: ImportTfjsOptions,
  gruResetAfterDefault: boolean,
): { model: FunctionalModel; converted: { reader: LayerConfigReader; result: ConvertedLayer }[] } {
  const key = (layer: string, node: number) => `${layer}#${node}`;
  const tensors = new Map<string, SymbolicTensor>();
  const converted = new Map<string, { reader: LayerConfigReader; result: ConvertedLayer }>();
  const inputLayers = graph.layers.filter((l) => l.className === 'InputLayer');
  if (options.inputShape !== undefined && inputLayers.length !== 1) {
    throw invalidValue('inputShape', 'importTfjsModel', `no inputShape for a model with ${inputLayers.length} inputs (their saved shapes must be fully known)`, options.inputShape);
  }
  for (const layer of inputLayers) {
    const where = `InputLayer '${layer.name}'`;
    const saved = batchShape(layer.config);
    const shape = options.inputShape ?? (Array.isArray(saved) ? saved.slice(1) : undefined);
    if (!isKnownShape(shape)) {
      throw invalidValue('batch_input_shape', where, 'a fully known input shape (for a one-input model pass options.inputShape, e.g. { inputShape: [100] })', saved ?? null);
    }
    const dtype = layer.config.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'int32') throw invalidValue('dtype', where, "'float32' or 'int32'", dtype);
    tensors.set(key(layer.name, 0), input({ shape, name: layer.name, dtype }));
  }
  const resolve = (ref: KerasTensorReference, where: string): SymbolicTensor | undefined => {
    if (ref.tensor !== 0) throw invalidValue('inbound_nodes', where, 'tensor index 0 (Loom layers have one output)', [ref.layer, ref.node, ref.tensor]);
    return tensors.get(key(ref.layer, ref.node));
  };
  let pending: { layer: KerasGraphLayer; node: number }[] = graph.layers
    .filter((l) => l.className !== 'InputLayer')
    .flatMap((layer) => layer.calls.map((_, node) => ({ layer, node })));
  try {
    while (pending.length > 0) {
      const waiting: typeof pending = [];
      for (const call of pending) {
        const { layer, node } = call;
        const where = `${layer.className} '${layer.name}'`;
        const earlierCallWaits = waiting.some((w) => w.layer === layer);
        const inbound = layer.calls[node]!.map((ref) => resolve(ref, where));
        if (earlierCallWaits || inbound.some((t) => t === undefined)) {
          waiting.push(call);
          continue;
        }
        let entry = converted.get(layer.name);
        if (entry === undefined) {
          const reader = new LayerConfigReader(layer.className, layer.name, layer.config);
          const converter = LAYER_CONVERTERS[layer.className];
          if (converter === undefined) throw invalidValue('class_name', reader.where, `one of ${Object.keys(LAYER_CONVERTERS).join(', ')}`, layer.className);
          entry = { reader, result: converter(reader, { inputShape: inbound[0]!.shape, gruResetAfterDefault }) };
          converted.set(layer.name, entry);
        }
        tensors.set(key(layer.name, node), entry.result.layer.connect(inbound as SymbolicTensor[]));
      }
      if (waiting.length === pending.length) {
        const { layer, node } = waiting[0]!;
        throw invalidValue('inbound_nodes', `${layer.className} '${layer.name}'`, 'calls on tensors of the model (its inputs or other layers\' calls)', layer.calls[node]!.map((r) => [r.layer, r.node, r.tensor]));
      }
      pending = waiting;
    }
    const end = (field: 'input_layers' | 'output_layers', ref: KerasTensorReference) => {
      const tensor = resolve(ref, 'the tfjs model');
      if (tensor === undefined) throw invalidValue(field, `the tfjs model '${graph.name ?? 'model'}'`, 'references to layers of the model', [ref.layer, ref.node, ref.tensor]);
      return tensor;
    };
    const name = options.name ?? graph.name;
    const model = new FunctionalModel({
      inputs: graph.inputs.map((ref) => end('input_layers', ref)),
      outputs: graph.outputs.map((ref) => end('output_layers', ref)),
      ...(name !== undefined ? { name } : {}),
    });
    // Weights are assigned in the order layers are first called.
    const ordered = model.layers.map((layer) => converted.get(layer.name)!);
    return { model, converted: ordered };
  } catch (error) {
    for (const { result } of converted.values()) result.layer.dispose();
    throw error;
  }
}

function isKnownShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.length > 0 && shape.every((d) => Number.isInteger(d) && d > 0);
}

async function resolveArtifacts(source: TfjsModelArtifacts | tf.io.IOHandler): Promise<TfjsModelArtifacts> {
  if (typeof source === 'string') {
    throw invalidValue('artifacts', 'importTfjsModel', "{ modelTopology, weightSpecs, weightData } or a tfjs io handler; for a model.json path in Node.js use importTfjsModel(await readTfjsModel(path)) with readTfjsModel from '@loom-ml/layers/node'", source);
  }
  const artifacts = isLoadHandler(source) ? ((await source.load()) as TfjsModelArtifacts) : (source as TfjsModelArtifacts);
  if (artifacts === null || typeof artifacts !== 'object' || artifacts.modelTopology === undefined) {
    throw invalidValue('artifacts', 'importTfjsModel', '{ modelTopology, weightSpecs, weightData } or a tfjs io handler', artifacts);
  }
  if (artifacts.format !== undefined && artifacts.format !== 'layers-model') {
    throw invalidValue('format', 'the tfjs model', "'layers-model' (graph models from tfjs-converter have no layers to import)", artifacts.format);
  }
  return artifacts;
}

/** The Sequential's name and layer list; other model classes are refused. */
function sequentialConfig(className: unknown, config: unknown): { name: string | undefined; layers: KerasLayerJson[] } {
  const savedName = (config as { name?: unknown } | undefined)?.name;
  const name = typeof savedName === 'string' ? savedName : undefined;
  const where = `${String(className)} '${name ?? 'model'}'`;
  if (className !== 'Sequential') {
    throw invalidValue('class_name', `the tfjs model ${where}`, "'Sequential', 'Model' or 'Functional'", className);
  }
  // Old Keras wrote a Sequential's config as the bare list of layers.
  const layers = (Array.isArray(config) ? config : (config as { layers?: unknown } | undefined)?.layers) as KerasLayerJson[] | undefined;
  if (!Array.isArray(layers) || layers.length === 0) throw invalidValue('layers', where, 'a non-empty list of layers', layers ?? null);
  return { name, layers };
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
