import * as tf from '@tensorflow/tfjs-core';
import { initWasm, registerFusedKernels, type WasmBackendHandle } from '@loom-ml/wasm';
import { afterAll, beforeAll } from 'vitest';
import { useFusedKernels } from '../src/index.js';

/**
 * Hooks for tests of the fused kernels on both backends: loom-wasm started (1 thread, not made
 * active) and the fused kernels registered for cpu. tfjs' per-kernel leak check (IS_TEST) is off
 * meanwhile: a custom-gradient op (the composite path's tf.softmax, a fused kernel recorded for
 * its first output) saves a clone that is a new data id, which that check calls a leak; these
 * tests count tensors themselves. Afterwards: fused kernels on, IS_TEST as it was, the backend
 * disposed, cpu active.
 */
export function useFusedKernelBackends(): void {
  let handle: WasmBackendHandle | undefined;
  let isTest = true;
  beforeAll(async () => {
    handle = await initWasm({ threads: 1, setActive: false });
    registerFusedKernels('cpu');
    isTest = tf.env().getBool('IS_TEST');
    tf.env().set('IS_TEST', false);
  });
  afterAll(async () => {
    tf.env().set('IS_TEST', isTest);
    useFusedKernels(true);
    await handle?.dispose();
    await tf.setBackend('cpu');
  });
}
