// Page program for browser.test.ts, bundled from the built dist with no externals: loads Loom
// models sent from Node, exports them to ONNX in the page and runs them in onnxruntime-web.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-web/wasm';
import { deserializeModel } from '@loom-ml/layers';
import { exportOnnx, exportTfjsModel } from '@loom-ml/export';
import { exposeToTest } from '@loom-ml/test-utils/page';

// The WebAssembly binary is served next to the page; one thread (no cross-origin isolation needed).
ort.env.wasm.wasmPaths = { wasm: new URL('./ort-wasm-simd-threaded.wasm', location.href).href };
ort.env.wasm.numThreads = 1;

exposeToTest({
  /**
   * Loads a saved Loom model, exports it to ONNX here, runs each batch in onnxruntime-web and
   * returns the outputs, the ONNX bytes' length and SHA-256, and the tensors left behind.
   */
  async exportAndRun(saved: number[], batches: { data: number[]; shape: number[] }[]) {
    await tf.ready();
    const before = tf.memory().numTensors;
    const model = deserializeModel(Uint8Array.from(saved));
    const bytes = await exportOnnx(model);
    const tfjs = await exportTfjsModel(model).then(
      (artifacts) => artifacts.weightSpecs.length,
      (error: Error) => error.message,
    );
    model.dispose();
    const session = await ort.InferenceSession.create(bytes);
    const outputs: { data: number[]; dims: number[] }[] = [];
    for (const batch of batches) {
      const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(batch.data), batch.shape) });
      const output = result[session.outputNames[0]!]!;
      outputs.push({ data: Array.from(output.data as Float32Array), dims: [...output.dims] });
    }
    await session.release();
    const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array(bytes))), (b) => b.toString(16).padStart(2, '0')).join('');
    return { outputs, byteLength: bytes.byteLength, digest, tfjs, leaked: tf.memory().numTensors - before };
  },
});
