// Page program for browser.test.ts, bundled from the built dist: starts the backend with the
// threads asked for, runs a matMul, the fused attention and an in-place weight-gradient product
// and reports what happened.
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
    // A weight-gradient product xᵀ·dy in Loom's module in place on the page's heap, 2^26
    // multiply-adds (with 2 threads half of its rows in the helper worker): x all ones, dy[p, j] = j,
    // so every row of the result is 16384 · j, exact in float32.
    const ones = tf.ones([16384, 64]);
    const ramp = tf.tile(tf.reshape(tf.range(0, 64), [1, 64]), [16384, 1]);
    const weightGradient = tf.matMul(ones, ramp, true, false);
    const gradient = await weightGradient.data();
    // The heap the module imports (src/kernels/backend-access.ts's heapMemory): reachable here too.
    const wasm = (tf.backend() as unknown as { wasm?: { wasmMemory?: unknown; asm?: { memory?: unknown } } }).wasm;
    const heapReachable = (wasm?.wasmMemory ?? wasm?.asm?.memory) instanceof WebAssembly.Memory;
    const inPlace = { heapReachable, rows: weightGradient.shape[0], first: Array.from(gradient.subarray(0, 64)), last: Array.from(gradient.subarray(gradient.length - 64)) };
    const result = { threads: handle.threads, backend: tf.getBackend(), values, attention, inPlace, notices, crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency };
    tf.dispose([q!, k!, v!, attended!, ones, ramp, weightGradient]);
    product.dispose();
    await handle.dispose();
    return result;
  },
});
