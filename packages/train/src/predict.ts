import * as tf from '@tensorflow/tfjs-core';
import { validateBatchSize, validateModel } from './evaluate.js';
import { invalidValue } from './errors.js';
import type { TrainableModel } from './types.js';

/** Options of `predict`. */
export interface PredictOptions {
  /** Samples per forward pass. Default 32. */
  batchSize?: number;
}

/** A model whose `apply` returns one tensor (a `Sequential`): `predict` then returns one tensor. */
export type SingleOutputModel = TrainableModel & { apply(inputs: tf.Tensor | tf.Tensor[], options?: { training?: boolean }): tf.Tensor };

/**
 * The model's outputs for `inputs`, computed batch by batch in inference mode and
 * concatenated (the caller owns the result). One tensor, or one per output for a model whose
 * `apply` returns a list (several inputs given as an array still give one tensor for one output).
 * Typed by the model: a `Sequential` (its `apply` returns one tensor) gives `Promise<Tensor>`, so
 * no cast is needed; a functional model gives `Promise<Tensor | Tensor[]>`.
 *
 * @example
 * const probabilities = await predict(model, xTest, { batchSize: 256 }); // tf.Tensor for a Sequential
 */
export async function predict(model: SingleOutputModel, inputs: tf.Tensor | tf.Tensor[], options?: PredictOptions): Promise<tf.Tensor>;
export async function predict(model: TrainableModel, inputs: tf.Tensor | tf.Tensor[], options?: PredictOptions): Promise<tf.Tensor | tf.Tensor[]>;
export async function predict(model: TrainableModel, inputs: tf.Tensor | tf.Tensor[], options: PredictOptions = {}): Promise<tf.Tensor | tf.Tensor[]> {
  const where = 'predict';
  validateModel(model, where);
  const batchSize = validateBatchSize(options.batchSize, where);
  const list = Array.isArray(inputs) ? inputs : [inputs];
  if (list.length === 0 || !list.every((t) => t instanceof tf.Tensor)) throw invalidValue('inputs', where, 'a tensor or a non-empty array of tensors', inputs);
  const samples = list[0]!.shape[0] ?? 0;
  if (samples === 0 || list.some((t) => t.shape[0] !== samples)) {
    throw invalidValue('inputs', where, 'tensors with the same, non-zero number of samples', list.map((t) => `[${t.shape.join(', ')}]`));
  }
  const pieces: tf.Tensor[][] = [];
  // The result mirrors what model.apply returns (a list only for a multi-output model), not the inputs.
  let returnsList = false;
  for (let start = 0; start < samples; start += batchSize) {
    const size = Math.min(batchSize, samples - start);
    const outputs = tf.tidy(() => {
      const slices = list.map((t) => tf.slice(t, start, size));
      const output = model.apply(Array.isArray(inputs) ? slices : slices[0]!, { training: false });
      returnsList = Array.isArray(output);
      return Array.isArray(output) ? output : [output];
    });
    pieces.push(outputs);
    // Yield to the event loop between batches so long predictions do not starve it
    // (setImmediate is Node-only; browsers and workers get a macrotask from setTimeout).
    await new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
  }
  const outputCount = pieces[0]!.length;
  const joined = Array.from({ length: outputCount }, (_, k) => {
    const parts = pieces.map((p) => p[k]!);
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  });
  if (pieces.length > 1) tf.dispose(pieces.flat());
  return returnsList ? joined : joined[0]!;
}
