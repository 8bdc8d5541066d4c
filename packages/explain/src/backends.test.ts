// The same explanations on tfjs's cpu backend and on loom-wasm: the methods use only tfjs ops and
// draw their noise in JavaScript, so the two differ only by float32 rounding.
import * as tf from '@tensorflow/tfjs-core';
import { conv2d, dense, embedding, flatten, lstm, sequential } from '@loom-ml/layers';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { initWasm, LOOM_WASM_BACKEND, type WasmBackendHandle } from '@loom-ml/wasm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { embeddingAttributions, integratedGradients, occlusion, smoothGrad } from './index.js';

let wasm: WasmBackendHandle;
beforeAll(async () => {
  wasm = await initWasm({ threads: 1, setActive: false });
  // As in layers' test/wasm.test.ts: tfjs's IS_TEST per-kernel check miscounts customGrad ops
  // (fused matMul/conv) on loom-wasm inside gradients; leaks are checked with tf.memory() instead.
  tf.env().set('IS_TEST', false);
  await tf.setBackend('cpu');
});
afterAll(async () => {
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
  await wasm.dispose();
});

/** Runs `compute` on each backend, with the model and inputs built there (seeded initialisers: the same weights). */
async function onBoth<T>(compute: () => T): Promise<[T, T]> {
  await tf.setBackend('cpu');
  const cpu = compute();
  await tf.setBackend(LOOM_WASM_BACKEND);
  try {
    return [cpu, compute()];
  } finally {
    await tf.setBackend('cpu');
  }
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, atol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(atol);
};

it('integrated gradients, SmoothGrad and occlusion of a small CNN agree on cpu and loom-wasm (atol 1e-4)', async () => {
  const [cpu, wasmResult] = await onBoth(() => {
    const cnn = sequential([
      conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1], kernelInitializer: { name: 'glorotUniform', seed: 1 } }),
      flatten(),
      dense({ units: 3, activation: 'softmax', kernelInitializer: { name: 'glorotUniform', seed: 2 } }),
    ]);
    const images = tf.tidy(() => tf.abs(tf.sin(tf.reshape(tf.range(0, 2 * 64), [2, 8, 8, 1]))));
    const result = expectNoLeakedTensors(() => ({
      ig: integratedGradients(cnn, images, { steps: 16 }),
      smooth: smoothGrad(cnn, images, { samples: 8, seed: 5 }),
      occluded: occlusion(cnn, images, { patch: 4 }),
    }));
    cnn.dispose();
    images.dispose();
    return result;
  });
  expect(wasmResult.ig.targets).toEqual(cpu.ig.targets);
  close(wasmResult.ig.attributions[0]!.data, cpu.ig.attributions[0]!.data, 1e-4);
  close(wasmResult.ig.completenessGap, cpu.ig.completenessGap, 1e-4);
  close(wasmResult.smooth.attributions[0]!.data, cpu.smooth.attributions[0]!.data, 1e-4);
  close(wasmResult.occluded.attributions.data, cpu.occluded.attributions.data, 1e-4);
});

it('embedding attributions through an LSTM agree on cpu and loom-wasm (atol 1e-4)', async () => {
  const [cpu, wasmResult] = await onBoth(() => {
    const model = sequential(
      [
        embedding({ inputDim: 20, outputDim: 8, embeddingsInitializer: { name: 'randomNormal', stddev: 0.5, seed: 3 } }),
        lstm({ units: 6, kernelInitializer: { name: 'glorotUniform', seed: 4 }, recurrentInitializer: { name: 'orthogonal', seed: 5 } }),
        dense({ units: 1, activation: 'sigmoid', kernelInitializer: { name: 'glorotUniform', seed: 6 } }),
      ],
      { inputShape: [6] },
    );
    const ids = tf.tensor2d([[0, 0, 4, 9, 13, 2], [7, 1, 19, 3, 3, 5]], [2, 6], 'int32');
    const result = expectNoLeakedTensors(() => embeddingAttributions(model, ids, { steps: 32 }));
    model.dispose();
    ids.dispose();
    return result;
  });
  close(wasmResult.tokens.flat(), cpu.tokens.flat(), 1e-4);
  close(wasmResult.scores, cpu.scores, 1e-5);
});
