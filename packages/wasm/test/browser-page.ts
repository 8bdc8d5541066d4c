// Page program for browser.test.ts, bundled from the built dist: starts the backend with the
// threads asked for, runs a matMul and reports what happened.
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
    const result = { threads: handle.threads, backend: tf.getBackend(), values, notices, crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency };
    product.dispose();
    await handle.dispose();
    return result;
  },
});
