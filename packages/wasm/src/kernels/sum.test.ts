import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { onBothBackends, seededTensor, useWasmBackend, withoutHeapAccess } from '../../test/wasm-test-helpers.js';

useWasmBackend();

describe('Sum on loom-wasm (leading-axes kernel, stock for the rest)', () => {
  // [shape, axis, keepDims]: bias gradients (leading axes), axes given out of order or negative,
  // and cases the stock kernel keeps (inner axes, all axes, a middle axis).
  const cases: [number[], number | number[], boolean][] = [
    [[8, 6, 6, 5], [0, 1, 2], false],
    [[8, 6, 6, 5], [2, 0, 1], true],
    [[32, 17], 0, false],
    [[4, 3, 7], [0, -2], false],
    [[4, 3, 7], -1, false],
    [[4, 3, 7], [0, 1, 2], false],
    [[4, 3, 7], 1, true],
    // Column counts that are multiples of 4 run in Loom's SIMD module (float64 lanes).
    [[3, 4], 0, false],
    [[640, 8, 12], [0, 1], true],
    [[2, 5, 3, 32], [0, 1, 2], false],
  ];
  it.each(cases)('matches cpu for x %j, axis %j, keepDims %s (rtol 1e-5)', async (shape, axis, keepDims) => {
    const { wasm, cpu, shapes } = await onBothBackends(() => {
      const x = seededTensor(shape, 41);
      return [tf.sum(x, axis, keepDims), tf.sum(tf.sum(x, axis, keepDims))];
    });
    await tf.setBackend('cpu');
    const expectedShape = tf.tidy(() => tf.sum(tf.zeros(shape), axis, keepDims).shape);
    expect(shapes[0]).toEqual(expectedShape);
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, { rtol: 1e-5, atol: 1e-5 });
  });

  it('gives the same bits in place on the heap and through copies into the module', async () => {
    await tf.setBackend('loom-wasm');
    const sums = () => tf.tidy(() => Array.from(tf.sum(seededTensor([640, 8, 12], 41), [0, 1]).dataSync()));
    const inPlace = sums();
    expect(await withoutHeapAccess(sums)).toEqual(inPlace);
  });

  it('sums a hand-computed case over the batch axis', async () => {
    await tf.setBackend('loom-wasm');
    const out = tf.sum(tf.tensor2d([[1, 2, 3], [10, 20, 30], [-1, -2, -3]]), 0);
    expect(Array.from(out.dataSync())).toEqual([10, 20, 30]);
    out.dispose();
  });

  it('keeps int32 sums on the stock kernel (exact)', async () => {
    await tf.setBackend('loom-wasm');
    const out = tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0);
    expect(out.dtype).toBe('int32');
    expect(Array.from(out.dataSync())).toEqual([4, 6]);
    out.dispose();
  });

  it('gives the conv bias gradient cpu gives', async () => {
    const { wasm, cpu } = await onBothBackends(() => {
      const x = seededTensor([4, 7, 7, 3], 42);
      const filter = seededTensor([3, 3, 3, 5], 43);
      const bias = seededTensor([5], 44);
      return tf.grad((b: tf.Tensor) => tf.sum(tf.square(tf.add(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same'), b))))(bias);
    });
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, { rtol: 1e-4, atol: 1e-4 });
  });

  it('does not leak tensors', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([16, 5, 5, 8], 45);
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 10; i++) tf.tidy(() => tf.sum(x, [0, 1, 2]).dataSync());
    });
    x.dispose();
  });
});
