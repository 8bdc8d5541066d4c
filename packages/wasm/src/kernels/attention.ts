import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelHost, type FusedKernelConfigs, type KernelHost } from './kernel-host.js';
import { runAttentionSplit } from './attention-helper.js';
import { simdWorkspace } from './small-gemm.js';

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
 * Adds the composite path's mask bias to the (already scaled) scores of head entry `i`
 * (`[queryTime, keyTime]` from `s[offset]`) in place: -1e9 per mask that excludes a pair, summed
 * and added in float32 as the composite does. Only the masked pairs are written.
 */
function addMaskBiasEntry(s: Float32Array, offset: number, i: number, m: Float32Array | null, maskShape: number[] | null, sizes: { queryTime: number; keyTime: number }, attrs: AttentionAttrs): void {
  const { queryTime, keyTime } = sizes;
  const [mb, mt] = maskShape === null ? [1, 1] : (maskShape as [number, number, number]);
  const shift = keyTime - queryTime;
  const b = Math.floor(i / attrs.numHeads);
  for (let t = 0; t < queryTime; t++) {
    const o = offset + t * keyTime;
    // Key steps after t + shift are masked by the causal mask.
    const firstCausal = attrs.causal ? Math.max(0, Math.min(keyTime, t + shift + 1)) : keyTime;
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

/** addMaskBiasEntry over every entry of the scores `[bh, queryTime, keyTime]`. */
function addMaskBias(host: KernelHost, scores: TensorInfo, mask: TensorInfo | undefined, sizes: { bh: number; queryTime: number; keyTime: number }, attrs: AttentionAttrs): void {
  const s = host.f32(scores);
  const m = mask === undefined ? null : host.f32(mask);
  for (let i = 0; i < sizes.bh; i++) addMaskBiasEntry(s, i * sizes.queryTime * sizes.keyTime, i, m, mask?.shape ?? null, sizes, attrs);
}

/** Whether a whole head fits Loom's SIMD module: wasm, and every size it vectorises over a multiple of 4. */
function simdShapes(host: KernelHost, keyTime: number, keyDim: number, valueDim: number): boolean {
  return host.kind === 'wasm' && keyTime % 4 === 0 && keyDim % 4 === 0 && valueDim % 4 === 0 && keyTime > 0 && keyDim > 0 && valueDim > 0;
}

/** `to[j * rows + r] = from[offset + r * columns + j]`: one entry transposed into a workspace view. */
function transposeInto(to: Float32Array, from: Float32Array, offset: number, rows: number, columns: number): void {
  for (let r = 0; r < rows; r++) {
    const o = offset + r * columns;
    for (let j = 0; j < columns; j++) to[j * rows + r] = from[o + j] as number;
  }
}

/**
 * The forward pass one head entry at a time in Loom's SIMD module (small-gemm.ts): the scaled
 * query, the transposed key and the value go in, scores, softmax and the weighted sum run there,
 * and the probabilities and output come out; no whole-tensor temporaries. Null when the module
 * cannot run here.
 */
function forwardSimd(host: KernelHost, inputs: { query: TensorInfo; key: TensorInfo; value: TensorInfo; mask?: TensorInfo }, sizes: { bh: number; queryTime: number; keyTime: number }, a: AttentionAttrs): TensorInfo[] | null {
  const { query, key, value, mask } = inputs;
  const { bh, queryTime, keyTime } = sizes;
  const keyDim = query.shape[2] as number;
  const valueDim = value.shape[2] as number;
  const work = simdWorkspace([queryTime * keyDim, keyDim * keyTime, keyTime * valueDim, queryTime * keyTime, queryTime * valueDim]);
  if (work === null) return null;
  const [qs, kt, v, s, o] = work.views as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const output = host.alloc([bh, queryTime, valueDim]);
  const probabilities = host.alloc([bh, queryTime, keyTime]);
  // No backend kernel runs below, so these heap views stay attached.
  const q = host.f32(query);
  const k = host.f32(key);
  const vs = host.f32(value);
  const m = mask === undefined ? null : host.f32(mask);
  const out = host.f32(output);
  const p = host.f32(probabilities);
  const masked = mask !== undefined || a.causal;
  // With a helper worker (2+ threads), half of the heads run there, the same code per head.
  const split = { queryTime, keyTime, keyDim, valueDim, scale: a.scale, heads: bh };
  if (!masked && runAttentionSplit(new Float32Array(q.buffer), { ...split, kind: 'forward', offsets: [q, k, vs, out, p].map((view) => view.byteOffset / 4) })) return [output, probabilities];
  for (let i = 0; i < bh; i++) {
    const qo = i * queryTime * keyDim;
    // The scale goes on the query (keyDim values per score instead of keyTime).
    for (let j = 0; j < qs.length; j++) qs[j] = (q[qo + j] as number) * a.scale;
    transposeInto(kt, k, i * keyTime * keyDim, keyTime, keyDim);
    v.set(vs.subarray(i * keyTime * valueDim, (i + 1) * keyTime * valueDim));
    work.gemm(qs, kt, s, queryTime, keyDim, keyTime);
    if (masked) addMaskBiasEntry(s, 0, i, m, mask?.shape ?? null, sizes, a);
    work.softmax(s, queryTime, keyTime);
    p.set(s, i * queryTime * keyTime);
    work.gemm(s, v, o, queryTime, keyTime, valueDim);
    out.set(o, i * queryTime * valueDim);
  }
  return [output, probabilities];
}

function forward({ inputs, backend, attrs }: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo[] {
  const a = attrs as unknown as AttentionAttrs;
  const { query, key, value, mask } = inputs as { query: TensorInfo; key: TensorInfo; value: TensorInfo; mask?: TensorInfo };
  const sizes = checkInputs(ATTENTION, { query, key, value, mask }, a);
  const host = kernelHost(backend, ATTENTION);
  if (simdShapes(host, sizes.keyTime, query.shape[2] as number, value.shape[2] as number)) {
    const result = forwardSimd(host, { query, key, value, mask }, sizes, a);
    if (result !== null) return result;
  }
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

/**
 * The gradient one head entry at a time in Loom's SIMD module: the probabilities, dy, the
 * transposed value, the key and the query go in; dP = dy · vᵀ, dv = Pᵀ · dy, the softmax
 * gradient with the scale, dq = dS · k and dk = dSᵀ · q run there (Pᵀ and dSᵀ read in place);
 * dq, dk and dv come out. Null when the module cannot run here.
 */
function backwardSimd(host: KernelHost, inputs: { dy: TensorInfo; query: TensorInfo; key: TensorInfo; value: TensorInfo; probabilities: TensorInfo }, sizes: { bh: number; queryTime: number; keyTime: number }, scale: number): TensorInfo[] | null {
  const { dy, query, key, value, probabilities } = inputs;
  const { bh, queryTime, keyTime } = sizes;
  const keyDim = query.shape[2] as number;
  const valueDim = value.shape[2] as number;
  const work = simdWorkspace([
    queryTime * keyTime, queryTime * keyTime, queryTime * valueDim, valueDim * keyTime, keyTime * keyDim, queryTime * keyDim,
    queryTime * keyDim, keyTime * keyDim, keyTime * valueDim,
  ]);
  if (work === null) return null;
  const [pw, ds, dyw, vt, kw, qw, dqw, dkw, dvw] = work.views as Float32Array[] as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const dQuery = host.alloc([bh, queryTime, keyDim]);
  const dKey = host.alloc([bh, keyTime, keyDim]);
  const dValue = host.alloc([bh, keyTime, valueDim]);
  // No backend kernel runs below, so these heap views stay attached.
  const [p, dys, q, k, v, dq, dk, dv] = [probabilities, dy, query, key, value, dQuery, dKey, dValue].map((info) => host.f32(info)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const [pSize, dySize, qSize, kSize, vSize] = [queryTime * keyTime, queryTime * valueDim, queryTime * keyDim, keyTime * keyDim, keyTime * valueDim];
  const split = { queryTime, keyTime, keyDim, valueDim, scale, heads: bh };
  if (runAttentionSplit(new Float32Array(p.buffer), { ...split, kind: 'backward', offsets: [p, dys, q, k, v, dq, dk, dv].map((view) => view.byteOffset / 4) })) return [dQuery, dKey, dValue];
  for (let i = 0; i < bh; i++) {
    pw.set(p.subarray(i * pSize, (i + 1) * pSize));
    dyw.set(dys.subarray(i * dySize, (i + 1) * dySize));
    transposeInto(vt, v, i * vSize, keyTime, valueDim);
    kw.set(k.subarray(i * kSize, (i + 1) * kSize));
    qw.set(q.subarray(i * qSize, (i + 1) * qSize));
    work.gemm(dyw, vt, ds, queryTime, valueDim, keyTime);
    work.gemm(pw, dyw, dvw, keyTime, queryTime, valueDim, true);
    work.softmaxGrad(pw, ds, queryTime, keyTime, scale);
    work.gemm(ds, kw, dqw, queryTime, keyTime, keyDim);
    work.gemm(ds, qw, dkw, keyTime, queryTime, keyDim, true);
    dq.set(dqw, i * qSize);
    dk.set(dkw, i * kSize);
    dv.set(dvw, i * vSize);
  }
  return [dQuery, dKey, dValue];
}

function backward({ inputs, backend, attrs }: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo[] {
  const a = attrs as unknown as AttentionAttrs;
  const { dy, query, key, value, probabilities } = inputs as { dy: TensorInfo; query: TensorInfo; key: TensorInfo; value: TensorInfo; probabilities: TensorInfo };
  const { bh, queryTime, keyTime } = checkInputs(ATTENTION_GRAD, { query, key, value }, a);
  const expectedDy = [bh, queryTime, value.shape[2] as number];
  if (!tf.util.arraysEqual(dy.shape, expectedDy)) throw fail(ATTENTION_GRAD, 'dy', `shape ${JSON.stringify(expectedDy)}`, dy.shape);
  const host = kernelHost(backend, ATTENTION_GRAD);
  if (simdShapes(host, keyTime, query.shape[2] as number, value.shape[2] as number)) {
    const result = backwardSimd(host, { dy, query, key, value, probabilities }, { bh, queryTime, keyTime }, a.scale);
    if (result !== null) return result;
  }
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
