import * as tf from '@tensorflow/tfjs-core';
import { biasedProduct, fusedKernelAvailable, runFusedKernelForFirstOutput } from '../core/fused-kernels.js';

/** Fused kernel (registered by `@loom-ml/wasm`; contract in its kernels/attention.ts). */
const ATTENTION_KERNEL = 'LoomAttention';

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

/** Which key steps each query step may attend to. */
export interface AttentionMasks {
  /**
   * Query step t attends to key steps s <= t + (keyTime - queryTime): with no cache that is
   * s <= t; with `keyTime - queryTime` earlier steps cached it is "itself and everything before".
   */
  useCausalMask: boolean;
  /**
   * 1 (or true) where attention is allowed, 0 where it is not, already checked by the caller:
   * `[batch, keyTime]` (a padding mask over the keys) or `[batch | 1, queryTime | 1, keyTime]`.
   */
  attentionMask: tf.Tensor | null;
}

/** Added to the scores of masked pairs: large enough to zero them after softmax in float32, finite so a fully masked row stays finite. */
const MASKED_SCORE = -1e9;

function project(flat: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor2D {
  return biasedProduct(flat, kernel, bias, 'linear');
}

/** `[batch*time, heads*keyDim]` → `[batch*heads, time, keyDim]`, with reshape/transpose only (no einsum gradient in tfjs-core). */
function splitHeads(x: tf.Tensor2D, batch: number, time: number, numHeads: number, keyDim: number): tf.Tensor3D {
  return tf.reshape(tf.transpose(tf.reshape(x, [batch, time, numHeads, keyDim]), [0, 2, 1, 3]), [batch * numHeads, time, keyDim]);
}

/**
 * `[queryTime, keyTime]` with -1e9 where key step s lies after query step t, the query steps
 * being the last `queryTime` of the `keyTime` steps (s > t + keyTime - queryTime).
 */
export function causalMask(queryTime: number, keyTime = queryTime): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([queryTime, keyTime]), -1, keyTime - queryTime)), MASKED_SCORE) as tf.Tensor2D);
}

/** The additive bias `[batch | 1, 1, queryTime, keyTime]` (0 or -1e9) for `masks`, or null when nothing is masked. */
function maskBias(masks: AttentionMasks, queryTime: number, keyTime: number): tf.Tensor4D | null {
  let bias: tf.Tensor | null = masks.useCausalMask ? tf.reshape(causalMask(queryTime, keyTime), [1, 1, queryTime, keyTime]) : null;
  const mask = masks.attentionMask;
  if (mask !== null) {
    const allowed = mask.dtype === 'float32' ? mask : tf.cast(mask, 'float32');
    const shaped = mask.rank === 2 ? tf.reshape(allowed, [mask.shape[0], 1, 1, keyTime]) : tf.expandDims(allowed, 1);
    const padding = tf.mul(tf.sub(1, shaped), MASKED_SCORE);
    bias = bias === null ? padding : tf.add(bias, padding);
  }
  return bias as tf.Tensor4D | null;
}

/**
 * `softmax(query · keyᵀ / √keyDim + mask bias) · value` per head, `[batch*heads, queryTime, valueDim]`:
 * one fused kernel (with its fused gradient) where the backend has it and fused kernels are on,
 * else the composite ops (the reference). The mask is the same on both paths: -1e9 added per
 * mask that excludes a pair.
 */
export function scaledDotProduct(query: tf.Tensor3D, key: tf.Tensor3D, value: tf.Tensor3D, batch: number, numHeads: number, masks: AttentionMasks): tf.Tensor3D {
  const time = query.shape[1];
  const keyTime = key.shape[1];
  const scale = 1 / Math.sqrt(query.shape[2]);
  const float = query.dtype === 'float32' && key.dtype === 'float32' && value.dtype === 'float32';
  if (float && fusedKernelAvailable(ATTENTION_KERNEL)) {
    const constants: Record<string, tf.Tensor> = {};
    const mask = masks.attentionMask;
    if (mask !== null) {
      const allowed = mask.dtype === 'float32' ? mask : tf.cast(mask, 'float32');
      constants.mask = mask.rank === 2 ? tf.reshape(allowed, [mask.shape[0], 1, keyTime]) : allowed;
    }
    return runFusedKernelForFirstOutput(ATTENTION_KERNEL, { query, key, value }, constants, { numHeads, scale, causal: masks.useCausalMask }) as tf.Tensor3D;
  }
  let scores: tf.Tensor = tf.mul(tf.matMul(query, key, false, true), scale);
  const bias = maskBias(masks, time, keyTime);
  if (bias !== null) scores = tf.reshape(tf.add(tf.reshape(scores, [batch, numHeads, time, keyTime]), bias), [batch * numHeads, time, keyTime]);
  return tf.matMul(tf.softmax(scores), value);
}

/** What `attend` returns: the output and the keys and values of every step attended to, `[batch*heads, keyTime, keyDim]`. */
export interface AttentionResult {
  output: tf.Tensor3D;
  key: tf.Tensor3D;
  value: tf.Tensor3D;
}

/**
 * Scaled dot-product self-attention over `x` `[batch, time, features]` (Vaswani et al. 2017):
 * `softmax(Q Kᵀ / √keyDim + mask) V` per head, heads concatenated and projected back to
 * `features`. With `past` (keys and values of earlier steps, `[batch*heads, pastTime, keyDim]`),
 * `x` holds only the new steps and attends to the earlier ones as well: incremental decoding.
 * Call inside `tf.tidy`, or dispose all three results.
 */
export function attend(
  x: tf.Tensor, weights: AttentionWeights, numHeads: number, keyDim: number, masks: AttentionMasks,
  past: { key: tf.Tensor3D; value: tf.Tensor3D } | null = null,
): AttentionResult {
  return tf.tidy(() => {
    const [batch, time, features] = x.shape as [number, number, number];
    const flat = tf.reshape(x, [batch * time, features]) as tf.Tensor2D;
    const query = splitHeads(project(flat, weights.queryKernel, weights.queryBias), batch, time, numHeads, keyDim);
    let key = splitHeads(project(flat, weights.keyKernel, weights.keyBias), batch, time, numHeads, keyDim);
    let value = splitHeads(project(flat, weights.valueKernel, weights.valueBias), batch, time, numHeads, keyDim);
    if (past !== null) {
      key = tf.concat([past.key, key], 1);
      value = tf.concat([past.value, value], 1);
    }
    const attended = scaledDotProduct(query, key, value, batch, numHeads, masks);
    const merged = tf.reshape(tf.transpose(tf.reshape(attended, [batch, numHeads, time, keyDim]), [0, 2, 1, 3]), [batch * time, numHeads * keyDim]) as tf.Tensor2D;
    const output = tf.reshape(project(merged, weights.outputKernel, weights.outputBias), [batch, time, features]) as tf.Tensor3D;
    return { output, key, value };
  });
}

/** `attend` without a cache, returning only the output `[batch, time, features]`. */
export function selfAttention(x: tf.Tensor, weights: AttentionWeights, numHeads: number, keyDim: number, masks: AttentionMasks): tf.Tensor3D {
  return tf.tidy(() => attend(x, weights, numHeads, keyDim, masks).output);
}
