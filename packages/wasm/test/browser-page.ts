// Page program for browser.test.ts, bundled from the built dist: starts the backend with the
// threads asked for, runs a matMul and the fused attention and reports what happened.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initWasm } from '@loom-ml/wasm';
import { exposeToTest } from '@loom-ml/test-utils/page';

exposeToTest({
  async matMulOnWasm(threads: number | 'auto') {
    const notices: string[] = [];
    const handle = await initWasm({ threads, wasmPaths: '/', onNotice: (message) => notices.push(message) });
    const product = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [-7, 0.5]]));
    const values = Array.from(await product.data());
    // The fused attention (with 2 threads half of its heads run in the helper worker).
    const [q, k, v] = [1, 2, 3].map((seed) => tf.tensor3d(Array.from({ length: 4 * 8 * 4 }, (_, i) => Math.sin(seed * 7 + i * 0.37)), [4, 8, 4]));
    const [attended] = tf.engine().runKernel('LoomAttention', { query: q!, key: k!, value: v! }, { numHeads: 2, scale: 0.5, causal: false }) as tf.Tensor[];
    const attention = Array.from(await attended!.data());
    const result = { threads: handle.threads, backend: tf.getBackend(), values, attention, notices, crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency };
    tf.dispose([q!, k!, v!, attended!]);
    product.dispose();
    await handle.dispose();
    return result;
  },
});
