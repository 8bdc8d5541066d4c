import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { onBothBackends, seededInt, seededTensor, useWasmBackend } from '../../test/wasm-test-helpers.js';

useWasmBackend();

describe('GatherV2 on loom-wasm (block-copy kernel)', () => {
  // [x shape, axis, indices shape]: row gathers (the fit-loop batch slice), inner axes, blocks
  // below and above the TypedArray.set threshold, 2-D indices, repeats, a negative axis.
  const cases: [number[], number, number[]][] = [
    [[40, 784], 0, [16]],
    [[9, 3], 0, [12]],
    [[4, 7, 5], 1, [3, 2]],
    [[6, 5, 20], 1, [8]],
    [[5, 6], -1, [4]],
    [[3, 4, 2, 3], 2, [5]],
    [[7], 0, [2, 3]],
  ];
  it.each(cases)('matches cpu exactly for x %j, axis %i, indices of shape %j', async (shape, axis, indexShape) => {
    const axisSize = shape.at(axis) as number;
    const count = indexShape.reduce((a, b) => a * b, 1);
    const ids = Array.from({ length: count }, (_, i) => seededInt(0, axisSize - 1, i + 7 * shape.length));
    const { wasm, cpu, shapes } = await onBothBackends(() => tf.gather(seededTensor(shape, 31), tf.tensor(ids, indexShape, 'int32'), axis));
    const expectedShape = [...shape];
    expectedShape.splice(axis < 0 ? shape.length + axis : axis, 1, ...indexShape);
    expect(shapes[0]).toEqual(expectedShape);
    // A gather copies values: equal to the bit (tolerance 0).
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, { rtol: 0, atol: 0 });
  });

  it('gathers int32 and bool tensors (hand-computed)', async () => {
    await tf.setBackend('loom-wasm');
    const ints = tf.gather(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), tf.tensor1d([2, 0, 2], 'int32'));
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([5, 6, 1, 2, 5, 6]);
    const bools = tf.gather(tf.tensor1d([true, false, true], 'bool'), tf.tensor1d([1, 2], 'int32'));
    expect(bools.dtype).toBe('bool');
    expect(Array.from(bools.dataSync())).toEqual([0, 1]);
    tf.dispose([ints, bools]);
  });

  it('returns an empty tensor of the right shape for empty indices', async () => {
    await tf.setBackend('loom-wasm');
    const out = tf.gather(seededTensor([4, 3], 32), tf.tensor1d([], 'int32'));
    expect(out.shape).toEqual([0, 3]);
    out.dispose();
  });

  it('rejects an out-of-range index with the stock message, naming the index and the range', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([4, 3], 33);
    const before = tf.memory().numTensors;
    expect(() => tf.gather(x, tf.tensor1d([1, 4], 'int32'))).toThrow('GatherV2: the index value 4 is not in [0, 3]');
    expect(() => tf.gather(x, tf.tensor1d([-1], 'int32'))).toThrow('GatherV2: the index value -1 is not in [0, 3]');
    // The two index tensors made above stay; nothing else (no half-built output) is left behind.
    expect(tf.memory().numTensors).toBe(before + 2);
    x.dispose();
  });

  it('delegates batchDims > 0 to the stock kernel and still matches cpu', async () => {
    const { wasm, cpu } = await onBothBackends(() =>
      tf.gather(seededTensor([2, 5, 3], 34), tf.tensor2d([[0, 4], [2, 2]], [2, 2], 'int32'), 1, 1),
    );
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, { rtol: 0, atol: 0 });
  });

  it('does not leak tensors', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([64, 32], 35);
    const ids = tf.tensor1d(Array.from({ length: 20 }, (_, i) => (i * 7) % 64), 'int32');
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 10; i++) tf.tidy(() => tf.gather(x, ids).dataSync());
    });
    tf.dispose([x, ids]);
  });
});
