import * as tf from '@tensorflow/tfjs-core';
import { fusedKernelAvailable, runFusedKernelForFirstOutput } from '../core/fused-kernels.js';

/** Fused kernel (registered by `@loom-ml/wasm`; contract in its kernels/layer-norm.ts). */
const LAYER_NORM_KERNEL = 'LoomLayerNorm';

/**
 * Normalises over the last axis, then scales and shifts (Ba et al. 2016): one fused kernel (its
 * gradient one kernel too) where the backend has it and fused kernels are on, else the
 * composite ops (the reference).
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const float = x.dtype === 'float32' && gamma.dtype === 'float32' && beta.dtype === 'float32';
    if (float && gamma.rank === 1 && beta.rank === 1 && fusedKernelAvailable(LAYER_NORM_KERNEL)) {
      return runFusedKernelForFirstOutput(LAYER_NORM_KERNEL, { x, gamma, beta }, {}, { epsilon });
    }
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
  });
}
