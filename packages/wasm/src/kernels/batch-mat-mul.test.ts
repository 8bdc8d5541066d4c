import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { onBothBackends, seededInt, seededTensor, useWasmBackend, withoutHeapAccess } from '../../test/wasm-test-helpers.js';

useWasmBackend();
const tolerance = { rtol: 1e-4, atol: 1e-4 };

describe('BatchMatMul on loom-wasm (transposed fast path)', () => {
  const cases: Array<{ a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [];
  for (let seed = 0; seed < 8; seed++) {
    const m = seededInt(1, 70, seed * 3 + 1);
    const k = seededInt(1, 70, seed * 3 + 2);
    const n = seededInt(1, 70, seed * 3 + 3);
    const transposeA = seed % 2 === 1;
    const transposeB = seed % 4 >= 2;
    cases.push({ a: transposeA ? [k, m] : [m, k], b: transposeB ? [n, k] : [k, n], transposeA, transposeB });
  }
  // Edge cases: vectors, size-1 dims, batches (equal, broadcast from 1) above and below the split threshold.
  cases.push({ a: [1, 1], b: [1, 1], transposeA: true, transposeB: true });
  cases.push({ a: [64, 1], b: [64, 33], transposeA: true, transposeB: false });
  cases.push({ a: [3, 40, 50], b: [3, 60, 50], transposeA: false, transposeB: true });
  cases.push({ a: [2, 2, 50, 40], b: [1, 50, 45], transposeA: true, transposeB: false });
  cases.push({ a: [4, 5, 6], b: [4, 6, 7], transposeA: false, transposeB: false });
  cases.push({ a: [1, 48, 40], b: [5, 40, 36], transposeA: false, transposeB: false });
  // Batches through the SIMD module (columns a multiple of 4): every transpose pair, rank 4,
  // broadcasts either way, odd rows and inner sizes, inner size 1, batch 1 against many.
  cases.push({ a: [3, 2, 7, 5], b: [3, 2, 8, 7], transposeA: true, transposeB: true });
  cases.push({ a: [2, 3, 9, 13], b: [2, 3, 13, 20], transposeA: false, transposeB: false });
  cases.push({ a: [4, 13, 9], b: [1, 12, 13], transposeA: true, transposeB: true });
  cases.push({ a: [1, 11, 1], b: [6, 1, 4], transposeA: false, transposeB: false });
  cases.push({ a: [6, 17, 3], b: [6, 17, 4], transposeA: true, transposeB: false });
  cases.push({ a: [5, 31, 16], b: [5, 200, 16], transposeA: false, transposeB: true });
  // Aᵀ·B with B wider than A runs as (Bᵀ·A)ᵀ: rank 2, rank 3 with batch 1, and mixed ranks.
  cases.push({ a: [300, 8], b: [300, 40], transposeA: true, transposeB: false });
  cases.push({ a: [1, 97, 3], b: [1, 97, 17], transposeA: true, transposeB: false });
  cases.push({ a: [97, 3], b: [1, 97, 17], transposeA: true, transposeB: false });
  cases.push({ a: [1, 97, 5], b: [97, 6], transposeA: true, transposeB: false });
  // Aᵀ·B with 4k columns in the SIMD module: rank 2, rank 3 batch 1, and a long k (sliced).
  cases.push({ a: [50, 33], b: [50, 12], transposeA: true, transposeB: false });
  cases.push({ a: [1, 7, 9], b: [1, 7, 4], transposeA: true, transposeB: false });
  cases.push({ a: [6000, 9], b: [6000, 8], transposeA: true, transposeB: false });

  it.each(cases)('matches cpu for a $a (T=$transposeA) x b $b (T=$transposeB)', async ({ a, b, transposeA, transposeB }) => {
    const { wasm, cpu, shapes } = await onBothBackends(() => tf.matMul(seededTensor(a, 1), seededTensor(b, 2), transposeA, transposeB));
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, tolerance);
    const rows = transposeA ? a.at(-1) : a.at(-2);
    const columns = transposeB ? b.at(-2) : b.at(-1);
    expect(shapes[0]?.slice(-2)).toEqual([rows, columns]);
  });

  it.each([
    { a: [5, 31, 16], b: [5, 200, 16], transposeA: false, transposeB: true },
    { a: [2, 2, 50, 40], b: [1, 50, 44], transposeA: true, transposeB: false },
    { a: [6000, 9], b: [6000, 8], transposeA: true, transposeB: false },
  ])('in place on the heap and through copies into the module give the same bits, a $a (T=$transposeA) x b $b (T=$transposeB)', async ({ a, b, transposeA, transposeB }) => {
    await tf.setBackend('loom-wasm');
    const product = () => tf.tidy(() => Array.from(tf.matMul(seededTensor(a, 1), seededTensor(b, 2), transposeA, transposeB).dataSync()));
    const inPlace = product();
    expect(await withoutHeapAccess(product)).toEqual(inPlace);
  });

  it('passes a finite-difference gradient check through both transposes', async () => {
    await tf.setBackend('loom-wasm');
    const a = seededTensor([5, 4], 3);
    const b = seededTensor([6, 5], 4);
    const result = checkGradients((x, y) => tf.sum(tf.square(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, true, true))), [a, b], { epsilon: 1e-2, rtol: 2e-2, atol: 2e-3 });
    expect(result.checked).toBe(50);
    tf.dispose([a, b]);
  });

  it('passes a finite-difference gradient check through a batched product', async () => {
    await tf.setBackend('loom-wasm');
    const a = seededTensor([2, 3, 4], 7);
    const b = seededTensor([2, 8, 4], 8);
    const result = checkGradients((x, y) => tf.sum(tf.square(tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, false, true))), [a, b], { epsilon: 1e-2, rtol: 2e-2, atol: 2e-3 });
    expect(result.checked).toBe(88);
    tf.dispose([a, b]);
  });

  it('does not leak tensors over repeated transposed products', async () => {
    await tf.setBackend('loom-wasm');
    const a = seededTensor([2, 40, 40], 5);
    const b = seededTensor([2, 40, 40], 6);
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 20; i++) tf.tidy(() => tf.matMul(a, b, true, true).dataSync());
      for (let i = 0; i < 20; i++) tf.tidy(() => tf.matMul(tf.slice(a, [0, 0, 0], [1, 40, 10]), b, true, false).dataSync());
    });
    tf.dispose([a, b]);
  });
});
