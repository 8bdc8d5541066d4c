import type * as tf from '@tensorflow/tfjs-core';
import type { Layer, Model, Shape } from '@loom-ml/layers';
import { ExportError, invalidValue } from './errors.js';

/** A model input: its name, shape without the batch dimension and dtype. */
export interface GraphInput {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

/** One call of a layer: what it reads and the tensor it makes (ids are `name#call`). */
export interface GraphNode {
  layer: Layer;
  /** The layer's own config, from `getConfig()`. */
  config: Record<string, unknown>;
  /** Which call of the layer this is (0 for the first; shared layers have more). */
  call: number;
  inputs: string[];
  inputShapes: Shape[];
  output: string;
  outputShape: Shape;
}

/** A model as a list of layer calls in dependency order, read through the public model API. */
export interface ModelGraph {
  name: string;
  /** 'Sequential' or 'Functional'. */
  className: string;
  inputs: GraphInput[];
  nodes: GraphNode[];
  outputs: string[];
}

/** The id of a tensor: `[name, call]` as functional configs write it. */
export function tensorId(name: string, call: number): string {
  return `${name}#${call}`;
}

interface FunctionalConfig {
  name: string;
  inputs: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[];
  nodes: { layer: string; inbound: [string, number][] }[];
  outputs: [string, number][];
}

/**
 * Reads a Sequential or functional model into calls in dependency order with their shapes,
 * from `getConfig()`, `layers` and each layer's own `computeOutputShape` / `buildForInputs`.
 *
 * @example
 * const graph = readModelGraph(model); // graph.nodes[0].layer.className === 'Dense'
 */
export function readModelGraph(model: Model, where: string): ModelGraph {
  if (model === null || typeof model !== 'object' || typeof (model as { getConfig?: unknown }).getConfig !== 'function') {
    throw invalidValue('model', where, 'a Loom model (sequential() or model() from @loom-ml/layers)', model);
  }
  const config = model.getConfig();
  const layers = (model as unknown as { layers?: readonly Layer[] }).layers;
  if (!Array.isArray(layers)) throw invalidValue('model', where, 'a Sequential or functional model with a layers list', model.className);
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  const configs = new Map(config.layers.map((entry) => [String(entry.config.name), entry.config]));
  const layerConfig = (layer: Layer) => configs.get(layer.name) ?? layer.getConfig();

  if (config.className === 'Sequential') {
    const inputName = 'input';
    const inputShape = model.inputShape;
    let previous = tensorId(inputName, 0);
    let shape: Shape = [null, ...inputShape];
    const nodes: GraphNode[] = layers.map((layer) => {
      const outputShape = layer.computeOutputShape(shape);
      const node: GraphNode = { layer, config: layerConfig(layer), call: 0, inputs: [previous], inputShapes: [shape], output: tensorId(layer.name, 0), outputShape };
      previous = node.output;
      shape = outputShape;
      return node;
    });
    return { name: model.name, className: 'Sequential', inputs: [{ name: inputName, shape: [...inputShape], dtype: 'float32' }], nodes, outputs: [previous] };
  }

  if (config.className !== 'Functional') {
    throw invalidValue('className', `${where} of ${config.className} '${model.name}'`, "a 'Sequential' or 'Functional' model", config.className);
  }
  const graph = config as unknown as FunctionalConfig;
  const shapes = new Map<string, Shape>();
  const inputs = graph.inputs.map((spec) => {
    shapes.set(tensorId(spec.name, 0), [null, ...spec.shape]);
    return { name: spec.name, shape: [...spec.shape], dtype: spec.dtype };
  });
  const calls = new Map<string, number>();
  const nodes = graph.nodes.map((saved) => {
    const layer = byName.get(saved.layer);
    if (layer === undefined) throw new ExportError(`${where}: the config of Functional '${model.name}' calls a layer '${saved.layer}' that is not in its layers list.`);
    const inputIds = saved.inbound.map(([name, call]) => tensorId(name, call));
    const inputShapes = inputIds.map((id) => {
      const known = shapes.get(id);
      if (known === undefined) throw new ExportError(`${where}: ${layer.describe()} reads '${id}' before it is computed.`);
      return known;
    });
    const call = calls.get(layer.name) ?? 0;
    calls.set(layer.name, call + 1);
    // buildForInputs on a built layer only checks the shapes and returns the output shape.
    const outputShape = layer.buildForInputs(inputShapes);
    const output = tensorId(layer.name, call);
    shapes.set(output, outputShape);
    return { layer, config: layerConfig(layer), call, inputs: inputIds, inputShapes, output, outputShape };
  });
  return { name: model.name, className: 'Functional', inputs, nodes, outputs: graph.outputs.map(([name, call]) => tensorId(name, call)) };
}

/** A layer's weights by their name inside the layer (`kernel`, `forward/bias`), as float32 arrays. */
export async function layerWeightValues(layer: Layer): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
  const values = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const weight of layer.weights) {
    const local = weight.path.startsWith(`${layer.name}/`) ? weight.path.slice(layer.name.length + 1) : weight.path;
    const variable: tf.Variable = weight.variable;
    const data = await variable.data();
    values.set(local, { shape: [...variable.shape], values: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>) });
  }
  return values;
}
