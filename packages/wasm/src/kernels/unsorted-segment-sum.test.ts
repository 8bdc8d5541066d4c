import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { onBothBackends, seededInt, seededTensor, useWasmBackend } from '../../test/wasm-test-helpers.js';

useWasmBackend();

describe('UnsortedSegmentSum on loom-wasm', () => {
  const shapes = [[7], [10, 3], [6, 2, 4], [1, 5], [12, 1]];
  it.each(shapes)('matches cpu for x of shape %j with repeated, missing and out-of-range ids', async (...shape) => {
    const rows = shape[0] as number;
    const ids = Array.from({ length: rows }, (_, i) => (i === 0 ? -1 : i === 1 ? 99 : seededInt(0, 4, i + 20)));
    const { wasm, cpu, shapes: outShapes } = await onBothBackends(() =>
      tf.unsortedSegmentSum(seededTensor(shape, 21), tf.tensor1d(ids, 'int32'), 6),
    );
    expect(outShapes[0]).toEqual([6, ...shape.slice(1)]);
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, { rtol: 1e-6, atol: 1e-6 });
  });

  it('sums int32 data exactly (hand-computed)', async () => {
    await tf.setBackend('loom-wasm');
    const out = tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), tf.tensor1d([2, 0, 2], 'int32'), 3);
    expect(out.dtype).toBe('int32');
    expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 6, 8]);
    out.dispose();
  });

  it('makes the gather gradient (Embedding layers) match cpu and finite differences', async () => {
    const indices = [3, 0, 3, 1, 4, 3];
    const { wasm, cpu } = await onBothBackends(() => {
      const table = seededTensor([5, 4], 22);
      const index = tf.tensor1d(indices, 'int32');
      return tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, index))))(table);
    });
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, { rtol: 1e-6, atol: 1e-6 });
    await tf.setBackend('loom-wasm');
    const table = seededTensor([5, 4], 22);
    const index = tf.tensor2d([[3, 0], [3, 1]], [2, 2], 'int32');
    const result = checkGradients((t) => tf.sum(tf.square(tf.gather(t, index))), [table]);
    expect(result.checked).toBe(20);
    tf.dispose([table, index]);
  });

  it('does not leak tensors', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([50, 8], 23);
    const ids = tf.tensor1d(Array.from({ length: 50 }, (_, i) => i % 7), 'int32');
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 10; i++) tf.tidy(() => tf.unsortedSegmentSum(x, ids, 7).dataSync());
    });
    tf.dispose([x, ids]);
  });
});
