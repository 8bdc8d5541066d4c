import * as tf from '@tensorflow/tfjs-core';
import { buildTrainingKernels } from './kernels/training-kernels.js';
import { registerFusedKernels } from './register-fused-kernels.js';

/**
 * Registers, for `backendName`, every kernel of the stock tfjs `wasm` backend plus Loom's
 * training kernels (which replace stock ones of the same name, e.g. MaxPoolGrad, BatchMatMul).
 * Idempotent: kernels already registered for `backendName` are left alone.
 *
 * Requires `@tensorflow/tfjs-backend-wasm` to have been imported (initWasm does that).
 */
export function registerTrainingKernels(backendName: string): void {
  const ours = new Map(buildTrainingKernels().map((kernel) => [kernel.kernelName, kernel]));
  const stockKernels = tf.getKernelsForBackend('wasm');
  for (const kernel of stockKernels) {
    if (ours.has(kernel.kernelName) || tf.getKernel(kernel.kernelName, backendName) !== undefined) continue;
    tf.registerKernel({ ...kernel, backendName });
  }
  for (const kernel of ours.values()) {
    if (tf.getKernel(kernel.kernelName, backendName) !== undefined) continue;
    tf.registerKernel({ ...kernel, backendName });
  }
  registerFusedKernels(backendName);
}
