import * as tf from '@tensorflow/tfjs-core';
import { OptimizerError } from './errors.js';
import type { OptState } from './types.js';

/** A tensor in JSON form. */
export interface SerializedTensor {
  type: 'tensor';
  shape: number[];
  dtype: tf.DataType;
  values: number[];
}

/**
 * A state tree in JSON form. Plain numbers and nulls stay as they are; non-finite numbers
 * (JSON has none) become `{ type: 'number', value: 'Infinity' }`; objects are tagged so a
 * parameter named `shape` can never be mistaken for a tensor.
 */
export type SerializedNode =
  | number
  | null
  | SerializedNode[]
  | SerializedTensor
  | { type: 'number'; value: 'NaN' | 'Infinity' | '-Infinity' }
  | { type: 'object'; entries: { [key: string]: SerializedNode } };

/** What `Optimizer.getState()` returns: JSON-safe, for checkpoints. */
export interface SerializedOptState {
  format: 'loom-optimizer-state';
  version: 1;
  stepCount: number;
  /** Variable names in the optimizer's order; lets `setState` map by position when names differ. */
  variables?: string[];
  state: SerializedNode;
}

/**
 * Renames the keys of every object node whose keys are exactly `from` (per-variable maps) to
 * the names at the same positions in `to`.
 */
export function renameVariables(node: SerializedNode, from: readonly string[], to: readonly string[]): SerializedNode {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((item) => renameVariables(item, from, to));
  if (node.type !== 'object') return node;
  const keys = Object.keys(node.entries);
  const isVariableMap = keys.length === from.length && keys.every((k) => from.includes(k));
  const entries: { [key: string]: SerializedNode } = {};
  for (const key of keys) {
    const target = isVariableMap ? (to[from.indexOf(key)] as string) : key;
    entries[target] = renameVariables(node.entries[key] as SerializedNode, from, to);
  }
  return { type: 'object', entries };
}

/**
 * Converts a state tree to JSON-safe form (reads tensor values asynchronously).
 *
 * @example
 * const json = JSON.stringify(await serializeOptState(state));
 */
export async function serializeOptState(state: OptState): Promise<SerializedNode> {
  if (state === null) return null;
  if (typeof state === 'number') {
    return Number.isFinite(state) ? state : { type: 'number', value: String(state) as 'NaN' | 'Infinity' | '-Infinity' };
  }
  if (state instanceof tf.Tensor) {
    // float32 values widen exactly to float64, so JSON round-trips them bit for bit.
    const values = Array.from(await state.data() as ArrayLike<number>);
    return { type: 'tensor', shape: [...state.shape], dtype: state.dtype, values };
  }
  if (Array.isArray(state)) return Promise.all(state.map((item) => serializeOptState(item)));
  const entries: { [key: string]: SerializedNode } = {};
  for (const [key, value] of Object.entries(state)) entries[key] = await serializeOptState(value);
  return { type: 'object', entries };
}

/**
 * Rebuilds a state tree from `serializeOptState` output, checking it against `template`
 * (the state the transformation's `init` produced) so mismatched checkpoints fail clearly.
 * New tensors are owned by the caller.
 *
 * @example
 * const state = deserializeOptState(json, transform.init(params));
 */
export function deserializeOptState(node: SerializedNode, template: OptState, path = 'state'): OptState {
  const where = 'Optimizer.setState';
  const mismatch = (expected: string): never => {
    // Summaries are prose, not values, so they are not quoted like invalidValue would.
    throw new OptimizerError(`Invalid value for \`${path}\` in ${where}. Expected ${expected}. Received: ${summarize(node)}.`);
  };
  if (template === null) return node === null ? null : mismatch('null');
  if (typeof template === 'number') {
    if (typeof node === 'number') return node;
    if (node !== null && typeof node === 'object' && !Array.isArray(node) && node.type === 'number') return Number(node.value);
    return mismatch('a number');
  }
  if (template instanceof tf.Tensor) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || node.type !== 'tensor') {
      return mismatch(`a tensor of shape [${template.shape.join(', ')}]`);
    }
    const sameShape = node.shape.length === template.shape.length && node.shape.every((d, i) => d === template.shape[i]);
    const size = node.shape.reduce((a, b) => a * b, 1);
    if (!sameShape || node.values.length !== size) {
      return mismatch(`a tensor of shape [${template.shape.join(', ')}] with ${template.size} values`);
    }
    return tf.tensor(node.values, node.shape, node.dtype);
  }
  if (Array.isArray(template)) {
    if (!Array.isArray(node) || node.length !== template.length) return mismatch(`an array of ${template.length} states`);
    const built: OptState[] = [];
    try {
      template.forEach((item, i) => built.push(deserializeOptState(node[i] as SerializedNode, item, `${path}[${i}]`)));
    } catch (error) {
      tf.dispose(built.flatMap((s) => collect(s)));
      throw error;
    }
    return built;
  }
  if (node === null || typeof node !== 'object' || Array.isArray(node) || node.type !== 'object') {
    return mismatch(`an object with keys [${Object.keys(template).join(', ')}]`);
  }
  const keys = Object.keys(template);
  const nodeKeys = Object.keys(node.entries);
  if (keys.length !== nodeKeys.length || keys.some((k) => !(k in node.entries))) {
    return mismatch(`an object with keys [${keys.join(', ')}]`);
  }
  const out: { [key: string]: OptState } = {};
  try {
    for (const key of keys) {
      out[key] = deserializeOptState(node.entries[key] as SerializedNode, template[key] as OptState, `${path}.${key}`);
    }
  } catch (error) {
    tf.dispose(Object.values(out).flatMap((s) => collect(s)));
    throw error;
  }
  return out;
}

function collect(state: OptState): tf.Tensor[] {
  if (state === null || typeof state === 'number') return [];
  if (state instanceof tf.Tensor) return [state];
  return (Array.isArray(state) ? state : Object.values(state)).flatMap((s) => collect(s));
}

function summarize(node: SerializedNode): string {
  if (node === null || typeof node !== 'object') return String(node);
  if (Array.isArray(node)) return `an array of ${node.length}`;
  if (node.type === 'tensor') return `a tensor of shape [${node.shape.join(', ')}]`;
  if (node.type === 'object') return `an object with keys [${Object.keys(node.entries).join(', ')}]`;
  return `the number ${node.value}`;
}
