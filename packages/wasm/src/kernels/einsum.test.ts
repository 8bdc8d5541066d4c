import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { onBothBackends, seededTensor, useWasmBackend } from '../../test/wasm-test-helpers.js';

useWasmBackend();

const cases: Array<{ equation: string; shapes: number[][] }> = [
  { equation: 'ij,jk->ik', shapes: [[4, 5], [5, 3]] },
  { equation: 'bij,bjk->bik', shapes: [[2, 3, 4], [2, 4, 5]] },
  { equation: 'ij->ji', shapes: [[3, 4]] },
  { equation: 'ij->', shapes: [[3, 4]] },
  { equation: 'i,i->', shapes: [[6], [6]] },
  { equation: 'i,j->ij', shapes: [[3], [4]] },
  { equation: 'bhqd,bhkd->bhqk', shapes: [[2, 2, 3, 4], [2, 2, 5, 4]] },
  { equation: 'ijk,kj->i', shapes: [[2, 3, 4], [4, 3]] },
];

describe('Einsum on loom-wasm', () => {
  it.each(cases)('matches cpu for $equation', async ({ equation, shapes }) => {
    const { wasm, cpu, shapes: outShapes } = await onBothBackends(() => tf.einsum(equation, ...shapes.map((shape, i) => seededTensor(shape, 41 + i))));
    expectTensorsClose(wasm[0] as Float32Array, cpu[0] as Float32Array, { rtol: 1e-5, atol: 1e-5 });
    expect(outShapes[0]?.length).toBeGreaterThanOrEqual(0);
  });

  it('computes a hand-checked matrix product', async () => {
    await tf.setBackend('loom-wasm');
    const out = tf.einsum('ij,jk->ik', tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]]));
    expect(Array.from(out.dataSync())).toEqual([19, 22, 43, 50]);
    out.dispose();
  });

  it('has no gradient: tfjs-core 4.22 defines none for Einsum (documented; use matMul in trainable models)', async () => {
    await tf.setBackend('loom-wasm');
    const a = seededTensor([3, 4], 45);
    const b = seededTensor([4, 2], 46);
    expect(() => tf.grad((x: tf.Tensor) => tf.sum(tf.einsum('ij,jk->ik', x, b)))(a)).toThrow(/gradient function not found for Einsum/);
    tf.dispose([a, b]);
  });

  it('does not leak tensors', async () => {
    await tf.setBackend('loom-wasm');
    const a = seededTensor([2, 3, 4], 47);
    const b = seededTensor([2, 4, 5], 48);
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 10; i++) tf.tidy(() => tf.einsum('bij,bjk->bik', a, b).dataSync());
    });
    tf.dispose([a, b]);
  });
});
