import * as tf from '@tensorflow/tfjs-core';
import { fusedKernelsEnabled } from '@loom-ml/core';

/**
 * `useFusedKernels(on)` turns Loom's fused kernels on or off for every layer and for the
 * losses' softmax cross-entropy (default on) and returns the previous setting; it is
 * `@loom-ml/core`'s switch, exported here too. Fused kernels are used only where the active
 * backend registered them (`initWasm` does for loom-wasm; `registerFusedKernels('cpu')` from
 * `@loom-ml/wasm` for cpu); elsewhere, or when off, layers run their composite tfjs-core ops
 * (the reference the fused kernels are tested against, and what benchmarks compare them with).
 *
 * @example
 * const previous = useFusedKernels(false); // composite path
 * useFusedKernels(previous);
 */
export { useFusedKernels } from '@loom-ml/core';

/** Whether the fused kernel `name` (and its gradient) can run on the active backend now. */
export function fusedKernelAvailable(name: string): boolean {
  return fusedKernelsEnabled() && tf.getKernel(name, tf.getBackend()) !== undefined && tf.getGradient(name) !== undefined;
}

/** Runs a registered kernel through the engine, so the tape records it with its registered gradient. */
export function runFusedKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor[] {
  const result = tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
  return Array.isArray(result) ? result : [result];
}
