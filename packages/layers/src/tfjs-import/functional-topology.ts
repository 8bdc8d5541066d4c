import { invalidValue } from '../errors.js';

/** One tensor in a Keras graph: the layer, which of its calls, which of the call's outputs. */
export interface KerasTensorReference {
  layer: string;
  node: number;
  tensor: number;
}

/** A layer of a saved functional model and the calls (inbound nodes) it makes. */
export interface KerasGraphLayer {
  className: string;
  name: string;
  config: Record<string, unknown>;
  /** Per call, the tensors it reads. */
  calls: KerasTensorReference[][];
}

/** A saved functional model's graph, in a form independent of the Keras version that wrote it. */
export interface KerasGraph {
  name: string | undefined;
  layers: KerasGraphLayer[];
  inputs: KerasTensorReference[];
  outputs: KerasTensorReference[];
}

function reference(value: unknown): KerasTensorReference | null {
  if (!Array.isArray(value) || typeof value[0] !== 'string' || !Number.isInteger(value[1]) || !Number.isInteger(value[2] ?? 0)) return null;
  return { layer: value[0], node: value[1] as number, tensor: (value[2] ?? 0) as number };
}

/** Keras 3 writes call arguments as nested lists of `{ class_name: '__keras_tensor__', config: { keras_history } }`. */
function kerasHistories(value: unknown, found: KerasTensorReference[]): void {
  if (Array.isArray(value)) {
    for (const item of value) kerasHistories(item, found);
    return;
  }
  const tensor = value as { class_name?: unknown; config?: { keras_history?: unknown } } | null;
  if (tensor?.class_name === '__keras_tensor__') {
    const history = reference(tensor.config?.keras_history);
    if (history !== null) found.push(history);
  }
}

/** Keyword arguments Loom can ignore: none change what a layer computes at inference. */
function checkKwargs(kwargs: unknown, where: string): void {
  if (kwargs === undefined || kwargs === null) return;
  const keys = Object.keys(kwargs as object).filter((key) => key !== 'training');
  if (keys.length > 0) throw invalidValue('inbound_nodes', where, 'calls without keyword arguments such as mask (Loom layers take only their inputs)', kwargs);
}

/** One saved call: tfjs-layers/Keras 2 `[[name, node, tensor, kwargs], ...]` or Keras 3 `{ args, kwargs }`. */
function readCall(call: unknown, where: string): KerasTensorReference[] {
  const found: KerasTensorReference[] = [];
  if (Array.isArray(call)) {
    for (const entry of call) {
      const ref = reference(entry);
      if (ref === null) throw invalidValue('inbound_nodes', where, '[layerName, nodeIndex, tensorIndex, kwargs] entries', entry);
      checkKwargs((entry as unknown[])[3], where);
      found.push(ref);
    }
  } else if (call !== null && typeof call === 'object' && 'args' in call) {
    kerasHistories((call as { args: unknown }).args, found);
    checkKwargs((call as { kwargs?: unknown }).kwargs, where);
  }
  if (found.length === 0) throw invalidValue('inbound_nodes', where, 'calls that read at least one tensor', call);
  return found;
}

/**
 * Reads a tfjs-layers / Keras functional model config (`class_name` 'Model' or 'Functional'):
 * `layers[*].inbound_nodes`, `input_layers` and `output_layers`.
 *
 * @example
 * const graph = readKerasGraph(topology.config, "Model 'two_tower'");
 * graph.outputs; // [{ layer: 'cosine', node: 0, tensor: 0 }]
 */
export function readKerasGraph(config: unknown, where: string): KerasGraph {
  const model = (config ?? {}) as Record<string, unknown>;
  const name = typeof model.name === 'string' ? model.name : undefined;
  if (!Array.isArray(model.layers) || model.layers.length === 0) throw invalidValue('layers', where, 'a non-empty list of layers', model.layers ?? null);
  const layers = (model.layers as Record<string, unknown>[]).map((json, index) => {
    const className = typeof json?.class_name === 'string' ? json.class_name : String(json?.class_name);
    const layerConfig = (json?.config ?? {}) as Record<string, unknown>;
    const layerName = typeof json?.name === 'string' ? json.name : typeof layerConfig.name === 'string' ? layerConfig.name : `${className}_${index}`;
    const layerWhere = `${className} '${layerName}'`;
    const inbound = json?.inbound_nodes ?? [];
    if (!Array.isArray(inbound)) throw invalidValue('inbound_nodes', layerWhere, 'a list of calls', inbound);
    return { className, name: layerName, config: layerConfig, calls: inbound.map((call) => readCall(call, layerWhere)) };
  });
  const ends = (field: 'input_layers' | 'output_layers'): KerasTensorReference[] => {
    const value = model[field];
    // Keras writes a single input/output as one reference rather than a list of them.
    const list = Array.isArray(value) && typeof value[0] === 'string' ? [value] : value;
    const refs = Array.isArray(list) ? list.map(reference) : [];
    if (refs.length === 0 || refs.some((r) => r === null)) throw invalidValue(field, where, 'a non-empty list of [layerName, nodeIndex, tensorIndex]', value ?? null);
    return refs as KerasTensorReference[];
  };
  return { name, layers, inputs: ends('input_layers'), outputs: ends('output_layers') };
}
