import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelHost, type FusedKernelConfigs, type KernelHost } from './kernel-host.js';

/**
 * Kernel name of the fused scaled dot-product attention; its gradient kernel is `LoomAttentionGrad`.
 *
 * Contract (what `@loom-ml/layers` calls with `tf.engine().runKernel`):
 * - inputs: `query` `[batch * heads, queryTime, keyDim]`, `key` `[batch * heads, keyTime, keyDim]`,
 *   `value` `[batch * heads, keyTime, valueDim]` (heads split, batch-major), and `mask`
 *   (optional) `[batch | 1, queryTime | 1, keyTime]`, 1 where attention is allowed, 0 where not;
 *   all float32;
 * - attrs: `numHeads`, `scale` (the scores' factor, 1/√keyDim), `causal` (query step t attends to
 *   key steps s <= t + keyTime - queryTime);
 * - outputs: `output` `[batch * heads, queryTime, valueDim]` = `softmax(query · keyᵀ · scale + bias) · value`
 *   and `probabilities` `[batch * heads, queryTime, keyTime]` (the softmax, which the gradient reads).
 *   `bias` is the composite path's: -1e9 per mask that excludes a pair, added in float32, so a
 *   fully masked row gives what the composite gives.
 * The two products of the forward pass and the four of the gradient are the backend's
 * BatchMatMul (XNNPACK on loom-wasm), and the softmax is the backend's Softmax kernel (XNNPACK's
 * SIMD softmax: a JavaScript loop of Math.exp was measured slower); the scale is applied to the
 * query, the mask bias only to the masked pairs, and the softmax's gradient with the scale runs
 * in one loop over the scores in place.
 */
export const ATTENTION = 'LoomAttention';
const ATTENTION_GRAD = 'LoomAttentionGrad';
const MASKED_SCORE = -1e9;

interface AttentionAttrs {
  numHeads: number;
  scale: number;
  causal: boolean;
}

function fail(kernelName: string, what: string, expected: string, received: unknown): Error {
  return new Error(`Invalid value for \`${what}\` in kernel ${kernelName}. Expected ${expected}. Received: ${JSON.stringify(received)}.`);
}

function checkInputs(kernelName: string, inputs: Record<string, TensorInfo | undefined>, attrs: AttentionAttrs): { bh: number; queryTime: number; keyTime: number } {
  const { query, key, value, mask } = inputs as { query: TensorInfo; key: TensorInfo; value: TensorInfo; mask?: TensorInfo };
  for (const [name, info] of Object.entries({ query, key, value })) {
    if (info === undefined || info.shape.length !== 3) throw fail(kernelName, name, 'shape [batch * heads, time, dim]', info?.shape ?? 'nothing');
  }
  const [bh, queryTime, keyDim] = query.shape as [number, number, number];
  const keyTime = key.shape[1] as number;
  if (key.shape[0] !== bh || key.shape[2] !== keyDim) throw fail(kernelName, 'key', `shape [${bh}, keyTime, ${keyDim}]`, key.shape);
  if (value.shape[0] !== bh || value.shape[1] !== keyTime) throw fail(kernelName, 'value', `shape [${bh}, ${keyTime}, valueDim]`, value.shape);
  const heads = attrs.numHeads;
  if (!Number.isInteger(heads) || heads < 1 || bh % heads !== 0) throw fail(kernelName, 'numHeads', `a positive divisor of ${bh}`, heads);
  if (!(typeof attrs.scale === 'number' && Number.isFinite(attrs.scale))) throw fail(kernelName, 'scale', 'a finite number', attrs.scale);
  const batch = bh / heads;
  if (mask !== undefined) {
    const [mb, mt, ms] = mask.shape;
    if (mask.shape.length !== 3 || (mb !== batch && mb !== 1) || (mt !== queryTime && mt !== 1) || ms !== keyTime) {
      throw fail(kernelName, 'mask', `shape [${batch} | 1, ${queryTime} | 1, ${keyTime}]`, mask.shape);
    }
  }
  for (const [name, info] of Object.entries(inputs)) if (info !== undefined && info.dtype !== 'float32') throw fail(kernelName, name, 'float32', info.dtype);
  return { bh, queryTime, keyTime };
}

/**
 * Adds the composite path's mask bias to the (already scaled) scores `[bh, queryTime, keyTime]`
 * in place: -1e9 per mask that excludes a pair, summed and added in float32 as the composite
 * does. Only the masked pairs are written.
 */
function addMaskBias(host: KernelHost, scores: TensorInfo, mask: TensorInfo | undefined, sizes: { bh: number; queryTime: number; keyTime: number }, attrs: AttentionAttrs): void {
  const { bh, queryTime, keyTime } = sizes;
  const s = host.f32(scores);
  const m = mask === undefined ? null : host.f32(mask);
  const [mb, mt] = mask === undefined ? [1, 1] : (mask.shape as [number, number, number]);
  const offset = keyTime - queryTime;
  for (let i = 0; i < bh; i++) {
    const b = Math.floor(i / attrs.numHeads);
    for (let t = 0; t < queryTime; t++) {
      const o = (i * queryTime + t) * keyTime;
      // Key steps after t + offset are masked by the causal mask.
      const firstCausal = attrs.causal ? Math.max(0, Math.min(keyTime, t + offset + 1)) : keyTime;
      if (m === null) {
        for (let k = firstCausal; k < keyTime; k++) s[o + k] = Math.fround((s[o + k] as number) + MASKED_SCORE);
        continue;
      }
      const mo = ((mb === 1 ? 0 : b) * mt + (mt === 1 ? 0 : t)) * keyTime;
      for (let k = 0; k < keyTime; k++) {
        const allowed = m[mo + k] as number;
        if (allowed === 1 && k < firstCausal) continue;
        const paddingBias = Math.fround(Math.fround(1 - allowed) * MASKED_SCORE);
        const bias = Math.fround((k >= firstCausal ? MASKED_SCORE : 0) + paddingBias);
        if (bias !== 0) s[o + k] = Math.fround((s[o + k] as number) + bias);
      }
    }
  }
}

function forward({ inputs, backend, attrs }: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo[] {
  const a = attrs as unknown as AttentionAttrs;
  const { query, key, value, mask } = inputs as { query: TensorInfo; key: TensorInfo; value: TensorInfo; mask?: TensorInfo };
  const sizes = checkInputs(ATTENTION, { query, key, value, mask }, a);
  const host = kernelHost(backend, ATTENTION);
  // The scale goes on the query (keyDim values per score instead of keyTime).
  const scaled = host.alloc(query.shape.slice());
  {
    const q = host.f32(query);
    const out = host.f32(scaled);
    for (let i = 0; i < q.length; i++) out[i] = (q[i] as number) * a.scale;
  }
  const scores = host.run('BatchMatMul', { a: scaled, b: key }, { transposeA: false, transposeB: true });
  host.free(scaled);
  if (mask !== undefined || a.causal) addMaskBias(host, scores, mask, sizes, a);
  // The backend's own softmax over the last axis (XNNPACK's SIMD softmax on loom-wasm).
  const probabilities = host.run('Softmax', { logits: scores }, { dim: 2 });
  host.free(scores);
  const output = host.run('BatchMatMul', { a: probabilities, b: value }, { transposeA: false, transposeB: false });
  return [output, probabilities];
}

function backward({ inputs, backend, attrs }: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo[] {
  const a = attrs as unknown as AttentionAttrs;
  const { dy, query, key, value, probabilities } = inputs as { dy: TensorInfo; query: TensorInfo; key: TensorInfo; value: TensorInfo; probabilities: TensorInfo };
  const { bh, queryTime, keyTime } = checkInputs(ATTENTION_GRAD, { query, key, value }, a);
  const expectedDy = [bh, queryTime, value.shape[2] as number];
  if (!tf.util.arraysEqual(dy.shape, expectedDy)) throw fail(ATTENTION_GRAD, 'dy', `shape ${JSON.stringify(expectedDy)}`, dy.shape);
  const host = kernelHost(backend, ATTENTION_GRAD);
  const dValue = host.run('BatchMatMul', { a: probabilities, b: dy }, { transposeA: true, transposeB: false });
  const dScores = host.run('BatchMatMul', { a: dy, b: value }, { transposeA: false, transposeB: true });
  {
    // Softmax gradient, and the scale: dS = P (dP - Σ_k P dP) · scale, in place.
    const p = host.f32(probabilities);
    const d = host.f32(dScores);
    const scale = a.scale;
    for (let r = 0; r < bh * queryTime; r++) {
      const o = r * keyTime;
      let dot = 0;
      for (let k = 0; k < keyTime; k++) dot += (p[o + k] as number) * (d[o + k] as number);
      for (let k = 0; k < keyTime; k++) d[o + k] = (p[o + k] as number) * ((d[o + k] as number) - dot) * scale;
    }
  }
  const dQuery = host.run('BatchMatMul', { a: dScores, b: key }, { transposeA: false, transposeB: false });
  const dKey = host.run('BatchMatMul', { a: dScores, b: query }, { transposeA: true, transposeB: false });
  host.free(dScores);
  return [dQuery, dKey, dValue];
}

/** The fused attention, its gradient kernel and the gradient config linking them (wasm and cpu). */
export const attentionConfigs: FusedKernelConfigs = {
  forward: { kernelName: ATTENTION, kernelFunc: forward },
  backward: { kernelName: ATTENTION_GRAD, kernelFunc: backward },
  gradient: {
    kernelName: ATTENTION,
    inputsToSave: ['query', 'key', 'value'],
    outputsToSave: [false, true],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
      const dOutput = Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy;
      const [query, key, value, probabilities] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      const [dQuery, dKey, dValue] = tf.engine().runKernel(ATTENTION_GRAD, { dy: dOutput, query, key, value, probabilities }, attrs) as tf.Tensor[];
      return {
        query: () => dQuery as tf.Tensor,
        key: () => dKey as tf.Tensor,
        value: () => dValue as tf.Tensor,
        // Asked for only when the mask depends on what is differentiated (the tape prunes constant masks).
        mask: () => {
          throw new Error(`Kernel ${ATTENTION} has no gradient for its \`mask\` (0/1 values): build the mask from data, not from the tensors being differentiated.`);
        },
      };
    },
  },
};
