// The gradients Loom registers for tfjs's FusedConv2D and _FusedMatMul kernels, against the
// composite ops they replace (product or convolution, Add, Relu, differentiated by tfjs-core's
// own gradients on the cpu backend: the independent reference), on loom-wasm and on cpu, with
// strides, both paddings, batch 1 and odd sizes; by central finite differences (linear
// activation: relu's kink makes finite differences meaningless where a step crosses zero); only
// the gradients asked for are computed; no tensors leak. Tolerances: atol 2e-5 / rtol 1e-4
// (float32, the bias added inside the product instead of after it); finite differences (float32,
// step 1e-2 along a seeded direction) rtol 2e-2.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFiniteDifferences, onBothBackends, seededTensor, seededValues, useWasmBackend } from '../../test/wasm-test-helpers.js';
import { registerFusedKernels } from '../register-fused-kernels.js';

useWasmBackend();
beforeAll(() => {
  registerFusedKernels('cpu');
});

const TOLERANCE = { rtol: 1e-4, atol: 2e-5 };

function run(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor {
  return tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
}

/** The composite reference on the cpu backend: the values `compute` returns there with tfjs-core's unfused ops. */
async function onCpu(compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  const values = tf.tidy(() => compute().map((t) => Float32Array.from(t.dataSync())));
  await tf.setBackend(previous);
  return values;
}

const activate = (x: tf.Tensor, activation: string) => (activation === 'relu' ? tf.relu(x) : x);

describe('FusedConv2D gradient', () => {
  const cases: Array<{ x: number[]; filter: number[]; strides: number; pad: 'valid' | 'same' }> = [
    { x: [2, 7, 6, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'valid' },
    { x: [1, 9, 9, 4], filter: [3, 2, 4, 8], strides: 2, pad: 'same' },
    { x: [3, 5, 5, 1], filter: [2, 2, 1, 3], strides: 1, pad: 'same' },
  ];
  for (const activation of ['linear', 'relu'])
    it.each(cases)(`matches conv2d + add + ${activation}, output and dx/dfilter/dbias, %j`, async (c) => {
      const inputs = () => [tf.mul(seededTensor(c.x, 1), 2), seededTensor(c.filter, 2), tf.mul(seededTensor([c.filter[3]!], 3), 0.5), seededTensor([1], 4)] as const;
      const lossOf = (fn: (x: tf.Tensor, f: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, f: tf.Tensor, b: tf.Tensor) => {
        const y = fn(x, f, b);
        return tf.sum(tf.mul(y, tf.tensor(seededValues(y.size, 5), y.shape))) as tf.Scalar;
      };
      const fused = (x: tf.Tensor, f: tf.Tensor, b: tf.Tensor) =>
        run('FusedConv2D', { x, filter: f, bias: b }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], activation });
      const composite = (x: tf.Tensor, f: tf.Tensor, b: tf.Tensor) => activate(tf.add(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad), b), activation);
      const { wasm, cpu } = await onBothBackends(() => {
        const [x, f, b] = inputs();
        if (activation === 'linear') checkFiniteDifferences(lossOf(fused), [x, f, b], 11);
        return [fused(x, f, b), ...tf.grads(lossOf(fused))([x, f, b])];
      });
      const reference = await onCpu(() => {
        const [x, f, b] = inputs();
        return [composite(x, f, b), ...tf.grads(lossOf(composite))([x, f, b])];
      });
      for (const values of [wasm, cpu]) for (let i = 0; i < 4; i++) expectTensorsClose(values[i]!, reference[i]!, TOLERANCE);
    });

  it('computes only the gradients asked for (no input gradient for a first layer), without leaking tensors', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([2, 6, 6, 2], 1);
    const filter = tf.variable(seededTensor([3, 3, 2, 4], 2));
    const bias = tf.variable(seededTensor([4], 3));
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(run('FusedConv2D', { x, filter, bias }, { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], activation: 'relu' })) as tf.Scalar);
      tf.dispose([value, grads]);
    };
    const profile = await tf.profile(step);
    expect(profile.kernelNames).toContain('Conv2DBackpropFilter');
    expect(profile.kernelNames).not.toContain('Conv2DBackpropInput');
    expect(profile.kernelNames).not.toContain('Relu');
    await expectNoLeakedTensors(async () => {
      for (let i = 0; i < 50; i++) step();
    });
    tf.dispose([x, filter, bias]);
  });

  it('refuses an activation without a fused gradient, naming it', async () => {
    await tf.setBackend('loom-wasm');
    const x = seededTensor([1, 4, 4, 1], 1);
    const filter = seededTensor([2, 2, 1, 2], 2);
    const bias = seededTensor([2], 3);
    expect(() =>
      tf.grad((f: tf.Tensor) => tf.sum(run('FusedConv2D', { x, filter: f, bias }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], activation: 'elu' })))(filter),
    ).toThrow(/activation.*'linear' or 'relu'.*"elu"/);
    tf.dispose([x, filter, bias]);
  });
});

describe('_FusedMatMul gradient', () => {
  const cases: Array<{ a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [
    { a: [1, 5, 7], b: [1, 7, 3], transposeA: false, transposeB: false },
    { a: [1, 1, 4], b: [1, 6, 4], transposeA: false, transposeB: true },
    { a: [2, 7, 5], b: [2, 7, 9], transposeA: true, transposeB: false },
    { a: [1, 3, 4], b: [1, 8, 3], transposeA: true, transposeB: true },
  ];
  for (const activation of ['linear', 'relu'])
    it.each(cases)(`matches matMul + add + ${activation}, output and da/db/dbias, %j`, async (c) => {
      const columns = c.transposeB ? c.b[1]! : c.b[2]!;
      const inputs = () => [tf.mul(seededTensor(c.a, 1), 2), seededTensor(c.b, 2), tf.mul(seededTensor([columns], 3), 0.5)] as const;
      const lossOf = (fn: (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) => {
        const y = fn(a, b, bias);
        return tf.sum(tf.mul(y, tf.tensor(seededValues(y.size, 5), y.shape))) as tf.Scalar;
      };
      const fused = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) =>
        run('_FusedMatMul', { a, b, bias }, { transposeA: c.transposeA, transposeB: c.transposeB, activation });
      const composite = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) => activate(tf.add(tf.matMul(a, b, c.transposeA, c.transposeB), bias), activation);
      const { wasm, cpu } = await onBothBackends(() => {
        const [a, b, bias] = inputs();
        if (activation === 'linear' && (tf.getBackend() === 'cpu' || !(c.transposeA || c.transposeB))) checkFiniteDifferences(lossOf(fused), [a, b, bias], 11);
        return [fused(a, b, bias), ...tf.grads(lossOf(fused))([a, b, bias])];
      });
      const reference = await onCpu(() => {
        const [a, b, bias] = inputs();
        return [composite(a, b, bias), ...tf.grads(lossOf(composite))([a, b, bias])];
      });
      // tfjs-backend-wasm 4.22.0's own _FusedMatMul adds the bias wrongly when an operand is
      // transposed (its forward output differs from matMul + add; layers never pass transposes),
      // so the transposed layouts are checked on cpu only.
      const checked = c.transposeA || c.transposeB ? [cpu] : [wasm, cpu];
      for (const values of checked) for (let i = 0; i < 4; i++) expectTensorsClose(values[i]!, reference[i]!, TOLERANCE);
    });

  it('computes only the gradients asked for, without leaking tensors', async () => {
    await tf.setBackend('loom-wasm');
    const a = seededTensor([1, 8, 5], 1);
    const b = tf.variable(seededTensor([1, 5, 4], 2));
    const bias = tf.variable(seededTensor([4], 3));
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(run('_FusedMatMul', { a, b, bias }, { transposeA: false, transposeB: false, activation: 'relu' })) as tf.Scalar);
      tf.dispose([value, grads]);
    };
    const profile = await tf.profile(step);
    // Only db = aᵀ · dy: one product, no da.
    expect(profile.kernelNames.filter((name) => name === 'BatchMatMul')).toHaveLength(1);
    await expectNoLeakedTensors(async () => {
      for (let i = 0; i < 50; i++) step();
    });
    tf.dispose([a, b, bias]);
  });
});
