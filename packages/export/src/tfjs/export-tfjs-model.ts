import type { Model } from '@loom-ml/layers';
import { ExportError } from '../errors.js';
import { LayerConfig } from '../layer-config.js';
import { layerWeightValues, readModelGraph, type GraphNode } from '../model-graph.js';
import { KERAS_CONVERTERS, NO_KERAS_EQUIVALENT, type KerasLayer } from './keras-layers.js';

const EXPORTER = 'exportTfjsModel';
/** The tfjs-layers version whose format this writes (and whose loadLayersModel the tests use). */
export const TFJS_LAYERS_VERSION = '4.22.0';

/** One entry of `weightSpecs` / a model.json's `weightsManifest[].weights`. */
export interface TfjsExportWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/**
 * What `exportTfjsModel` returns: tfjs' in-memory model artifacts (`tf.io.ModelArtifacts`), the
 * same JSON and bytes a `model.json` and its weight file hold.
 */
export interface TfjsExportArtifacts {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string;
  /** The Keras-format topology: `{ class_name: 'Sequential' | 'Model', config, keras_version, backend }`. */
  modelTopology: Record<string, unknown>;
  weightSpecs: TfjsExportWeightSpec[];
  /** Every weight's float32 values, in `weightSpecs` order. */
  weightData: ArrayBuffer;
}

function keras(node: GraphNode): KerasLayer {
  const { layer } = node;
  const convert = KERAS_CONVERTERS[layer.className];
  if (convert === undefined) {
    const reason = NO_KERAS_EQUIVALENT[layer.className] ?? 'it has no tfjs-layers counterpart that Loom knows of';
    throw new ExportError(
      `${EXPORTER} cannot write ${layer.describe()}: ${reason}. Export the model to ONNX instead (exportOnnx), or replace the layer. Layers with a tfjs-layers counterpart: ${Object.keys(KERAS_CONVERTERS).filter((n) => n !== 'GRU').join(', ')}.`,
    );
  }
  const config = new LayerConfig(layer, node.config, EXPORTER);
  const converted = convert(config, node.inputShapes);
  config.done();
  return { ...converted, config: { ...converted.config, name: layer.name, trainable: layer.trainable, dtype: 'float32' } };
}

/**
 * Writes a Loom model (Sequential or functional) as a tfjs-layers model: the Keras-format
 * topology and the weights, as tfjs' in-memory artifacts. `tf.loadLayersModel` (tfjs-layers
 * 4.22) loads them and predicts what Loom does; `importTfjsModel` from `@loom-ml/layers` reads
 * them back into the same Loom model; `tensorflowjs_converter --input_format=tfjs_layers_model
 * --output_format=keras` turns the files `writeTfjsModel` writes into a Keras HDF5 model.
 * A layer without a tfjs-layers counterpart (MultiHeadAttention, TransformerEncoder,
 * PositionalEmbedding, GRU, a leakyRelu activation) is an ExportError naming it: export such
 * models to ONNX.
 *
 * @example
 * const artifacts = await exportTfjsModel(model);
 * const tfjsModel = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
 */
export async function exportTfjsModel(model: Model): Promise<TfjsExportArtifacts> {
  const graph = readModelGraph(model, EXPORTER);
  const converted = new Map<string, KerasLayer>();
  for (const node of graph.nodes) if (!converted.has(node.layer.name)) converted.set(node.layer.name, keras(node));

  let layers: Record<string, unknown>[];
  let className: string;
  const refer = (id: string): [string, number] => {
    const cut = id.lastIndexOf('#');
    return [id.slice(0, cut), Number(id.slice(cut + 1))];
  };
  if (graph.className === 'Sequential') {
    className = 'Sequential';
    const input = graph.inputs[0]!;
    layers = graph.nodes.map((node, index) => {
      const entry = converted.get(node.layer.name)!;
      const config = index === 0 ? { ...entry.config, batch_input_shape: [null, ...input.shape] } : entry.config;
      return { class_name: entry.className, config };
    });
  } else {
    className = 'Model';
    const inputLayers = graph.inputs.map((input) => ({
      class_name: 'InputLayer',
      name: input.name,
      config: { batch_input_shape: [null, ...input.shape], dtype: input.dtype, sparse: false, name: input.name },
      inbound_nodes: [],
    }));
    const calls = new Map<string, GraphNode[]>();
    for (const node of graph.nodes) calls.set(node.layer.name, [...(calls.get(node.layer.name) ?? []), node]);
    const callLayers = [...converted.entries()].map(([name, entry]) => ({
      class_name: entry.className,
      name,
      config: entry.config,
      inbound_nodes: calls.get(name)!.map((node) => node.inputs.map((id) => [...refer(id), 0, {}])),
    }));
    layers = [...inputLayers, ...callLayers];
  }
  const config =
    graph.className === 'Sequential'
      ? { name: graph.name, layers }
      : {
          name: graph.name,
          layers,
          input_layers: graph.inputs.map((input) => [input.name, 0, 0]),
          output_layers: graph.outputs.map((id) => [...refer(id), 0]),
        };

  const weightSpecs: TfjsExportWeightSpec[] = [];
  const chunks: Float32Array[] = [];
  for (const node of graph.nodes) {
    if (node.call !== 0) continue;
    const { layer } = node;
    const values = await layerWeightValues(layer);
    for (const [kerasName, loomName] of converted.get(layer.name)!.weights) {
      const value = values.get(loomName);
      if (value === undefined) throw new ExportError(`${EXPORTER}: ${layer.describe()} has no weight '${loomName}' (its weights: ${[...values.keys()].join(', ') || 'none'}).`);
      values.delete(loomName);
      weightSpecs.push({ name: `${layer.name}/${kerasName}`, shape: value.shape, dtype: 'float32' });
      chunks.push(value.values);
    }
    if (values.size > 0) throw new ExportError(`${EXPORTER} cannot write the weight(s) ${[...values.keys()].map((n) => `'${n}'`).join(', ')} of ${layer.describe()}: its tfjs-layers counterpart has no place for them.`);
  }
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.length;
  }
  return {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${TFJS_LAYERS_VERSION}`,
    convertedBy: 'Loom @loom-ml/export',
    modelTopology: { class_name: className, config, keras_version: `tfjs-layers ${TFJS_LAYERS_VERSION}`, backend: 'tensor_flow.js' },
    weightSpecs,
    weightData: data.buffer,
  };
}

/**
 * The `model.json` object for artifacts whose weights are stored in one file `weightsPath`
 * (relative to the model.json), as tfjs' file and HTTP loaders read it.
 *
 * @example
 * const json = tfjsModelJson(await exportTfjsModel(model), 'weights.bin');
 */
export function tfjsModelJson(artifacts: TfjsExportArtifacts, weightsPath: string): Record<string, unknown> {
  return {
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs }],
  };
}
