import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import { shuffledIndices } from './seeded-random.js';
import type { Batch } from './types.js';

/** What `fit`, `evaluate` accept: in-memory tensors, or an (async) iterable of batches. */
export type TrainingData = Batch | Iterable<Batch> | AsyncIterable<Batch>;

/** A batch plus whether the loop must dispose it after use. */
export interface OwnedBatch {
  batch: Batch;
  owned: boolean;
}

/** Batches for one pass, and the sizes when known in advance. */
export interface BatchSource {
  readonly samples: number | undefined;
  readonly steps: number | undefined;
  /** One pass over the data; `random` shuffles in-memory data. */
  batches(random?: () => number): AsyncGenerator<OwnedBatch>;
}

function isTensor(value: unknown): value is tf.Tensor {
  return value instanceof tf.Tensor;
}

/** True for `{ x, y }` in-memory data (as opposed to an iterable of batches). */
export function isInMemory(data: unknown): data is Batch {
  return typeof data === 'object' && data !== null && 'x' in data && 'y' in data && isTensor((data as Batch).y);
}

function inputsOf(x: Batch['x']): tf.Tensor[] {
  return Array.isArray(x) ? x : [x];
}

/** Checks in-memory data and returns its number of samples. */
export function sampleCount(data: Batch, where: string): number {
  const inputs = inputsOf(data.x);
  if (inputs.length === 0 || !inputs.every(isTensor)) throw invalidValue('x', where, 'a tensor or a non-empty array of tensors', data.x);
  const count = data.y.shape[0];
  if (count === undefined || data.y.rank === 0) throw invalidValue('y', where, 'a tensor with a batch dimension', `shape [${data.y.shape.join(', ')}]`);
  for (const input of inputs) {
    if (input.shape[0] !== count) {
      throw invalidValue('x', where, `${count} samples (as many as y)`, `shape [${input.shape.join(', ')}]`);
    }
  }
  if (data.sampleWeight !== undefined && (data.sampleWeight.rank !== 1 || data.sampleWeight.shape[0] !== count)) {
    throw invalidValue('sampleWeight', where, `shape [${count}]`, `shape [${data.sampleWeight.shape.join(', ')}]`);
  }
  return count;
}

/** Takes rows `indices` of every tensor of `data` (new tensors the caller owns). */
export function takeRows(data: Batch, indices: tf.Tensor1D): Batch {
  const x = Array.isArray(data.x) ? data.x.map((t) => tf.gather(t, indices)) : tf.gather(data.x, indices);
  const batch: Batch = { x, y: tf.gather(data.y, indices) };
  if (data.sampleWeight !== undefined) batch.sampleWeight = tf.gather(data.sampleWeight, indices);
  return batch;
}

/** Disposes every tensor of a batch. */
export function disposeBatch(batch: Batch): void {
  tf.dispose([...inputsOf(batch.x), batch.y, ...(batch.sampleWeight ? [batch.sampleWeight] : [])]);
}

/**
 * In-memory data cut into batches of `batchSize` (the last one may be smaller), shuffled per
 * pass when `random` is given.
 */
export function inMemorySource(data: Batch, batchSize: number, where: string): BatchSource {
  const samples = sampleCount(data, where);
  return {
    samples,
    steps: Math.ceil(samples / batchSize),
    async *batches(random) {
      const order = random ? shuffledIndices(samples, random) : null;
      for (let start = 0; start < samples; start += batchSize) {
        const end = Math.min(samples, start + batchSize);
        if (order === null && start === 0 && end === samples) {
          yield { batch: data, owned: false };
          continue;
        }
        const rows = (order ? tf.tensor1d(order.slice(start, end), 'int32') : tf.range(start, end, 1, 'int32')) as tf.Tensor1D;
        const batch = takeRows(data, rows);
        rows.dispose();
        yield { batch, owned: true };
      }
    },
  };
}

/**
 * An (async) iterable of batches, iterated once per pass. Batches from an array belong to the
 * caller; batches from any other iterable (a generator, a `@loom-ml/data` Dataset) are fresh
 * per pass, so the loop disposes them after use.
 */
export function iterableSource(data: Iterable<Batch> | AsyncIterable<Batch>, where: string): BatchSource {
  const owned = !Array.isArray(data);
  return {
    samples: undefined,
    steps: Array.isArray(data) ? data.length : undefined,
    async *batches() {
      for await (const batch of data as AsyncIterable<Batch>) {
        if (!isInMemory(batch)) throw invalidValue('data', where, 'batches of the form { x, y, sampleWeight? }', typeof batch);
        sampleCount(batch, where);
        yield { batch, owned };
      }
    },
  };
}

/** Picks the source for `data`, with a clear error for anything else. */
export function sourceOf(data: TrainingData, batchSize: number, where: string): BatchSource {
  if (isInMemory(data)) return inMemorySource(data, batchSize, where);
  if (data !== null && typeof data === 'object' && (Symbol.asyncIterator in data || Symbol.iterator in data)) {
    return iterableSource(data, where);
  }
  throw invalidValue('data', where, '{ x, y, sampleWeight? } tensors or an (async) iterable of such batches', data);
}
