import * as tf from '@tensorflow/tfjs-core';
import { describeValue } from '@loom-ml/core';
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
  // No prototype: a key read from a file, such as '__proto__', stays an ordinary key.
  const entries: { [key: string]: SerializedNode } = Object.create(null) as { [key: string]: SerializedNode };
  for (const key of keys) {
    const target = isVariableMap ? (to[from.indexOf(key)] as string) : key;
    entries[target] = renameVariables(node.entries[key] as SerializedNode, from, to);
  }
  return { type: 'object', entries };
}

const DTYPES: readonly string[] = ['float32', 'int32', 'bool'];
const NON_FINITE: readonly string[] = ['NaN', 'Infinity', '-Infinity'];
/** Deeper trees come from no transformation here; the limit keeps hostile files off the stack. */
const MAX_DEPTH = 64;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function refuse(field: string, where: string, expected: string, received: string): OptimizerError {
  return new OptimizerError(`Invalid value for \`${field}\` in ${where}. Expected ${expected}. Received: ${received}.`);
}

/**
 * Checks a tensor node read from JSON: a known dtype, a shape of non-negative integers whose
 * product equals the number of values, and every value finite (an integer for int32, 0 or 1 for
 * bool). Runs before any tensor is made, so a file that declares more than it holds allocates
 * nothing.
 */
function checkTensorNode(node: Record<string, unknown>, path: string, where: string): void {
  const { shape, dtype, values } = node;
  if (typeof dtype !== 'string' || !DTYPES.includes(dtype)) {
    throw refuse(`${path}.dtype`, where, "'float32', 'int32' or 'bool'", describeValue(dtype));
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
    throw refuse(`${path}.shape`, where, 'an array of non-negative integers', describeValue(shape));
  }
  if (!Array.isArray(values)) throw refuse(`${path}.values`, where, 'an array of numbers', describeValue(values));
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (size !== values.length) {
    throw refuse(`${path}.values`, where, `${size} values (shape [${shape.join(', ')}])`, `${values.length} values`);
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as unknown;
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (dtype === 'float32' || (dtype === 'int32' ? Number.isInteger(value) && Math.abs(value) <= 2 ** 31 : value === 0 || value === 1));
    if (!ok) {
      const expected = dtype === 'float32' ? 'a finite number' : dtype === 'int32' ? 'a 32-bit integer' : '0 or 1';
      throw refuse(`${path}.values[${i}]`, where, expected, describeValue(value));
    }
  }
}

function checkNode(node: unknown, path: string, where: string, depth: number): void {
  if (depth > MAX_DEPTH) throw refuse(path, where, `a state tree at most ${MAX_DEPTH} levels deep`, 'a deeper tree');
  if (node === null) return;
  if (typeof node === 'number') {
    if (!Number.isFinite(node)) throw refuse(path, where, "a finite number (non-finite ones are tagged { type: 'number' })", String(node));
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((item, i) => checkNode(item, `${path}[${i}]`, where, depth + 1));
    return;
  }
  if (!isRecord(node)) throw refuse(path, where, 'a number, null, an array or a tagged object', describeValue(node));
  if (node.type === 'tensor') return checkTensorNode(node, path, where);
  if (node.type === 'number') {
    if (typeof node.value !== 'string' || !NON_FINITE.includes(node.value)) {
      throw refuse(`${path}.value`, where, "'NaN', 'Infinity' or '-Infinity'", describeValue(node.value));
    }
    return;
  }
  if (node.type === 'object') {
    if (!isRecord(node.entries)) throw refuse(`${path}.entries`, where, 'an object', describeValue(node.entries));
    for (const key of Object.keys(node.entries)) checkNode(node.entries[key], `${path}.${key}`, where, depth + 1);
    return;
  }
  throw refuse(`${path}.type`, where, "'tensor', 'number' or 'object'", describeValue(node.type));
}

/**
 * Checks that `value` (say, parsed from a checkpoint file) is a complete, consistent
 * `SerializedOptState`: format and version, step count, variable names, and every node of the
 * state tree (tensor dtypes, shapes against value counts, finite values, depth at most 64).
 * Nothing is allocated; the first problem throws an `OptimizerError` that names the field.
 * `Optimizer.setState` runs this itself; call it to check a snapshot before you need it.
 *
 * @example
 * const snapshot = validateSerializedOptState(JSON.parse(text), { where: "file 'opt.json'" });
 */
export function validateSerializedOptState(value: unknown, options: { where?: string; field?: string } = {}): SerializedOptState {
  const where = options.where ?? 'Optimizer.setState';
  const prefix = options.field;
  const name = (field: string): string => (prefix ? `${prefix}.${field}` : field);
  if (!isRecord(value) || value.format !== 'loom-optimizer-state' || value.version !== 1) {
    throw refuse(
      prefix ?? 'state',
      where,
      "a snapshot from Optimizer.getState() (format 'loom-optimizer-state', version 1)",
      isRecord(value) ? describeValue({ format: value.format, version: value.version }) : describeValue(value),
    );
  }
  if (!Number.isSafeInteger(value.stepCount) || (value.stepCount as number) < 0) {
    throw refuse(name('stepCount'), where, 'a non-negative integer', describeValue(value.stepCount));
  }
  const variables = value.variables;
  if (variables !== undefined && (!Array.isArray(variables) || variables.some((v) => typeof v !== 'string'))) {
    throw refuse(name('variables'), where, 'an array of variable names', describeValue(variables));
  }
  checkNode(value.state, name('state'), where, 0);
  return value as unknown as SerializedOptState;
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
 * The whole tree is checked (structure, shapes, dtypes, finite values) before the first tensor
 * is made. New tensors are owned by the caller.
 *
 * @example
 * const state = deserializeOptState(json, transform.init(params));
 */
export function deserializeOptState(node: SerializedNode, template: OptState, path = 'state'): OptState {
  checkAgainst(node, template, path, 0);
  return build(node, template);
}

function checkAgainst(node: unknown, template: OptState, path: string, depth: number): void {
  const where = 'Optimizer.setState';
  const mismatch = (expected: string): never => {
    // Summaries are prose, not values, so they are not quoted like invalidValue would.
    throw new OptimizerError(`Invalid value for \`${path}\` in ${where}. Expected ${expected}. Received: ${summarize(node)}.`);
  };
  if (depth > MAX_DEPTH) return mismatch(`a state tree at most ${MAX_DEPTH} levels deep`);
  if (template === null) return node === null ? undefined : mismatch('null');
  if (typeof template === 'number') {
    if (typeof node === 'number' && Number.isFinite(node)) return;
    if (isRecord(node) && node.type === 'number' && NON_FINITE.includes(node.value as string)) return;
    return mismatch('a number');
  }
  if (template instanceof tf.Tensor) {
    if (!isRecord(node) || node.type !== 'tensor') return mismatch(`a tensor of shape [${template.shape.join(', ')}]`);
    const shape = Array.isArray(node.shape) ? (node.shape as unknown[]) : [];
    const sameShape = shape.length === template.shape.length && shape.every((d, i) => d === template.shape[i]);
    if (!sameShape || !Array.isArray(node.values) || node.values.length !== template.size) {
      return mismatch(`a tensor of shape [${template.shape.join(', ')}] with ${template.size} values`);
    }
    if (node.dtype !== template.dtype) return mismatch(`a ${template.dtype} tensor`);
    checkTensorNode(node, path, where);
    return;
  }
  if (Array.isArray(template)) {
    if (!Array.isArray(node) || node.length !== template.length) return mismatch(`an array of ${template.length} states`);
    template.forEach((item, i) => checkAgainst(node[i], item, `${path}[${i}]`, depth + 1));
    return;
  }
  if (!isRecord(node) || node.type !== 'object' || !isRecord(node.entries)) {
    return mismatch(`an object with keys [${Object.keys(template).join(', ')}]`);
  }
  const entries = node.entries;
  const keys = Object.keys(template);
  const nodeKeys = Object.keys(entries);
  if (keys.length !== nodeKeys.length || keys.some((k) => !Object.prototype.hasOwnProperty.call(entries, k))) {
    return mismatch(`an object with keys [${keys.join(', ')}]`);
  }
  for (const key of keys) checkAgainst(entries[key], template[key] as OptState, `${path}.${key}`, depth + 1);
}

/** Builds the tensors of a tree `checkAgainst` accepted. */
function build(node: SerializedNode, template: OptState): OptState {
  if (template === null) return null;
  if (typeof template === 'number') return typeof node === 'number' ? node : Number((node as { value: string }).value);
  if (template instanceof tf.Tensor) {
    const tensorNode = node as SerializedTensor;
    return tf.tensor(tensorNode.values, tensorNode.shape, tensorNode.dtype);
  }
  if (Array.isArray(template)) {
    const built: OptState[] = [];
    try {
      template.forEach((item, i) => built.push(build((node as SerializedNode[])[i] as SerializedNode, item)));
    } catch (error) {
      tf.dispose(built.flatMap((s) => collect(s)));
      throw error;
    }
    return built;
  }
  const entries = (node as { entries: { [key: string]: SerializedNode } }).entries;
  const out: { [key: string]: OptState } = {};
  try {
    for (const key of Object.keys(template)) out[key] = build(entries[key] as SerializedNode, template[key] as OptState);
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

function cut(text: string, maxLength = 80): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/** Prose for a node read from a file, which may be of any form (values are cut, never whole). */
function summarize(node: unknown): string {
  if (node === null || typeof node !== 'object') return describeValue(node);
  if (Array.isArray(node)) return `an array of ${node.length}`;
  const record = node as Record<string, unknown>;
  if (record.type === 'tensor') {
    const shape = Array.isArray(record.shape) ? `[${cut(record.shape.map((d) => describeValue(d)).join(', '))}]` : describeValue(record.shape);
    const dtype = record.dtype === 'float32' ? '' : DTYPES.includes(record.dtype as string) ? `${record.dtype as string} ` : `${describeValue(record.dtype)}-dtype `;
    return `a ${dtype}tensor of shape ${shape}`;
  }
  if (record.type === 'object' && isRecord(record.entries)) return `an object with keys [${cut(Object.keys(record.entries).join(', '))}]`;
  if (record.type === 'number') return `the number ${describeValue(record.value)}`;
  return describeValue(node);
}
