import * as tf from '@tensorflow/tfjs-core';
import type { SerializedOptState } from '@loom-ml/optimizers';
import type { TrainingOptimizer } from './callback.js';
import { invalidValue } from './errors.js';
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

/**
 * Puts a checkpoint's weights into `model` and its state into `optimizer`.
 *
 * @example
 * restoreCheckpoint(model, optimizer, await loadCheckpoint(file));
 */
export function restoreCheckpoint(model: TrainableModel, optimizer: TrainingOptimizer, data: CheckpointData): void {
  const current = model.getWeights();
  if (current.length !== data.weights.length) {
    throw invalidValue('weights', 'restoreCheckpoint', `${current.length} weight tensors for model '${model.name}'`, `${data.weights.length} tensors`);
  }
  data.weights.forEach((weight, i) => {
    const shape = current[i]!.shape;
    if (shape.length !== weight.shape.length || shape.some((d, k) => d !== weight.shape[k])) {
      throw invalidValue(`weights[${i}]`, 'restoreCheckpoint', `shape [${shape.join(', ')}]`, `[${weight.shape.join(', ')}]`);
    }
  });
  const tensors = data.weights.map((w) => tf.tensor(w.values, w.shape, w.dtype));
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
  optimizer.setState(data.optimizer);
}
