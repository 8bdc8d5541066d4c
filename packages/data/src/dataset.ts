import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from '@loom-ml/core';
import { invalidValue } from './errors.js';

type Source<T> = () => AsyncIterator<T> | Iterator<T>;

// mulberry32, shared by every Loom package (the same seed gives the same stream everywhere).
export { seededRandom };

function positiveInteger(value: unknown, name: string, where: string): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) throw invalidValue(name, where, 'a positive integer', value);
  return value;
}

/**
 * A lazy, re-iterable pipeline: every `for await` starts from the source again, so one
 * dataset serves every epoch. Transformations return new datasets and do no work until
 * iterated.
 *
 * @example
 * const batches = Dataset.fromArray(rows).shuffle(1000, { seed: 1 }).batch(32);
 * for await (const batch of batches) console.log(batch.length);
 */
export class Dataset<T> implements AsyncIterable<T> {
  private iterations = 0;

  private constructor(private readonly source: Source<T>) {}

  /** @example Dataset.fromArray([1, 2, 3]) */
  static fromArray<T>(items: readonly T[]): Dataset<T> {
    if (!Array.isArray(items)) throw invalidValue('items', 'Dataset.fromArray', 'an array', items);
    return new Dataset(() => items[Symbol.iterator]());
  }

  /** A sync iterable that can be iterated more than once (an array, a Set, a generator function's result factory). */
  static fromIterable<T>(iterable: Iterable<T> | (() => Iterable<T>)): Dataset<T> {
    return new Dataset(() => (typeof iterable === 'function' ? iterable() : iterable)[Symbol.iterator]());
  }

  /**
   * An async source. Pass a function that opens it (e.g. `() => streamCsv(createReadStream(path))`)
   * so each epoch reads it afresh.
   */
  static fromAsyncIterable<T>(open: () => AsyncIterable<T>): Dataset<T> {
    if (typeof open !== 'function') throw invalidValue('open', 'Dataset.fromAsyncIterable', 'a function returning an async iterable (so every epoch can re-open it)', open);
    return new Dataset(() => open()[Symbol.asyncIterator]());
  }

  /**
   * Rows of in-memory tensors as `{ x, y }` typed-array views (no copies: subarrays of the
   * tensors' data, read once per pass). The tensors stay owned by the caller; pair with
   * `batchToTensors` to re-batch, shuffle or split them.
   *
   * @example
   * Dataset.fromTensors({ x: tf.tensor2d([[1, 2], [3, 4]]), y: tf.tensor1d([0, 1]) }).batch(2);
   */
  static fromTensors(tensors: { x: tf.Tensor; y: tf.Tensor }): Dataset<{ x: ArrayLike<number>; y: ArrayLike<number> }> {
    const { x, y } = tensors ?? ({} as never);
    if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor) || x.rank === 0 || y.rank === 0 || x.shape[0] !== y.shape[0]) {
      throw invalidValue('tensors', 'Dataset.fromTensors', '{ x, y } tensors with the same first dimension', { x: x?.shape, y: y?.shape });
    }
    const rows = x.shape[0]!;
    const xWidth = x.size / rows;
    const yWidth = y.size / rows;
    return new Dataset(function* () {
      const xData = x.dataSync() as ArrayLike<number> & { subarray(start: number, end: number): ArrayLike<number> };
      const yData = y.dataSync() as ArrayLike<number> & { subarray(start: number, end: number): ArrayLike<number> };
      for (let row = 0; row < rows; row++) {
        yield { x: xData.subarray(row * xWidth, (row + 1) * xWidth), y: yData.subarray(row * yWidth, (row + 1) * yWidth) };
      }
    });
  }

  /** Iterates the items once (`for await (const item of dataset)`); each loop reads the source afresh. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const iterator = this.source();
    try {
      while (true) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }

  private derive<U>(generate: (input: Dataset<T>) => AsyncGenerator<U>): Dataset<U> {
    return new Dataset(() => generate(this));
  }

  /** @example ds.map((row) => row.label) */
  map<U>(fn: (item: T, index: number) => U | Promise<U>): Dataset<U> {
    return this.derive(async function* (input) {
      let index = 0;
      for await (const item of input) yield await fn(item, index++);
    });
  }

  /** @example ds.filter((row) => row.label !== null) */
  filter(predicate: (item: T) => boolean | Promise<boolean>): Dataset<T> {
    return this.derive(async function* (input) {
      for await (const item of input) if (await predicate(item)) yield item;
    });
  }

  /** The first `count` items. */
  take(count: number): Dataset<T> {
    if (!(Number.isInteger(count) && count >= 0)) throw invalidValue('count', 'Dataset.take', 'a non-negative integer', count);
    return this.derive(async function* (input) {
      if (count === 0) return;
      let taken = 0;
      for await (const item of input) {
        yield item;
        if (++taken >= count) return;
      }
    });
  }

  /** Everything after the first `count` items. */
  skip(count: number): Dataset<T> {
    if (!(Number.isInteger(count) && count >= 0)) throw invalidValue('count', 'Dataset.skip', 'a non-negative integer', count);
    return this.derive(async function* (input) {
      let seen = 0;
      for await (const item of input) if (seen++ >= count) yield item;
    });
  }

  /** The dataset `count` times over (forever when omitted: combine with `take`). */
  repeat(count = Infinity): Dataset<T> {
    return this.derive(async function* (input) {
      for (let round = 0; round < count; round++) {
        let any = false;
        for await (const item of input) {
          any = true;
          yield item;
        }
        if (!any) return;
      }
    });
  }

  /** Arrays of `size` items; the last smaller one is kept unless `dropRemainder`. */
  batch(size: number, { dropRemainder = false }: { dropRemainder?: boolean } = {}): Dataset<T[]> {
    positiveInteger(size, 'size', 'Dataset.batch');
    return this.derive(async function* (input) {
      let current: T[] = [];
      for await (const item of input) {
        current.push(item);
        if (current.length === size) {
          yield current;
          current = [];
        }
      }
      if (current.length > 0 && !dropRemainder) yield current;
    });
  }

  /**
   * Shuffles through a buffer of `bufferSize` items (a buffer at least the dataset's size gives
   * a uniform shuffle). With a seed, the k-th iteration (epoch) uses `seed + k`: runs repeat
   * exactly and epochs differ.
   */
  shuffle(bufferSize: number, { seed }: { seed?: number } = {}): Dataset<T> {
    positiveInteger(bufferSize, 'bufferSize', 'Dataset.shuffle');
    const self = this;
    return new Dataset(() => {
      const random = seededRandom(seed === undefined ? Math.floor(Math.random() * 2 ** 32) : seed + self.iterations++);
      return (async function* () {
        const buffer: T[] = [];
        for await (const item of self) {
          if (buffer.length < bufferSize) {
            buffer.push(item);
            continue;
          }
          const pick = Math.floor(random() * bufferSize);
          yield buffer[pick]!;
          buffer[pick] = item;
        }
        // Fisher–Yates on what is left.
        for (let i = buffer.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [buffer[i], buffer[j]] = [buffer[j]!, buffer[i]!];
        }
        yield* buffer;
      })();
    });
  }

  /** Reads up to `count` items ahead while the consumer works on the current one. */
  prefetch(count: number): Dataset<T> {
    positiveInteger(count, 'count', 'Dataset.prefetch');
    return this.derive(async function* (input) {
      const iterator = input[Symbol.asyncIterator]();
      const queue: Promise<IteratorResult<T>>[] = [];
      for (let i = 0; i < count; i++) queue.push(iterator.next());
      while (true) {
        const next = await queue.shift()!;
        if (next.done) return;
        queue.push(iterator.next());
        yield next.value;
      }
    });
  }

  /** Pairs items position by position; stops at the shorter dataset. */
  zip<U>(other: Dataset<U>): Dataset<[T, U]> {
    return this.derive(async function* (input) {
      const a = input[Symbol.asyncIterator]();
      const b = other[Symbol.asyncIterator]();
      try {
        while (true) {
          const [x, y] = await Promise.all([a.next(), b.next()]);
          if (x.done || y.done) return;
          yield [x.value, y.value] as [T, U];
        }
      } finally {
        await Promise.all([a.return?.(), b.return?.()]);
      }
    });
  }

  /** Keeps the items after the first full pass, so later epochs do not re-read the source. */
  cache(): Dataset<T> {
    let cached: T[] | null = null;
    const self = this;
    return new Dataset(() =>
      (async function* () {
        if (cached !== null) {
          yield* cached;
          return;
        }
        const items: T[] = [];
        for await (const item of self) {
          items.push(item);
          yield item;
        }
        cached = items;
      })(),
    );
  }

  /**
   * Packs each batch (an array of items, e.g. from `batch()`) into `{ x, y }` tensors with
   * `batchToTensors`: one typed array per tensor, no per-element copies. Each yielded pair
   * belongs to the consumer, which disposes it (the fit loop in `@loom-ml/train` does).
   *
   * @example
   * const batches = Dataset.fromArray(rows).shuffle(1000, { seed: 1 }).batch(64)
   *   .toTensors({ x: (r) => r.pixels, xShape: [784], y: (r) => r.label, yDtype: 'int32' });
   */
  toTensors<E>(this: Dataset<readonly E[]>, options: ToTensorsOptions<E>): Dataset<{ x: tf.Tensor; y: tf.Tensor }> {
    if (options === null || typeof options !== 'object' || typeof options.x !== 'function' || typeof options.y !== 'function' || !Array.isArray(options.xShape)) {
      throw invalidValue('options', 'Dataset.toTensors', '{ x: (item) => features, xShape: number[], y: (item) => target }', options);
    }
    return this.derive(async function* (input) {
      for await (const batch of input) {
        if (!Array.isArray(batch)) throw invalidValue('batch', 'Dataset.toTensors', 'an array of items (call batch() first)', batch);
        yield batchToTensors(batch, options);
      }
    });
  }

  /** Every item, in order. */
  async toArray(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}

/** Options of `batchToTensors`: how to read each item's features and target, and their shapes. */
export interface ToTensorsOptions<T> {
  /** Features of one item: `number[]` or a typed array of `featureCount` values. */
  x: (item: T) => ArrayLike<number>;
  /** Shape of one item's features, e.g. [784] or [28, 28, 1]. */
  xShape: number[];
  /** Target of one item: a number (class index or value) or an array. */
  y: (item: T) => number | ArrayLike<number>;
  /** Shape of one target; [] (default) for a scalar per item. */
  yShape?: number[];
  /** Default 'float32'; 'int32' for class indices. */
  yDtype?: 'float32' | 'int32';
}

/**
 * Packs a batch of items into `{ x, y }` tensors: one preallocated typed array per tensor,
 * filled in place and handed to tf.tensor (no per-element tensors). The caller owns (and
 * disposes) the tensors.
 *
 * @example
 * const tensors = Dataset.fromArray(rows).batch(64).map((batch) => batchToTensors(batch, { x: (r) => r.pixels, xShape: [784], y: (r) => r.label, yDtype: 'int32' }));
 */
export function batchToTensors<T>(batch: readonly T[], options: ToTensorsOptions<T>): { x: tf.Tensor; y: tf.Tensor } {
  const featureCount = options.xShape.reduce((a, b) => a * b, 1);
  const yShape = options.yShape ?? [];
  const targetCount = yShape.reduce((a, b) => a * b, 1);
  const xs = new Float32Array(batch.length * featureCount);
  const ys = options.yDtype === 'int32' ? new Int32Array(batch.length * targetCount) : new Float32Array(batch.length * targetCount);
  batch.forEach((item, i) => {
    const features = options.x(item);
    if (features.length !== featureCount) throw invalidValue('x', 'batchToTensors', `${featureCount} features per item (xShape [${options.xShape.join(', ')}])`, `${features.length} for item ${i} of the batch`);
    xs.set(features, i * featureCount);
    const target = options.y(item);
    if (typeof target === 'number') {
      if (targetCount !== 1) throw invalidValue('y', 'batchToTensors', `${targetCount} values per item (yShape [${yShape.join(', ')}])`, `a number for item ${i}`);
      ys[i] = target;
    } else {
      if (target.length !== targetCount) throw invalidValue('y', 'batchToTensors', `${targetCount} values per item`, `${target.length} for item ${i}`);
      ys.set(target, i * targetCount);
    }
  });
  return { x: tf.tensor(xs, [batch.length, ...options.xShape]), y: tf.tensor(ys, [batch.length, ...yShape], options.yDtype ?? 'float32') };
}
