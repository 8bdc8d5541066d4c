import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { onBothBackends, seededTensor, useWasmBackend } from '../../test/wasm-test-helpers.js';

useWasmBackend();

const cases: Array<{ x: number[]; filter: [number, number]; strides: [number, number]; pad: 'valid' | 'same' | number }> = [
  { x: [2, 6, 6, 3], filter: [2, 2], strides: [2, 2], pad: 'valid' },
  // The disjoint 2x2 fast path with an odd input: the last row and column get no gradient.
  { x: [2, 7, 5, 3], filter: [2, 2], strides: [2, 2], pad: 'valid' },
  { x: [1, 5, 5, 2], filter: [2, 2], strides: [2, 2], pad: 'same' },
  { x: [2, 7, 7, 2], filter: [3, 3], strides: [2, 2], pad: 'same' },
  { x: [1, 9, 8, 4], filter: [3, 2], strides: [1, 1], pad: 'valid' },
  { x: [3, 5, 5, 1], filter: [2, 2], strides: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 2], filter: [3, 3], strides: [3, 2], pad: 'valid' },
  { x: [1, 1, 1, 5], filter: [1, 1], strides: [1, 1], pad: 'valid' },
];

describe('MaxPoolGrad on loom-wasm', () => {
  it.each(cases)('matches cpu for x $x, filter $filter, strides $strides, pad $pad (random signs)', async ({ x, filter, strides, pad }) => {
    const { wasm, cpu } = await onBothBackends(() => {
      const input = seededTensor(x, 11);
      const outShape = tf.maxPool(input as tf.Tensor4D, filter, strides, pad).shape;
      const dy = seededTensor(outShape, 12);
      return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, filter, strides, pad), dy)))(input);
    });
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, { rtol: 1e-6, atol: 1e-6 });
  });

  it('refuses numeric padding (the stock forward kernel corrupts the heap) with a clear error', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([1, 4, 4, 1], 15);
    expect(() => tf.maxPool(x as tf.Tensor4D, 2, 2, 1)).toThrow(/Invalid value for `pad` in MaxPool on loom-wasm\. Expected 'same' or 'valid'/);
    x.dispose();
  });

  it('routes the gradient of all-negative windows (where the stock kernel returned 0)', async () => {
    await tf.setBackend('loom-wasm');
    // One 2x2 window of negatives: the max is -1 at flat index 1.
    const x = tf.tensor4d([-3, -1, -2, -5], [1, 2, 2, 1]);
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid'), tf.scalar(7))))(x);
    expect(Array.from(dx.dataSync())).toEqual([0, 7, 0, 0]);
    tf.dispose([x, dx]);
  });

  it("sends a tied window's gradient to its first maximum in row-major order, as cpu does", async () => {
    const { wasm, cpu } = await onBothBackends(() => {
      // Channel 0 ties everywhere; channel 1 ties in the bottom row (channels interleaved).
      const x = tf.tensor4d([2, 5, 2, 1, 2, 9, 2, 9], [1, 2, 2, 2]);
      return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d([3, 4], [1, 1, 1, 2]))))(x);
    });
    expect(Array.from(wasm[0] as Float32Array)).toEqual(Array.from(cpu[0] as Float32Array));
    expect(Array.from(wasm[0] as Float32Array)).toEqual([3, 0, 0, 0, 0, 4, 0, 0]);
  });

  it('passes a finite-difference gradient check', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([1, 5, 5, 2], 13);
    const result = checkGradients((v) => tf.sum(tf.square(tf.maxPool(v as tf.Tensor4D, 2, 1, 'same'))), [x], { epsilon: 1e-3, rtol: 2e-2, atol: 2e-3 });
    expect(result.checked).toBe(50);
    x.dispose();
  });

  it('does not leak tensors', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([2, 6, 6, 3], 14);
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 10; i++) tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid')))(x).dataSync());
    });
    x.dispose();
  });
});
