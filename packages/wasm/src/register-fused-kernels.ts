import * as tf from '@tensorflow/tfjs-core';
import { fusedKernels } from './kernels/fused-kernels.js';

/**
 * Registers Loom's fused kernels (whole-sequence LSTM/GRU/SimpleRNN with backpropagation
 * through time, layer normalisation, scaled dot-product attention and softmax cross-entropy from
 * logits with their gradients, and the Adam/AdamW/Lion/SGD-momentum updates `@loom-ml/optimizers` calls by
 * name) and their gradients for `backendName`: `initWasm` does it for `loom-wasm`;
 * call it for `'cpu'` to run the same fused kernels on the tfjs cpu backend (otherwise the
 * layers use their composite path there). Idempotent; returns how many kernels were added.
 *
 * @example
 * import '@tensorflow/tfjs-backend-cpu';
 * registerFusedKernels('cpu');
 */
export function registerFusedKernels(backendName: string): number {
  const { kernels, gradients } = fusedKernels();
  let added = 0;
  for (const kernel of kernels) {
    if (tf.getKernel(kernel.kernelName, backendName) !== undefined) continue;
    tf.registerKernel({ ...kernel, backendName });
    added += 1;
  }
  for (const gradient of gradients) if (tf.getGradient(gradient.kernelName) === undefined) tf.registerGradient(gradient);
  return added;
}
