// @loom-ml/losses' categorical and sparse categorical cross-entropy with fromLogits run the fused
// LoomSoftmaxCrossEntropy kernel (found by name in the kernel registry) where the backend has it:
// per-sample losses and the gradient with respect to the logits against the same losses with
// useFusedKernels(false) (their composite log-softmax ops, the reference), on loom-wasm and cpu,
// with label smoothing, class weights, rank-3 logits, batch 1 and odd class counts (atol 2e-5,
// rtol 1e-4); the kernel really runs (tf.profile); tensor counts stay flat over many steps.
import * as tf from '@tensorflow/tfjs-core';
import { useFusedKernels } from '@loom-ml/core';
import { categoricalCrossentropy, sparseCategoricalCrossentropy, type Loss } from '@loom-ml/losses';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onBothBackends, seededTensor, seededValues, useWasmBackend } from '../../test/wasm-test-helpers.js';
import { registerFusedKernels } from '../register-fused-kernels.js';

useWasmBackend();
let isTest = true;
beforeAll(() => {
  registerFusedKernels('cpu');
  isTest = tf.env().getBool('IS_TEST');
  // The composite path's tf.logSoftmax is a custom-gradient op: its saved clone is a new data id
  // on the wasm backend, which tfjs' per-kernel leak check (on under IS_TEST) counts as a leak.
  // Leaks are checked here with expectNoLeakedTensors instead.
  tf.env().set('IS_TEST', false);
});
afterAll(() => {
  tf.env().set('IS_TEST', isTest);
  useFusedKernels(true);
});

const cases: { label: string; sparse: boolean; make: () => Loss; shape: number[] }[] = [
  { label: 'sparse, batch 1, 2 classes', sparse: true, make: () => sparseCategoricalCrossentropy({ fromLogits: true }), shape: [1, 2] },
  { label: 'sparse, 7 x 13', sparse: true, make: () => sparseCategoricalCrossentropy({ fromLogits: true }), shape: [7, 13] },
  { label: 'sparse, rank 3 (per token)', sparse: true, make: () => sparseCategoricalCrossentropy({ fromLogits: true }), shape: [3, 5, 11] },
  { label: 'sparse, label smoothing and class weights', sparse: true, make: () => sparseCategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1, classWeights: [1, 2, 0.5, 1, 3] }), shape: [6, 5] },
  { label: 'categorical, batch 1', sparse: false, make: () => categoricalCrossentropy({ fromLogits: true }), shape: [1, 3] },
  { label: 'categorical, label smoothing, rank 3', sparse: false, make: () => categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), shape: [2, 4, 9] },
  { label: 'categorical, class weights', sparse: false, make: () => categoricalCrossentropy({ fromLogits: true, classWeights: [0.5, 1, 2, 4] }), shape: [5, 4] },
];

function labelsFor(shape: number[], sparse: boolean): tf.Tensor {
  const classes = shape[shape.length - 1]!;
  const leading = shape.slice(0, -1);
  const count = leading.reduce((a, b) => a * b, 1);
  const indices = Array.from(seededValues(count, 7), (u) => Math.min(classes - 1, Math.floor(((u + 1) / 2) * classes)));
  const labels = tf.tensor(indices, leading, 'int32');
  return sparse ? labels : tf.oneHot(labels, classes);
}

describe.each(cases)('$label', ({ sparse, make, shape }) => {
  it('fused loss and dlogits equal the composite path on loom-wasm and cpu (atol 2e-5, rtol 1e-4)', async () => {
    const loss = make();
    const compute = (fused: boolean) => () => {
      const previous = useFusedKernels(fused);
      try {
        const logits = tf.mul(seededTensor(shape, 3), 5);
        const yTrue = labelsFor(shape, sparse);
        const weights = seededTensor([shape[0]!], 4);
        const objective = (z: tf.Tensor) => tf.sum(tf.mul(loss.perSample(yTrue, z), weights)) as tf.Scalar;
        return [loss.perSample(yTrue, logits), tf.grad(objective)(logits)];
      } finally {
        useFusedKernels(previous);
      }
    };
    const fused = await onBothBackends(compute(true));
    const composite = await onBothBackends(compute(false));
    for (const backend of ['wasm', 'cpu'] as const) fused[backend].forEach((values, i) => expectTensorsClose(values, composite[backend][i]!, { rtol: 1e-4, atol: 2e-5 }));
  });
});

describe('the losses fused path', () => {
  it('runs one LoomSoftmaxCrossEntropy kernel (and its gradient kernel) instead of the log-softmax ops; none when switched off', async () => {
    await tf.setBackend('loom-wasm');
    const loss = sparseCategoricalCrossentropy({ fromLogits: true });
    const logits = seededTensor([4, 6], 1);
    const labels = tf.tensor1d([0, 5, 2, 3], 'int32');
    const kernels = async (fused: boolean) => {
      const previous = useFusedKernels(fused);
      try {
        const profile = await tf.profile(() => tf.tidy(() => tf.grad((z: tf.Tensor) => tf.mean(loss.perSample(labels, z)) as tf.Scalar)(logits)));
        return profile.kernelNames;
      } finally {
        useFusedKernels(previous);
      }
    };
    const on = await kernels(true);
    expect(on).toContain('LoomSoftmaxCrossEntropy');
    expect(on).toContain('LoomSoftmaxCrossEntropyGrad');
    expect(on).not.toContain('Exp');
    const off = await kernels(false);
    expect(off).not.toContain('LoomSoftmaxCrossEntropy');
    tf.dispose([logits, labels]);
  });

  it('keeps the tensor count flat over 500 training steps', async () => {
    await tf.setBackend('loom-wasm');
    const loss = categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
    const w = tf.variable(seededTensor([5, 3], 2));
    const x = seededTensor([8, 5], 3);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.mean(loss.perSample(y, tf.matMul(x, w))) as tf.Scalar);
      tf.dispose([value, grads]);
    };
    step();
    await expectNoLeakedTensors(async () => {
      for (let i = 0; i < 500; i++) step();
    });
    tf.dispose([w, x, y]);
  });
});
