import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { onBothBackends, seededInt, seededTensor, useWasmBackend } from '../../test/wasm-test-helpers.js';

useWasmBackend();
const tolerance = { rtol: 1e-3, atol: 1e-3 };

type Pad = 'valid' | 'same' | number;
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

const cases: Case[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { x: [3, 9, 8, 2], filter: [3, 2, 2, 5], strides: [2, 2], pad: 'same' },
  { x: [1, 10, 11, 4], filter: [4, 3, 4, 2], strides: [3, 2], pad: 'valid' },
  { x: [2, 6, 6, 1], filter: [1, 1, 1, 3], strides: [2, 2], pad: 'valid' },
  { x: [2, 5, 5, 2], filter: [3, 3, 2, 2], strides: [1, 1], pad: 1 },
  // Stride leaves the last input rows unused: their gradient must be exactly 0.
  { x: [2, 8, 8, 2], filter: [3, 3, 2, 3], strides: [2, 2], pad: 'valid' },
  { x: [4, 28, 28, 1], filter: [3, 3, 1, 8], strides: [1, 1], pad: 'valid' },
  // At least twice as many input as output positions (the stride-2 cases above too): dx is
  // scattered from one product dy · Wᵀ instead of a padded full correlation.
  { x: [3, 5, 5, 8], filter: [3, 3, 8, 8], strides: [1, 1], pad: 'valid' },
  { x: [2, 6, 7, 3], filter: [4, 4, 3, 5], strides: [1, 1], pad: 'valid' },
];
for (let seed = 0; seed < 4; seed++) {
  const size = seededInt(4, 12, seed * 11 + 1);
  const kernel = seededInt(1, 4, seed * 11 + 2);
  const stride = seededInt(1, 3, seed * 11 + 3);
  const channels = seededInt(1, 4, seed * 11 + 5);
  cases.push({
    x: [seededInt(1, 3, seed * 11 + 4), size, size + 1, channels],
    filter: [kernel, kernel, channels, seededInt(1, 5, seed * 11 + 6)],
    strides: [stride, stride],
    pad: seed % 2 === 0 ? 'same' : 'valid',
  });
}

describe('Conv2DBackpropInput on loom-wasm', () => {
  it.each(cases)('matches cpu for x $x, filter $filter, strides $strides, pad $pad', async ({ x, filter, strides, pad }) => {
    const { wasm, cpu, shapes } = await onBothBackends(() => {
      const input = seededTensor(x, 1);
      const weights = seededTensor(filter, 2);
      const outShape = tf.conv2d(input as tf.Tensor4D, weights as tf.Tensor4D, strides, pad).shape;
      const dy = seededTensor(outShape, 3);
      return tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, weights as tf.Tensor4D, strides, pad), dy)))(input);
    });
    expect(shapes[0]).toEqual(x);
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, tolerance);
  });

  it('handles NCHW through the kernel directly', async () => {
    const { wasm, cpu } = await onBothBackends(() => {
      const dy = seededTensor([2, 4, 3, 3], 5) as tf.Tensor4D;
      const filter = seededTensor([2, 2, 3, 4], 6) as tf.Tensor4D;
      return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: [2, 2], pad: 'same', dataFormat: 'NCHW', inputShape: [2, 3, 6, 6] }) as tf.Tensor;
    });
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, tolerance);
  });

  it('passes a finite-difference gradient check and leaks nothing', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([1, 5, 5, 2], 7);
    const w = seededTensor([3, 3, 2, 2], 8);
    const result = checkGradients((input) => tf.sum(tf.square(tf.conv2d(input as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'))), [x], { epsilon: 1e-2 });
    expect(result.checked).toBe(50);
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 3; i++) tf.tidy(() => tf.grad((input: tf.Tensor) => tf.sum(tf.conv2d(input as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')))(x)).dispose();
    });
  });
});
