import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { onBothBackends, seededTensor, useWasmBackend } from '../../test/wasm-test-helpers.js';

useWasmBackend();
const tolerance = { rtol: 1e-4, atol: 1e-4 };

const cases: Array<{ x: [number, number, number, number]; filter: [number, number, number, number]; strides: number; dilations: number; pad: 'valid' | 'same' | number }> = [
  { x: [2, 6, 6, 3], filter: [3, 3, 3, 1], strides: 1, dilations: 1, pad: 'same' },
  { x: [2, 7, 7, 2], filter: [3, 3, 2, 2], strides: 2, dilations: 1, pad: 'valid' },
  { x: [3, 5, 6, 4], filter: [2, 2, 4, 1], strides: 2, dilations: 1, pad: 'same' },
  { x: [1, 6, 6, 1], filter: [3, 3, 1, 2], strides: 1, dilations: 1, pad: 1 },
  { x: [2, 4, 4, 2], filter: [1, 1, 2, 1], strides: 1, dilations: 1, pad: 'valid' },
];

describe('DepthwiseConv2dNativeBackpropInput / BackpropFilter on loom-wasm', () => {
  it.each(cases)('match cpu for x $x, filter $filter, strides $strides, dilations $dilations, pad $pad', async ({ x, filter, strides, dilations, pad }) => {
    const { wasm, cpu } = await onBothBackends(() => {
      const input = seededTensor(x, 31) as tf.Tensor4D;
      const weights = seededTensor(filter, 32) as tf.Tensor4D;
      const outShape = tf.depthwiseConv2d(input, weights, strides, pad, 'NHWC', dilations).shape;
      const dy = seededTensor(outShape, 33);
      if (dilations > 1) {
        // tfjs-core's depthwise gradient rejects dilations > 1, so call the kernels directly.
        const attrs = { strides, dilations, pad };
        return [
          tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: weights }, { ...attrs, inputShape: x }) as tf.Tensor,
          tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: input, dy }, { ...attrs, filterShape: filter }) as tf.Tensor,
        ];
      }
      return tf.grads((v: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(v as tf.Tensor4D, w as tf.Tensor4D, strides, pad, 'NHWC', dilations), dy)))([input, weights]);
    });
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, tolerance);
    expectTensorsClose(wasm[1] as Float32Array, cpu[1] as Float32Array, tolerance);
  });

  it("handles dilation 2 (which tfjs-core's gradient and the cpu backprop kernels do not), checked by linearity against the cpu forward conv", async () => {
    const xShape: [number, number, number, number] = [1, 7, 7, 2];
    const filterShape: [number, number, number, number] = [3, 3, 2, 2];
    const attrs = { strides: 1, dilations: 2, pad: 'same' as const };
    const { wasm } = await onBothBackends(() => {
      const input = seededTensor(xShape, 51);
      const weights = seededTensor(filterShape, 52);
      const dy = seededTensor([1, 7, 7, 4], 53);
      return [
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: weights }, { ...attrs, inputShape: xShape }) as tf.Tensor,
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: input, dy }, { ...attrs, filterShape }) as tf.Tensor,
      ];
    });
    // f(x, w) = sum(dy * conv(x, w)) is linear in each argument, so df/dx_i = f(e_i, w) and
    // df/dw_j = f(x, e_j) exactly; evaluate those with the cpu forward (dilated) depthwise conv.
    await tf.setBackend('cpu');
    const [referenceInput, referenceFilter] = tf.tidy(() => {
      const input = seededTensor(xShape, 51) as tf.Tensor4D;
      const weights = seededTensor(filterShape, 52) as tf.Tensor4D;
      const dy = seededTensor([1, 7, 7, 4], 53);
      const inputSize = 7 * 7 * 2;
      const inputBasis = tf.reshape(tf.eye(inputSize), [inputSize, 7, 7, 2]) as tf.Tensor4D;
      const byInput = tf.sum(tf.mul(tf.depthwiseConv2d(inputBasis, weights, 1, 'same', 'NHWC', 2), dy), [1, 2, 3]);
      const filterSize = 3 * 3 * 2 * 2;
      const byFilter = tf.stack(
        Array.from({ length: filterSize }, (_, j) =>
          tf.sum(tf.mul(tf.depthwiseConv2d(input, tf.reshape(tf.cast(tf.oneHot(j, filterSize), 'float32'), filterShape) as tf.Tensor4D, 1, 'same', 'NHWC', 2), dy)),
        ),
      );
      return [byInput.dataSync().slice(), byFilter.dataSync().slice()];
    });
    await tf.setBackend('loom-wasm');
    expectTensorsClose(wasm[0] as Float32Array, referenceInput as Float32Array, tolerance);
    expectTensorsClose(wasm[1] as Float32Array, referenceFilter as Float32Array, tolerance);
  });

  it('pass a finite-difference gradient check for input and filter', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([1, 5, 5, 2], 34);
    const w = seededTensor([3, 3, 2, 2], 35);
    const result = checkGradients((v, f) => tf.sum(tf.square(tf.depthwiseConv2d(v as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'))), [x, w], { epsilon: 1e-2, rtol: 2e-2, atol: 5e-3 });
    expect(result.checked).toBe(50 + 36);
    tf.dispose([x, w]);
  });

  it('do not leak tensors', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([2, 6, 6, 3], 36) as tf.Tensor4D;
    const w = seededTensor([3, 3, 3, 2], 37) as tf.Tensor4D;
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 10; i++) tf.tidy(() => tf.grads((v: tf.Tensor, f: tf.Tensor) => tf.sum(tf.depthwiseConv2d(v as tf.Tensor4D, f as tf.Tensor4D, 1, 'same')))([x, w]).forEach((g) => g.dataSync()));
    });
    tf.dispose([x, w]);
  });
});
