import * as tf from '@tensorflow/tfjs-core';
import { describeValue, LoomError } from '@loom-ml/core';
import { validateSerializedOptState, type SerializedOptState } from '@loom-ml/optimizers';
import type { TrainingOptimizer } from './callback.js';
import { invalidValue, TrainError } from './errors.js';
import type { Logs, TrainableModel } from './types.js';

/** A weight tensor in JSON form. */
export interface SerializedWeight {
  shape: number[];
  dtype: tf.DataType;
  values: number[];
}

/** What a checkpoint file holds: the epoch just finished, model weights and optimizer state. */
export interface CheckpointData {
  format: 'loom-checkpoint';
  version: 1;
  epoch: number;
  modelName: string;
  weights: SerializedWeight[];
  optimizer: SerializedOptState;
  logs: Logs;
}

/**
 * Serialises the model's weights and the optimizer's state after `epoch`.
 *
 * @example
 * const data = await createCheckpoint(model, optimizer, 3, { loss: 0.1 });
 */
export async function createCheckpoint(model: TrainableModel, optimizer: TrainingOptimizer, epoch: number, logs: Logs = {}): Promise<CheckpointData> {
  const weights = model.getWeights();
  const serialized: SerializedWeight[] = [];
  for (const weight of weights) {
    serialized.push({ shape: [...weight.shape], dtype: weight.dtype, values: Array.from(await weight.data() as ArrayLike<number>) });
  }
  // Non-finite values have no JSON form; keep logs JSON-safe.
  const safeLogs: Logs = {};
  for (const [key, value] of Object.entries(logs)) if (Number.isFinite(value)) safeLogs[key] = value;
  return { format: 'loom-checkpoint', version: 1, epoch, modelName: model.name, weights: serialized, optimizer: await optimizer.getState(), logs: safeLogs };
}

const DTYPES: readonly string[] = ['float32', 'int32', 'bool'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks a checkpoint read from anywhere (a file, IndexedDB, the network) before anything is
 * allocated: format and version, epoch, every weight's dtype, shape against its value count and
 * values (finite; integers for int32; 0/1 for bool), the whole optimizer snapshot, and the logs.
 * `where` says where it came from (`checkpoint file 'runs/x.json'`); the first problem throws a
 * `TrainError` naming it and the field.
 */
export function checkCheckpointData(value: unknown, where: string): CheckpointData {
  const refuse = (field: string, expected: string, received: string) =>
    new TrainError(`Invalid value for \`${field}\` in ${where}. Expected ${expected}. Received: ${received}.`);
  if (!isRecord(value) || value.format !== 'loom-checkpoint' || value.version !== 1) {
    const received = isRecord(value) ? describeValue({ format: value.format, version: value.version }) : describeValue(value);
    throw refuse('format', "a 'loom-checkpoint' version 1 checkpoint", received);
  }
  if (!Number.isSafeInteger(value.epoch) || (value.epoch as number) < 0) throw refuse('epoch', 'a non-negative integer', describeValue(value.epoch));
  if (typeof value.modelName !== 'string') throw refuse('modelName', 'a string', describeValue(value.modelName));
  if (!Array.isArray(value.weights)) throw refuse('weights', 'an array of weights', describeValue(value.weights));
  value.weights.forEach((weight: unknown, i) => {
    const field = `weights[${i}]`;
    if (!isRecord(weight)) throw refuse(field, 'an object { shape, dtype, values }', describeValue(weight));
    const { shape, dtype, values } = weight;
    if (typeof dtype !== 'string' || !DTYPES.includes(dtype)) throw refuse(`${field}.dtype`, "'float32', 'int32' or 'bool'", describeValue(dtype));
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
      throw refuse(`${field}.shape`, 'an array of non-negative integers', describeValue(shape));
    }
    if (!Array.isArray(values)) throw refuse(`${field}.values`, 'an array of numbers', describeValue(values));
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (size !== values.length) throw refuse(`${field}.values`, `${size} values (shape [${shape.join(', ')}])`, `${values.length} values`);
    for (let k = 0; k < values.length; k++) {
      const v = values[k] as unknown;
      const ok =
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (dtype === 'float32' || (dtype === 'int32' ? Number.isInteger(v) && Math.abs(v) <= 2 ** 31 : v === 0 || v === 1));
      if (!ok) {
        const expected = dtype === 'float32' ? 'a finite number' : dtype === 'int32' ? 'a 32-bit integer' : '0 or 1';
        throw refuse(`${field}.values[${k}]`, expected, describeValue(v));
      }
    }
  });
  try {
    validateSerializedOptState(value.optimizer, { where, field: 'optimizer' });
  } catch (error) {
    // One error class for everything wrong inside a checkpoint; the message already names the field.
    throw LoomError.isInstance(error) ? new TrainError(error.message) : error;
  }
  if (!isRecord(value.logs)) throw refuse('logs', 'an object of epoch values', describeValue(value.logs));
  for (const [key, log] of Object.entries(value.logs)) {
    if (typeof log !== 'number' || !Number.isFinite(log)) throw refuse(`logs.${key}`, 'a finite number', describeValue(log));
  }
  return value as unknown as CheckpointData;
}

/**
 * Puts a checkpoint's weights into `model` and its state into `optimizer`. Everything is
 * checked first (the checkpoint itself, then the weights' count, shapes and dtypes against the
 * model, then the optimizer snapshot against the optimizer); a checkpoint that does not fit
 * throws a named error and changes neither.
 *
 * @example
 * restoreCheckpoint(model, optimizer, await loadCheckpoint(file));
 */
export function restoreCheckpoint(model: TrainableModel, optimizer: TrainingOptimizer, data: CheckpointData): void {
  const checked = checkCheckpointData(data, 'restoreCheckpoint');
  const current = model.getWeights();
  if (current.length !== checked.weights.length) {
    throw invalidValue('weights', 'restoreCheckpoint', `${current.length} weight tensors for model '${model.name}'`, `${checked.weights.length} tensors`);
  }
  checked.weights.forEach((weight, i) => {
    const { shape, dtype } = current[i]!;
    if (shape.length !== weight.shape.length || shape.some((d, k) => d !== weight.shape[k])) {
      throw invalidValue(`weights[${i}]`, 'restoreCheckpoint', `shape [${shape.join(', ')}]`, weight.shape);
    }
    if (weight.dtype !== dtype) throw invalidValue(`weights[${i}].dtype`, 'restoreCheckpoint', `'${dtype}' (as the model's weight)`, weight.dtype);
  });
  // The optimizer checks its snapshot whole before it changes; only then are the weights set.
  optimizer.setState(checked.optimizer);
  const tensors = checked.weights.map((w) => tf.tensor(w.values, w.shape, w.dtype));
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}
