import { invalidValue, LayersError } from '../errors.js';
import type { Layer } from '../core/layer.js';
import type { ModelConfig } from '../model/model.js';
import { layerFromConfig, type LayerFactory } from '../serialization/registry.js';
import { FunctionalModel, type FunctionalGraphConfig } from './functional-model.js';
import { input, type SymbolicTensor } from './symbolic-tensor.js';

function isReference(value: unknown): value is [string, number] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && Number.isInteger(value[1]) && (value[1] as number) >= 0;
}

/**
 * Re-creates a functional model from `FunctionalModel.getConfig()`: the inputs, each layer
 * once, then every call in the saved order (so shared layers are shared again). Weights are
 * fresh; the caller assigns saved values. On any error the layers made so far are disposed.
 *
 * @example
 * const copy = functionalFromConfig(original.getConfig());
 * copy.setWeights(original.getWeights());
 */
export function functionalFromConfig(config: ModelConfig, customLayers: Record<string, LayerFactory> = {}): FunctionalModel {
  const where = `Functional '${String(config?.name)}'`;
  const graph = config as ModelConfig & Partial<FunctionalGraphConfig>;
  for (const field of ['inputs', 'layers', 'nodes', 'outputs'] as const) {
    if (!Array.isArray(graph[field])) throw invalidValue(field, `the saved ${where}`, 'a list (a config written by FunctionalModel.getConfig())', graph[field] ?? null);
  }
  const layers = new Map<string, Layer>();
  try {
    const tensors = new Map<string, SymbolicTensor>();
    const key = (reference: [string, number]) => `${reference[0]}#${reference[1]}`;
    const inputs = graph.inputs!.map((spec) => {
      const tensor = input({ shape: spec.shape, name: spec.name, dtype: spec.dtype });
      tensors.set(key([tensor.name, 0]), tensor);
      return tensor;
    });
    for (const [index, saved] of graph.layers.entries()) {
      const layer = layerFromConfig(saved?.className, saved?.config, customLayers, `layers[${index}] of the saved ${where}`);
      if (layers.has(layer.name)) throw new LayersError(`The saved ${where} has two layers named '${layer.name}'.`);
      layers.set(layer.name, layer);
    }
    for (const layer of layers.values()) layer.linkLayers((name) => layers.get(name), `the saved ${where}`);
    const calls = new Map<string, number>();
    for (const [index, node] of graph.nodes!.entries()) {
      const layer = layers.get(node?.layer);
      if (layer === undefined) throw invalidValue(`nodes[${index}].layer`, `the saved ${where}`, `the name of one of its layers`, node?.layer ?? null);
      const inbound = (Array.isArray(node.inbound) ? node.inbound : [null]).map((reference) => {
        const tensor = isReference(reference) ? tensors.get(key(reference)) : undefined;
        if (tensor === undefined) throw invalidValue(`nodes[${index}].inbound`, `the saved ${where}`, 'references [name, call] to inputs or to earlier calls', node.inbound ?? null);
        return tensor;
      });
      const call = calls.get(layer.name) ?? 0;
      calls.set(layer.name, call + 1);
      tensors.set(key([layer.name, call]), layer.connect(inbound));
    }
    const outputs = graph.outputs!.map((reference) => {
      const tensor = isReference(reference) ? tensors.get(key(reference)) : undefined;
      if (tensor === undefined) throw invalidValue('outputs', `the saved ${where}`, 'references [name, call] to layer calls', graph.outputs);
      return tensor;
    });
    return new FunctionalModel({ inputs, outputs, name: config.name });
  } catch (error) {
    for (const layer of layers.values()) layer.dispose();
    throw error;
  }
}
