// Test helpers: run exported ONNX bytes in onnxruntime-web (WebAssembly) inside Node.js.
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';

// One thread: the test machine's cores are shared by parallel test files.
ort.env.wasm.numThreads = 1;

/** Runs `bytes` on `inputs` (in the graph's input order) and returns every output, in graph order, as tensors. */
export async function runOnnx(bytes: Uint8Array, inputs: tf.Tensor[]): Promise<tf.Tensor[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    session.inputNames.forEach((name, k) => {
      const x = inputs[k]!;
      const data = x.dtype === 'int32' ? Int32Array.from(x.dataSync()) : Float32Array.from(x.dataSync());
      feeds[name] = new ort.Tensor(x.dtype === 'int32' ? 'int32' : 'float32', data, x.shape);
    });
    const results = await session.run(feeds);
    return session.outputNames.map((name) => {
      const out = results[name]!;
      return tf.tensor(out.data as Float32Array, out.dims as number[], 'float32');
    });
  } finally {
    await session.release();
  }
}

/** The graph's input and output names, as onnxruntime reads them. */
export async function onnxNames(bytes: Uint8Array): Promise<{ inputs: readonly string[]; outputs: readonly string[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const names = { inputs: session.inputNames, outputs: session.outputNames };
  await session.release();
  return names;
}
