// Dense, Conv1D and Conv2D with a bias and a linear or relu activation while training run one
// fused kernel (_FusedMatMul / FusedConv2D with @loom-ml/wasm's gradient) instead of product,
// Add and Relu: the kernels really run, and outputs and the gradients with respect to the input
// and every weight match the composite path (useFusedKernels(false): tfjs-core's unfused ops,
// the reference) on loom-wasm and on cpu (rtol 1e-4, atol 2e-5: float32, the bias added inside
// the product instead of after it); a flat tensor count over 200 training steps.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { initWasm, LOOM_WASM_BACKEND, registerFusedKernels, type WasmBackendHandle } from '@loom-ml/wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv1d, conv2d, dense, sequential, useFusedKernels, type Layer } from '../index.js';
import { seededValues } from '../../test/layer-cases.js';

let handle: WasmBackendHandle | undefined;
beforeAll(async () => {
  handle = await initWasm({ threads: 1, setActive: false });
  registerFusedKernels('cpu');
});
afterAll(async () => {
  useFusedKernels(true);
  await handle?.dispose();
  await tf.setBackend('cpu');
});

const seeded = (seed: number) => ({ name: 'glorotUniform' as const, seed });
const cases: Array<{ label: string; make: () => Layer[]; input: number[]; kernel: string }> = [
  { label: 'dense relu then linear, odd sizes', make: () => [dense({ units: 7, activation: 'relu', kernelInitializer: seeded(1), biasInitializer: 'ones' }), dense({ units: 3, kernelInitializer: seeded(2) })], input: [5, 9], kernel: '_FusedMatMul' },
  { label: 'dense relu on rank 3, batch 1', make: () => [dense({ units: 4, activation: 'relu', kernelInitializer: seeded(3) })], input: [1, 3, 6], kernel: '_FusedMatMul' },
  { label: 'conv2d relu, same padding, stride 2', make: () => [conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: seeded(4) })], input: [2, 7, 6, 3], kernel: 'FusedConv2D' },
  { label: 'conv2d relu then linear, valid', make: () => [conv2d({ filters: 4, kernelSize: 2, activation: 'relu', kernelInitializer: seeded(5) }), conv2d({ filters: 3, kernelSize: 3, kernelInitializer: seeded(6) })], input: [3, 6, 6, 2], kernel: 'FusedConv2D' },
  { label: 'conv1d relu', make: () => [conv1d({ filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: seeded(7) })], input: [2, 9, 3], kernel: 'FusedConv2D' },
];

/** Output and gradients (input first, then every weight) of a weighted sum of the model's output. */
function outputAndGradients(layers: Layer[], input: number[]): { values: tf.Tensor[]; kernels: Promise<string[]> } {
  const model = sequential(layers, { inputShape: input.slice(1) });
  const x = tf.tensor(seededValues(input.reduce((a, b) => a * b, 1), 8), input);
  model.apply(x, { training: true }); // builds the weights
  const loss = (xs: tf.Tensor) => {
    const y = model.apply(xs, { training: true }) as tf.Tensor;
    return tf.sum(tf.mul(y, tf.tensor(seededValues(y.size, 9), y.shape))) as tf.Scalar;
  };
  const values = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => loss(x));
    const dx = tf.grad(loss)(x);
    return [value, dx, ...model.trainableWeights.map((w) => grads[w.name] as tf.Tensor)];
  });
  const kernels = tf.profile(() => tf.dispose(tf.variableGrads(() => loss(x)))).then((info) => info.kernelNames);
  return { values, kernels };
}

describe('fused bias and relu while training', () => {
  for (const backend of ['cpu', LOOM_WASM_BACKEND])
    it.each(cases)(`$label on ${backend}: the fused kernel runs and matches the composite path`, async (c) => {
      await tf.setBackend(backend);
      const fused = outputAndGradients(c.make(), c.input);
      const fusedKernels = await fused.kernels;
      useFusedKernels(false);
      const composite = outputAndGradients(c.make(), c.input);
      const compositeKernels = await composite.kernels;
      useFusedKernels(true);
      expect(fusedKernels).toContain(c.kernel);
      expect(fusedKernels).not.toContain('Relu');
      expect(compositeKernels).toContain('Relu');
      expect(fused.values).toHaveLength(composite.values.length);
      fused.values.forEach((value, i) => expectTensorsClose(value, composite.values[i]!, { rtol: 1e-4, atol: 2e-5 }));
      tf.dispose([...fused.values, ...composite.values]);
    });

  it('keeps the tensor count flat over 200 training steps', async () => {
    await tf.setBackend(LOOM_WASM_BACKEND);
    const model = sequential([conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }), dense({ units: 2, activation: 'relu' })]);
    const x = tf.tensor(seededValues(2 * 36, 3), [2, 6, 6, 1]);
    const step = () => tf.dispose(tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar));
    step();
    await expectNoLeakedTensors(async () => {
      for (let i = 0; i < 200; i++) step();
    });
    x.dispose();
  });
});
