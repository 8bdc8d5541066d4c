// LoomSoftmaxCrossEntropy and its gradient kernel on loom-wasm, whose rows now run in the SIMD
// module (softmax-cross-entropy-simd.ts) when the class count is a multiple of 4, against the
// cpu backend's kernel (its float64 JavaScript loops with Math.exp, the reference): losses,
// log-sum-exps and gradients within rtol 1e-5, atol 2e-6 (Cephes' expf is about 1 ulp; the
// SIMD sums are float32 over 4 lanes), for class indices and dense (soft) labels, a language
// model's 2,048 classes, batch 1, masked (-Infinity) and widely spread logits. Bad class indices
// get the kernel's named error before any row is computed, in both kernels.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { onBothBackends, seededValues, useWasmBackend } from '../../test/wasm-test-helpers.js';
import { registerFusedKernels } from '../register-fused-kernels.js';
import { crossEntropyModuleBytes, softmaxCrossEntropySimd } from './softmax-cross-entropy-simd.js';

useWasmBackend();
beforeAll(() => {
  registerFusedKernels('cpu');
});

const tolerance = { rtol: 1e-5, atol: 2e-6 };

type Spread = 'normal' | 'wide' | 'masked';

function logitsFor(rows: number, classes: number, spread: Spread, seed: number): tf.Tensor {
  const values = seededValues(rows * classes, seed).map((v) => (spread === 'wide' ? v * 60 : v * 4));
  if (spread === 'masked') for (let i = 0; i < values.length; i += 3) values[i] = -Infinity; // every row keeps finite logits
  return tf.tensor2d(values, [rows, classes]);
}

function labelsFor(rows: number, classes: number, sparse: boolean, seed: number): tf.Tensor {
  if (sparse) return tf.tensor1d(Array.from({ length: rows }, (_, r) => (r * 7 + seed) % classes), 'float32');
  // Soft labels that sum to 0.9 (as after label smoothing with a weight), zero where masked below.
  const raw = seededValues(rows * classes, seed).map((v) => Math.abs(v));
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let c = 0; c < classes; c++) total += raw[r * classes + c] as number;
    for (let c = 0; c < classes; c++) raw[r * classes + c] = (0.9 * (raw[r * classes + c] as number)) / total;
  }
  return tf.tensor2d(raw, [rows, classes]);
}

/** Loss, log-sum-exp and the gradient kernel's dLogits for `dy`. */
function lossAndGradient(rows: number, classes: number, sparse: boolean, spread: Spread): tf.Tensor[] {
  const logits = logitsFor(rows, classes, spread, 1);
  const labels = labelsFor(rows, classes, sparse, 2);
  // Masked labels only where the logit is finite (a -Infinity logit with a nonzero label is an infinite loss).
  const usable = spread === 'masked' && !sparse ? tf.where(tf.isFinite(logits), labels, tf.zerosLike(labels)) : labels;
  const [loss, logSumExp] = tf.engine().runKernel('LoomSoftmaxCrossEntropy', { logits, labels: usable }, {}) as tf.Tensor[];
  const dy = tf.tensor1d(seededValues(rows, 3));
  const dLogits = tf.engine().runKernel('LoomSoftmaxCrossEntropyGrad', { dy, logits, labels: usable, logSumExp: logSumExp! }, {}) as tf.Tensor;
  return [loss!, logSumExp!, dLogits];
}

describe('LoomSoftmaxCrossEntropy in the SIMD module (loom-wasm)', () => {
  it('is a valid module under the 4 KB synchronous-compile limit', () => {
    const bytes = crossEntropyModuleBytes();
    expect(WebAssembly.validate(bytes as BufferSource)).toBe(true);
    expect(bytes.length).toBeLessThan(4096);
  });

  it('runs its rows in the module (views on one heap) against a float64 reference, and declines odd class counts', () => {
    const [rows, classes] = [6, 20];
    const heap = new Float32Array(rows * classes * 2 + rows * 4);
    const z = heap.subarray(0, rows * classes);
    z.set(seededValues(rows * classes, 7).map((v) => v * 8));
    const y = heap.subarray(rows * classes, rows * classes + rows);
    y.set(Array.from({ length: rows }, (_, r) => (3 * r) % classes));
    const loss = heap.subarray(rows * classes + rows, rows * classes + 2 * rows);
    const lse = heap.subarray(rows * classes + 2 * rows, rows * classes + 3 * rows);
    const dy = heap.subarray(rows * classes + 3 * rows, rows * classes + 4 * rows);
    dy.set(seededValues(rows, 8));
    const dz = heap.subarray(rows * classes + 4 * rows, 2 * rows * classes + 4 * rows);
    expect(softmaxCrossEntropySimd('crossEntropy', [z, y, loss, lse], rows, classes, true)).toBe(true);
    expect(softmaxCrossEntropySimd('crossEntropyGrad', [z, y, dy, lse, dz], rows, classes, true)).toBe(true);
    for (let r = 0; r < rows; r++) {
      const row = Array.from(z.subarray(r * classes, (r + 1) * classes));
      const max = Math.max(...row);
      const logSumExp = max + Math.log(row.reduce((sum, v) => sum + Math.exp(v - max), 0));
      const label = y[r] as number;
      expect(lse[r]).toBeCloseTo(logSumExp, 5);
      expect(loss[r]).toBeCloseTo(logSumExp - (row[label] as number), 5);
      row.forEach((v, c) => expect(dz[r * classes + c]).toBeCloseTo((dy[r] as number) * (Math.exp(v - logSumExp) - (c === label ? 1 : 0)), 6));
    }
    expect(softmaxCrossEntropySimd('crossEntropy', [z, y, loss, lse], rows, 10, true)).toBe(false);
  });

  const cases: Array<[number, number, boolean, Spread]> = [
    [1, 4, true, 'normal'],
    [9, 8, true, 'wide'],
    [64, 2048, true, 'normal'],
    [17, 2048, true, 'masked'],
    [5, 12, false, 'normal'],
    [33, 256, false, 'wide'],
    [7, 64, false, 'masked'],
  ];
  it.each(cases)('%i x %i (class indices: %s, logits %s) matches the cpu kernel', async (rows, classes, sparse, spread) => {
    const { wasm, cpu } = await onBothBackends(() => lossAndGradient(rows, classes, sparse, spread));
    expect(wasm).toHaveLength(3);
    wasm.forEach((values, i) => {
      expect(values.every((v) => Number.isFinite(v))).toBe(true);
      expectTensorsClose(values, cpu[i]!, tolerance);
    });
  });

  it('gives a NaN loss for a row of only -Infinity logits, as the loops do', async () => {
    const compute = () => {
      const logits = tf.tensor2d([[-Infinity, -Infinity, -Infinity, -Infinity], [1, 2, 3, 4]]);
      return (tf.engine().runKernel('LoomSoftmaxCrossEntropy', { logits, labels: tf.tensor1d([0, 3]) }, {}) as tf.Tensor[])[0]!;
    };
    const { wasm, cpu } = await onBothBackends(compute);
    expect(Number.isNaN(wasm[0]![0])).toBe(true);
    expect(Number.isNaN(cpu[0]![0])).toBe(true);
    expectTensorsClose([wasm[0]![1]!], [cpu[0]![1]!], tolerance);
  });

  it.each([[[0, 4]], [[1.5, 0]], [[-1, 2]], [[NaN, 1]]])('names a bad class index %j in both kernels before computing', async (labels) => {
    await tf.setBackend('loom-wasm');
    const logits = tf.tensor2d(seededValues(8, 4), [2, 4]);
    const y = tf.tensor1d(labels);
    expect(() => tf.engine().runKernel('LoomSoftmaxCrossEntropy', { logits, labels: y }, {})).toThrow(/`labels` in kernel LoomSoftmaxCrossEntropy\. Expected class indices in \[0, 4\)/);
    const dy = tf.ones([2]);
    const lse = tf.zeros([2]);
    expect(() => tf.engine().runKernel('LoomSoftmaxCrossEntropyGrad', { dy, logits, labels: y, logSumExp: lse }, {})).toThrow(/`labels` in kernel LoomSoftmaxCrossEntropyGrad/);
    tf.dispose([logits, y, dy, lse]);
  });

  it('keeps the tensor count flat over 200 training steps', async () => {
    await tf.setBackend('loom-wasm');
    const logits = tf.variable(logitsFor(16, 128, 'normal', 5));
    const labels = labelsFor(16, 128, true, 6);
    const step = () => tf.dispose(tf.variableGrads(() => tf.sum((tf.engine().runKernel('LoomSoftmaxCrossEntropy', { logits, labels }, {}) as tf.Tensor[])[0]!) as tf.Scalar));
    step();
    await expectNoLeakedTensors(async () => {
      for (let i = 0; i < 200; i++) step();
    });
    tf.dispose([logits, labels]);
  });
});
