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
  // Stride leaves the last input rows unused (the correlation is larger than the filter).
  { x: [2, 8, 8, 2], filter: [3, 3, 2, 3], strides: [2, 2], pad: 'valid' },
];
for (let seed = 0; seed < 4; seed++) {
  const size = seededInt(4, 12, seed * 7 + 1);
  const kernel = seededInt(1, 4, seed * 7 + 2);
  const stride = seededInt(1, 3, seed * 7 + 3);
  cases.push({
    x: [seededInt(1, 3, seed * 7 + 4), size, size + 1, seededInt(1, 4, seed * 7 + 5)],
    filter: [kernel, kernel, 0, seededInt(1, 5, seed * 7 + 6)],
    strides: [stride, stride],
    pad: seed % 2 === 0 ? 'same' : 'valid',
  });
  (cases.at(-1) as Case).filter[2] = (cases.at(-1) as Case).x[3];
}

describe('Conv2DBackpropFilter on loom-wasm', () => {
  it.each(cases)('matches cpu for x $x, filter $filter, strides $strides, pad $pad', async ({ x, filter, strides, pad }) => {
    const { wasm, cpu, shapes } = await onBothBackends(() => {
      const input = seededTensor(x, 1);
      const weights = seededTensor(filter, 2);
      const outShape = tf.conv2d(input as tf.Tensor4D, weights as tf.Tensor4D, strides, pad).shape;
      // Negative and positive upstream gradients.
      const dy = seededTensor(outShape, 3);
      return tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(input as tf.Tensor4D, w as tf.Tensor4D, strides, pad), dy)))(weights);
    });
    expect(shapes[0]).toEqual(filter);
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, tolerance);
  });

  it('handles negative inputs and NCHW data through the tfjs op', async () => {
    const { wasm, cpu } = await onBothBackends(() => {
      const x = tf.neg(tf.abs(seededTensor([2, 3, 6, 6], 4))) as tf.Tensor4D;
      const dy = seededTensor([2, 4, 3, 3], 5) as tf.Tensor4D;
      return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [2, 2], pad: 'same', dataFormat: 'NCHW', filterShape: [2, 2, 3, 4] }) as tf.Tensor;
    });
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, tolerance);
  });

  it('passes a finite-difference gradient check for the filter of a strided conv', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([2, 6, 6, 2], 6) as tf.Tensor4D;
    const w = seededTensor([3, 3, 2, 3], 7) as tf.Tensor4D;
    const result = checkGradients((filter) => tf.sum(tf.square(tf.conv2d(x, filter as tf.Tensor4D, 2, 'same'))), [w], { epsilon: 1e-2, rtol: 2e-2, atol: 5e-3 });
    expect(result.checked).toBe(54);
    tf.dispose([x, w]);
  });

  it('does not leak tensors across repeated gradient steps', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([2, 8, 8, 3], 8) as tf.Tensor4D;
    const w = seededTensor([3, 3, 3, 4], 9) as tf.Tensor4D;
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 10; i++) tf.tidy(() => tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 1, 'same')))(w).dataSync());
    });
    tf.dispose([x, w]);
  });
});
