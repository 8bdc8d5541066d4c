import { invalidValue, LayersError } from '../errors.js';
import type { Layer } from '../core/layer.js';
import { describeArgument, SymbolicTensor } from './symbolic-tensor.js';

/** A tensor in a saved graph: `[inputName, 0]` or `[layerName, callIndex]` (Keras' node index). */
export type TensorReference = [name: string, nodeIndex: number];

/** One call of a layer inside a model. */
export interface GraphNode {
  /** The call's output. */
  tensor: SymbolicTensor;
  layer: Layer;
  /** Which call of `layer` within this model (0 for the first; shared layers have more). */
  nodeIndex: number;
  inbound: readonly SymbolicTensor[];
}

/** A validated functional graph: its calls in dependency order and its distinct layers. */
export interface FunctionalGraph {
  nodes: GraphNode[];
  /** Each distinct layer once, in the order of its first call. */
  layers: Layer[];
  /** How a tensor of this graph is named in configs and summaries. */
  reference(tensor: SymbolicTensor): TensorReference;
}

function symbolicList(value: SymbolicTensor | SymbolicTensor[], name: string, where: string): SymbolicTensor[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((t) => t instanceof SymbolicTensor)) {
    throw invalidValue(name, where, 'a symbolic tensor or a non-empty list of them (from input() and layer.connect())', Array.isArray(value) ? value.map(describeArgument) : describeArgument(value));
  }
  return list;
}

/**
 * Walks back from `outputs` to `inputs` and orders the layer calls so that every call comes
 * after the calls it reads (depth-first post-order: deterministic for a given graph). Errors
 * for inputs the outputs need but `inputs` lacks, for inputs no output uses, and for two
 * different layers sharing a name.
 */
export function buildGraph(inputsArgument: SymbolicTensor | SymbolicTensor[], outputsArgument: SymbolicTensor | SymbolicTensor[], where: string): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[]; graph: FunctionalGraph } {
  const inputs = symbolicList(inputsArgument, 'inputs', where);
  const outputs = symbolicList(outputsArgument, 'outputs', where);
  const inputNames = inputs.map((t) => t.name);
  for (const [index, tensor] of inputs.entries()) {
    if (!tensor.isInput) throw invalidValue('inputs', where, `model inputs made by input(); '${tensor.name}' is the output of a layer`, inputNames);
    if (inputs.indexOf(tensor) !== index || inputNames.indexOf(tensor.name) !== index) {
      throw invalidValue('inputs', where, `inputs with distinct names; '${tensor.name}' appears twice`, inputNames);
    }
  }
  for (const tensor of outputs) {
    if (tensor.isInput) throw invalidValue('outputs', where, `layer outputs; '${tensor.name}' is a model input (connect a layer to it)`, outputs.map((t) => t.name));
  }

  const declared = new Set(inputs);
  const reached = new Set<SymbolicTensor>();
  const visited = new Set<SymbolicTensor>();
  const order: SymbolicTensor[] = [];
  const visit = (tensor: SymbolicTensor, output: SymbolicTensor): void => {
    if (visited.has(tensor)) return;
    visited.add(tensor);
    if (tensor.isInput) {
      if (!declared.has(tensor)) {
        throw invalidValue('inputs', where, `every input the outputs depend on: output '${output.name}' needs input '${tensor.name}'`, inputNames);
      }
      reached.add(tensor);
      return;
    }
    for (const source of tensor.inbound) visit(source, output);
    order.push(tensor);
  };
  for (const output of outputs) visit(output, output);
  const unused = inputs.filter((t) => !reached.has(t));
  if (unused.length > 0) {
    throw invalidValue('inputs', where, `only inputs the outputs depend on; ${unused.map((t) => `'${t.name}'`).join(', ')} ${unused.length === 1 ? 'is' : 'are'} not connected to any output`, inputNames);
  }

  const layers: Layer[] = [];
  const byName = new Map<string, Layer | SymbolicTensor>(inputs.map((t) => [t.name, t]));
  const callCounts = new Map<Layer, number>();
  const nodes: GraphNode[] = order.map((tensor) => {
    const layer = tensor.sourceLayer!;
    const nodeIndex = callCounts.get(layer) ?? 0;
    callCounts.set(layer, nodeIndex + 1);
    if (nodeIndex === 0) {
      const other = byName.get(layer.name);
      if (other !== undefined) {
        throw new LayersError(`${where} has two ${other instanceof SymbolicTensor ? 'entries (an input and a layer)' : 'layers'} named '${layer.name}'; names must be unique within a model.`);
      }
      byName.set(layer.name, layer);
      layers.push(layer);
    }
    return { tensor, layer, nodeIndex, inbound: tensor.inbound };
  });
  const indexOf = new Map<SymbolicTensor, number>(nodes.map((n) => [n.tensor, n.nodeIndex]));
  return {
    inputs,
    outputs,
    graph: {
      nodes,
      layers,
      reference: (tensor) => [tensor.isInput ? tensor.name : tensor.sourceLayer!.name, indexOf.get(tensor) ?? 0],
    },
  };
}
