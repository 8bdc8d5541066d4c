import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { initWasm, LOOM_WASM_BACKEND, type WasmBackendHandle } from './init-wasm.js';

describe('initWasm (Node, 2 threads)', () => {
  let handle: WasmBackendHandle | undefined;

  afterAll(async () => {
    await handle?.dispose();
    await tf.setBackend('cpu');
  });

  it('rejects invalid options before doing anything', async () => {
    await expect(initWasm({ threads: 0 })).rejects.toThrow(
      "Invalid value for `threads` in initWasm. Expected 'auto' or an integer from 1 to 8. Received: 0.",
    );
    await expect(initWasm({ threads: 1, wasmPaths: '/nowhere/' })).rejects.toThrow(
      /^Invalid value for `wasmPaths` in initWasm\. Expected a readable tfjs-backend-wasm-simd\.wasm\. Received: '\/nowhere\/tfjs-backend-wasm-simd\.wasm'/,
    );
    expect(tf.getBackend()).toBe('cpu');
  });

  it('starts with exactly the requested 2 threads on this machine and becomes the active backend', async () => {
    handle = await initWasm({ threads: 2 });
    expect(handle.threads).toBe(2);
    expect(tf.getBackend()).toBe(LOOM_WASM_BACKEND);
  });

  it('refuses a second live backend with a clear message', async () => {
    await expect(initWasm({ threads: 1 })).rejects.toThrow(/Call dispose\(\) on the first handle before initialising again\.$/);
  });

  it('computes a threaded matMul equal to the cpu backend (rtol 1e-4, atol 1e-4)', async () => {
    const a = tf.randomNormal([96, 80], 0, 1, 'float32', 1);
    const b = tf.randomNormal([80, 70], 0, 1, 'float32', 2);
    const onWasm = tf.matMul(a, b);
    const wasmValues = onWasm.dataSync().slice();
    await tf.setBackend('cpu');
    const onCpu = tf.matMul(a, b);
    expectTensorsClose(wasmValues, onCpu.dataSync(), { rtol: 1e-4, atol: 1e-4 });
    tf.dispose([a, b, onWasm, onCpu]);
    await tf.setBackend(LOOM_WASM_BACKEND);
  });

  it('dispose() removes the backend and restores the backend active before initWasm', async () => {
    await handle?.dispose();
    handle = undefined;
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.findBackendFactory(LOOM_WASM_BACKEND)).toBeFalsy();
  });

  it('can start again single-threaded after dispose()', async () => {
    handle = await initWasm({ threads: 1 });
    expect(handle.threads).toBe(1);
    expect(tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0]).toBe(5);
  });
});
