import type protobuf from 'protobufjs/light.js';
import type { Model } from '@loom-ml/layers';
import { ExportError } from '../errors.js';
import { LayerConfig } from '../layer-config.js';
import { layerWeightValues, readModelGraph, type GraphNode } from '../model-graph.js';
import { ints, OnnxGraphBuilder } from './onnx-graph-builder.js';
import { ONNX_EMITTERS, unknownLayer, type EmitContext, type WeightValue } from './onnx-layers.js';
import { ONNX_DESCRIPTOR, ONNX_FLOAT, ONNX_INT32 } from './onnx-schema.js';

const EXPORTER = 'exportOnnx';
/** The ONNX opset the exported graphs use (ops as of ONNX 1.12): a runtime must support opset 17. */
export const ONNX_OPSET = 17;
/** The ONNX IR version written in exported files, the one that goes with opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;

/** Options of `exportOnnx`. */
export interface ExportOnnxOptions {
  /** Name of the batch dimension of inputs and outputs (default 'batch'), left dynamic. */
  batchDimension?: string;
  /** Written to the model's `doc_string`. */
  docString?: string;
}

/** A layer's weights, and those no ONNX op has taken yet (all must be taken). */
interface LayerWeights {
  all: Map<string, WeightValue>;
  unused: Set<string>;
}

/** One value of the graph: its ONNX names in each layout it has been made in. */
interface Value {
  last?: string;
  first?: string;
  rank: number;
  dtype: 'float32' | 'int32';
}

let modelType: protobuf.Type | undefined;

/** protobufjs is loaded on first use, so an app that only exports to tfjs never carries it. */
async function onnxModelType(): Promise<protobuf.Type> {
  if (modelType === undefined) {
    const { default: library } = await import('protobufjs/light.js');
    modelType = library.Root.fromJSON(ONNX_DESCRIPTOR).lookupType('onnx.ModelProto');
  }
  return modelType;
}

/** Channels first: [batch, channels, ...spatial] from Loom's [batch, ...spatial, channels]. */
const toFirst = (rank: number) => [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
const toLast = (rank: number) => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];

/**
 * Writes a Loom model (Sequential or functional) as an ONNX model (opset 17, IR version 8):
 * the graph of ONNX ops that computes what `model.apply(x, { training: false })` computes, with
 * the weights as initializers and a dynamic batch dimension. Convolutions and pooling run
 * channels first as ONNX wants, with transposes only where the layout changes; LSTM, GRU and
 * SimpleRNN become ONNX's own LSTM / GRU / RNN ops (gates reordered from Keras' order);
 * MultiHeadAttention and TransformerEncoder are decomposed into MatMul, Softmax, Transpose,
 * Reshape and LayerNormalization. Inputs keep the model's input names (a Sequential's is
 * 'input'), float32 or int32 as declared; outputs are named after the layers that make them (a
 * Sequential's is 'output'). The bytes load in onnxruntime (`InferenceSession.create(bytes)`)
 * in Node.js and browsers. A layer or option with no ONNX counterpart is an ExportError naming it.
 *
 * @example
 * const bytes = await exportOnnx(model);
 * const session = await ort.InferenceSession.create(bytes);
 * const { output } = await session.run({ input: new ort.Tensor('float32', pixels, [1, 784]) });
 */
export async function exportOnnx(model: Model, options: ExportOnnxOptions = {}): Promise<Uint8Array> {
  const graph = readModelGraph(model, EXPORTER);
  const batch = options.batchDimension ?? 'batch';
  const b = new OnnxGraphBuilder();
  const values = new Map<string, Value>();
  const graphInputs = graph.inputs.map((input) => {
    const name = b.unique(graph.className === 'Sequential' ? 'input' : input.name);
    values.set(`${input.name}#0`, { last: name, rank: input.shape.length + 1, dtype: input.dtype });
    return { name, shape: input.shape, dtype: input.dtype };
  });
  const weights = new Map<string, LayerWeights>();
  for (const node of graph.nodes) {
    if (node.call !== 0) continue;
    const all = await layerWeightValues(node.layer);
    weights.set(node.layer.name, { all, unused: new Set(all.keys()) });
  }

  for (const node of graph.nodes) emit(b, node, values, weights.get(node.layer.name)!);
  for (const [layer, { unused }] of weights) {
    if (unused.size > 0) throw new ExportError(`${EXPORTER}: the weight(s) ${[...unused].map((n) => `'${n}'`).join(', ')} of layer '${layer}' have no place in its ONNX ops.`);
  }

  const outputNames = graph.outputs.map((id) => {
    const [layer, call] = [id.slice(0, id.lastIndexOf('#')), Number(id.slice(id.lastIndexOf('#') + 1))];
    return graph.className === 'Sequential' ? 'output' : call === 0 ? layer : `${layer}_${call}`;
  });
  const graphOutputs = graph.outputs.map((id, k) => {
    const [name] = b.node('Identity', [channelsLast(b, values.get(id)!, id)], {}, `${outputNames[k]}/Identity`, [outputNames[k]!]) as [string];
    const node = graph.nodes.find((n) => n.output === id)!;
    return { name, shape: node.outputShape.slice(1) };
  });

  const dims = (shape: (number | null)[]) => [{ dimParam: batch }, ...shape.map((d) => (d === null ? { dimParam: b.unique('dim') } : { dimValue: d }))];
  const valueInfo = (name: string, shape: (number | null)[], elemType: number) => ({ name, type: { tensorType: { elemType, shape: { dim: dims(shape) } } } });
  const message = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'loom-ml',
    producerVersion: '@loom-ml/export',
    ...(options.docString ? { docString: options.docString } : {}),
    graph: {
      name: graph.name,
      node: b.nodes,
      initializer: b.initializers,
      input: graphInputs.map((input) => valueInfo(input.name, input.shape, input.dtype === 'int32' ? ONNX_INT32 : ONNX_FLOAT)),
      output: graphOutputs.map((output) => valueInfo(output.name, output.shape, ONNX_FLOAT)),
    },
  };
  const type = await onnxModelType();
  const problem = type.verify(message);
  if (problem !== null) throw new ExportError(`${EXPORTER} built an invalid ONNX message for '${graph.name}': ${problem}.`);
  const encoded = type.encode(type.fromObject(message)).finish();
  // protobufjs hands Node.js a Buffer: give every platform the same plain Uint8Array (a view, no copy).
  return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

function channelsLast(b: OnnxGraphBuilder, value: Value, id: string): string {
  if (value.last === undefined) value.last = b.op('Transpose', [value.first!], { perm: ints(toLast(value.rank)) }, `${id.slice(0, id.lastIndexOf('#'))}/ChannelsLast`);
  return value.last;
}

function channelsFirst(b: OnnxGraphBuilder, value: Value, id: string, where: string): string {
  if (value.rank < 3) throw new ExportError(`${EXPORTER}: ${where} needs an input of rank 3 or more.`);
  if (value.first === undefined) value.first = b.op('Transpose', [value.last!], { perm: ints(toFirst(value.rank)) }, `${id.slice(0, id.lastIndexOf('#'))}/ChannelsFirst`);
  return value.first;
}

function emit(b: OnnxGraphBuilder, node: GraphNode, values: Map<string, Value>, layerWeights: LayerWeights): void {
  const { layer } = node;
  const emitter = ONNX_EMITTERS[layer.className];
  if (emitter === undefined) throw unknownLayer(layer);
  const c = new LayerConfig(layer, node.config, EXPORTER);
  const input = (k = 0) => {
    const value = values.get(node.inputs[k]!);
    if (value === undefined) throw new ExportError(`${EXPORTER}: ${layer.describe()} reads '${node.inputs[k]}' before it is computed.`);
    return value;
  };
  const context: EmitContext = {
    b,
    c,
    node,
    last: (k = 0) => channelsLast(b, input(k), node.inputs[k]!),
    first: (k = 0) => channelsFirst(b, input(k), node.inputs[k]!, c.where),
    isFirst: (k = 0) => input(k).first !== undefined,
    dtype: (k = 0) => input(k).dtype,
    hasWeight: (name) => layerWeights.all.has(name),
    weight: (name) => {
      const value = layerWeights.all.get(name);
      if (value === undefined) throw new ExportError(`${EXPORTER}: ${layer.describe()} has no weight '${name}' (its weights: ${[...layerWeights.all.keys()].join(', ') || 'none'}).`);
      layerWeights.unused.delete(name);
      return value;
    },
  };
  const result = emitter(context);
  c.done();
  const rank = node.outputShape.length;
  values.set(node.output, result.layout === 'first' ? { first: result.name, rank, dtype: 'float32' } : { last: result.name, rank, dtype: 'float32' });
}
