import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { Dataset, batchToTensors } from './index.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Dataset', () => {
  it('maps, filters, skips, takes and batches lazily, and re-iterates from the start', async () => {
    const ds = Dataset.fromArray(range(10)).map((x) => x * 2).filter((x) => x % 3 !== 0).skip(1).take(4).batch(3);
    expect(await ds.toArray()).toEqual([[4, 8, 10], [14]]);
    expect(await ds.toArray()).toEqual([[4, 8, 10], [14]]);
    expect(await Dataset.fromArray(range(7)).batch(3, { dropRemainder: true }).toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  it('repeats, zips (to the shorter) and caches a source read once', async () => {
    expect(await Dataset.fromArray([1, 2]).repeat(3).toArray()).toEqual([1, 2, 1, 2, 1, 2]);
    expect(await Dataset.fromArray([1, 2, 3]).zip(Dataset.fromArray(['a', 'b'])).toArray()).toEqual([[1, 'a'], [2, 'b']]);
    let opened = 0;
    const cached = Dataset.fromAsyncIterable(() => {
      opened++;
      return (async function* () {
        yield* [1, 2, 3];
      })();
    }).cache();
    expect(await cached.toArray()).toEqual([1, 2, 3]);
    expect(await cached.toArray()).toEqual([1, 2, 3]);
    expect(opened).toBe(1);
  });

  it('shuffles reproducibly with a seed: same order for the same epoch, a different one next epoch, every item once', async () => {
    const a = Dataset.fromArray(range(50)).shuffle(50, { seed: 7 });
    const b = Dataset.fromArray(range(50)).shuffle(50, { seed: 7 });
    const epoch0 = await a.toArray();
    expect(await b.toArray()).toEqual(epoch0);
    const epoch1 = await a.toArray();
    expect(epoch1).not.toEqual(epoch0);
    expect([...epoch0].sort((x, y) => x - y)).toEqual(range(50));
    expect([...epoch1].sort((x, y) => x - y)).toEqual(range(50));
    expect(epoch0).not.toEqual(range(50));
  });

  it('prefetches without changing order', async () => {
    expect(await Dataset.fromArray(range(20)).map(async (x) => x).prefetch(4).toArray()).toEqual(range(20));
  });

  it('names bad arguments', () => {
    expect(() => Dataset.fromArray(range(3)).batch(0)).toThrow(/Invalid value for `size` in Dataset\.batch\. Expected a positive integer\. Received: 0/);
    expect(() => Dataset.fromAsyncIterable([] as never)).toThrow(/a function returning an async iterable/);
  });
});

describe('batchToTensors', () => {
  const rows = range(5).map((i) => ({ pixels: [i, i + 0.5, i + 1], label: i % 2 }));

  it('packs features and labels into tensors of the right shape and dtype', () => {
    const { x, y } = batchToTensors(rows, { x: (r) => r.pixels, xShape: [3], y: (r) => r.label, yDtype: 'int32' });
    expect(x.shape).toEqual([5, 3]);
    expect(Array.from(x.dataSync().slice(3, 6))).toEqual([1, 1.5, 2]);
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([0, 1, 0, 1, 0]);
    tf.dispose([x, y]);
  });

  it('names the item with the wrong feature count', () => {
    expect(() => batchToTensors([{ f: [1, 2] }, { f: [1] }], { x: (r) => r.f, xShape: [2], y: () => 0 })).toThrow(/Expected 2 features per item \(xShape \[2\]\)\. Received: '1 for item 1 of the batch'/);
  });

  it('keeps tf.memory flat over a loop of batches that are disposed', async () => {
    const batches = await Dataset.fromArray(range(64).map((i) => ({ f: [i, i], t: i }))).batch(8).toArray();
    expectNoLeakedTensors(() => {
      for (const batch of batches) {
        const { x, y } = batchToTensors(batch, { x: (r) => r.f, xShape: [2], y: (r) => r.t });
        tf.dispose([x, y]);
      }
    });
  });
});

describe('Dataset.toTensors', () => {
  it('packs each shuffled batch into tensors equal to batchToTensors on the same items, without leaking', async () => {
    const rows = range(10).map((i) => ({ f: [i, -i], t: i % 3 }));
    // A seeded shuffle reshuffles on every pass, so build the same pipeline twice.
    const pipeline = () => Dataset.fromArray(rows).shuffle(10, { seed: 7 }).batch(4);
    const expected = await pipeline().toArray();
    const before = tf.memory().numTensors;
    const shapes: number[][] = [];
    let index = 0;
    for await (const { x, y } of pipeline().toTensors({ x: (r) => r.f, xShape: [2], y: (r) => r.t, yDtype: 'int32' })) {
      const batch = expected[index++]!;
      expect(Array.from(x.dataSync())).toEqual(batch.flatMap((r) => r.f));
      expect(Array.from(y.dataSync())).toEqual(batch.map((r) => r.t));
      expect(y.dtype).toBe('int32');
      shapes.push(x.shape);
      tf.dispose([x, y]);
    }
    expect(shapes).toEqual([[4, 2], [4, 2], [2, 2]]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says to call batch() first when items are not arrays, and checks its options', async () => {
    const unbatched = Dataset.fromArray([{ f: [1], t: 0 }]) as unknown as Dataset<{ f: number[]; t: number }[]>;
    await expect(unbatched.toTensors({ x: (r) => r.f, xShape: [1], y: (r) => r.t }).toArray()).rejects.toThrow(/Invalid value for `batch` in Dataset.toTensors\. Expected an array of items \(call batch\(\) first\)/);
    expect(() => Dataset.fromArray([[1]]).toTensors({} as never)).toThrow('Invalid value for `options` in Dataset.toTensors.');
  });
});

describe('Dataset.fromTensors', () => {
  it('yields row views that batchToTensors packs back into the same values, without leaking', async () => {
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const y = tf.tensor1d([0, 1, 2], 'int32');
    const before = tf.memory().numTensors;
    const batches = Dataset.fromTensors({ x, y }).batch(2);
    const seen: number[][] = [];
    for await (const batch of batches) {
      const packed = batchToTensors(batch, { x: (r) => r.x, xShape: [2], y: (r) => r.y[0]!, yDtype: 'int32' });
      seen.push([...packed.x.dataSync(), ...packed.y.dataSync()]);
      tf.dispose([packed.x, packed.y]);
    }
    expect(seen).toEqual([[1, 2, 3, 4, 0, 1], [5, 6, 2]]);
    expect(tf.memory().numTensors).toBe(before);
    const short = tf.tensor1d([1]);
    expect(() => Dataset.fromTensors({ x, y: short })).toThrow('Invalid value for `tensors` in Dataset.fromTensors.');
    tf.dispose([x, y, short]);
  });
});
