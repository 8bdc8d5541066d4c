import * as tf from '@tensorflow/tfjs-core';

/** The projections of one multi-head self-attention block. Kernels are `[in, out]`. */
export interface AttentionWeights {
  queryKernel: tf.Tensor;
  keyKernel: tf.Tensor;
  valueKernel: tf.Tensor;
  /** `[numHeads * keyDim, features]`. */
  outputKernel: tf.Tensor;
  queryBias: tf.Tensor | null;
  keyBias: tf.Tensor | null;
  valueBias: tf.Tensor | null;
  outputBias: tf.Tensor | null;
}

function project(flat: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor2D {
  const out = tf.matMul(flat, kernel as tf.Tensor2D) as tf.Tensor2D;
  return bias ? (tf.add(out, bias) as tf.Tensor2D) : out;
}

/** `[batch*time, heads*keyDim]` → `[batch*heads, time, keyDim]`, with reshape/transpose only (no einsum gradient in tfjs-core). */
function splitHeads(x: tf.Tensor2D, batch: number, time: number, numHeads: number, keyDim: number): tf.Tensor3D {
  return tf.reshape(tf.transpose(tf.reshape(x, [batch, time, numHeads, keyDim]), [0, 2, 1, 3]), [batch * numHeads, time, keyDim]);
}

/** `[time, time]` with -1e9 above the diagonal, so step t attends to steps <= t only. */
export function causalMask(time: number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([time, time]), -1, 0)), -1e9) as tf.Tensor2D);
}

/**
 * Scaled dot-product self-attention over `x` `[batch, time, features]` (Vaswani et al. 2017):
 * `softmax(Q Kᵀ / √keyDim) V` per head, heads concatenated and projected back to `features`.
 */
export function selfAttention(x: tf.Tensor, weights: AttentionWeights, numHeads: number, keyDim: number, causal: boolean): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, time, features] = x.shape as [number, number, number];
    const flat = tf.reshape(x, [batch * time, features]) as tf.Tensor2D;
    const query = splitHeads(project(flat, weights.queryKernel, weights.queryBias), batch, time, numHeads, keyDim);
    const key = splitHeads(project(flat, weights.keyKernel, weights.keyBias), batch, time, numHeads, keyDim);
    const value = splitHeads(project(flat, weights.valueKernel, weights.valueBias), batch, time, numHeads, keyDim);
    let scores: tf.Tensor = tf.mul(tf.matMul(query, key, false, true), 1 / Math.sqrt(keyDim));
    if (causal) scores = tf.add(scores, causalMask(time));
    const attended = tf.matMul(tf.softmax(scores), value);
    const merged = tf.reshape(tf.transpose(tf.reshape(attended, [batch, numHeads, time, keyDim]), [0, 2, 1, 3]), [batch * time, numHeads * keyDim]) as tf.Tensor2D;
    return tf.reshape(project(merged, weights.outputKernel, weights.outputBias), [batch, time, features]) as tf.Tensor3D;
  });
}

/** Normalises over the last axis, then scales and shifts (Ba et al. 2016). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
  });
}
