import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelHost, type FusedKernelConfigs } from './kernel-host.js';
import { heapLayerNormRows, runHeapLayerNormSplit } from './attention-helper.js';
import { heapKernelsOf, type WasmBackendLike } from './backend-access.js';
import { simdWorkspace } from './small-gemm.js';

/**
 * Kernel name of the fused layer normalisation; its gradient kernel is `LoomLayerNormGrad`.
 *
 * Contract (what `@loom-ml/layers` calls with `tf.engine().runKernel`):
 * - inputs: `x` `[..., features]`, `gamma` and `beta` `[features]`, all float32;
 * - attrs: `epsilon` (> 0);
 * - outputs: `y` (x's shape): `(x - mean) / sqrt(variance + epsilon) * gamma + beta` over the
 *   last axis (population variance, as `tf.moments`), and `stats` `[rows, 2]` (each row's mean
 *   and 1 / sqrt(variance + epsilon)) that the gradient reads.
 * The gradient kernel takes `dy`, `x`, `gamma`, `stats` and returns `[dx, dgamma, dbeta]` in
 * one pass. Row sums are taken in float64; on loom-wasm, with a feature count that is a multiple
 * of 4, both run in Loom's SIMD module (small-gemm.ts) with float32 row sums over 4 lanes, and
 * dgamma and dbeta as float64 column sums.
 */
export const LAYER_NORM = 'LoomLayerNorm';
const LAYER_NORM_GRAD = 'LoomLayerNormGrad';

function fail(kernelName: string, what: string, expected: string, received: unknown): Error {
  return new Error(`Invalid value for \`${what}\` in kernel ${kernelName}. Expected ${expected}. Received: ${JSON.stringify(received)}.`);
}

function checkAffine(kernelName: string, x: TensorInfo, inputs: Record<string, TensorInfo | undefined>): number {
  if (x.shape.length < 1) throw fail(kernelName, 'x', 'a tensor of rank >= 1', x.shape);
  const features = x.shape[x.shape.length - 1] as number;
  for (const [name, info] of Object.entries(inputs)) {
    if (info === undefined) throw fail(kernelName, name, 'a tensor', 'nothing');
    if (info.dtype !== 'float32') throw fail(kernelName, name, 'float32', info.dtype);
  }
  for (const name of ['gamma', 'beta'] as const) {
    const info = inputs[name];
    if (info !== undefined && (info.shape.length !== 1 || info.shape[0] !== features)) throw fail(kernelName, name, `shape [${features}]`, info.shape);
  }
  return features;
}

function forward({ inputs, backend, attrs }: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo[] {
  const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  const epsilon = (attrs as { epsilon: number }).epsilon;
  const features = checkAffine(LAYER_NORM, x, { x, gamma, beta });
  if (!(epsilon > 0)) throw fail(LAYER_NORM, 'epsilon', 'a positive number', epsilon);
  const host = kernelHost(backend, LAYER_NORM);
  const rows = tf.util.sizeFromShape(x.shape) / Math.max(features, 1);
  const y = host.alloc(x.shape.slice());
  const stats = host.alloc([rows, 2]);
  const kernels = host.kind === 'wasm' && features % 4 === 0 && features > 0 ? heapKernelsOf(backend as unknown as WasmBackendLike) : null;
  if (kernels !== null) {
    // Loom's SIMD module in place on the heap (no copies); with the helper worker, half of the rows there.
    const views = [x, gamma, beta, y, stats].map((info) => host.f32(info));
    if (!runHeapLayerNormSplit(kernels, false, views, rows, features, epsilon)) heapLayerNormRows(kernels.exports, { gradient: false, offsets: views.map((view) => view.byteOffset), features, epsilon, from: 0, to: rows });
    return [y, stats];
  }
  if (host.kind === 'wasm' && features % 4 === 0 && features > 0) {
    // Loom's SIMD module through its own memory (float32 row sums, 4 lanes): x in, y and stats out.
    const work = simdWorkspace([rows * features, features, features, rows * features, 2 * rows]);
    if (work !== null) {
      const [wx, wg, wb, wy, ws] = work.views as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      wx.set(host.f32(x));
      wg.set(host.f32(gamma));
      wb.set(host.f32(beta));
      work.layerNorm(wx, wg, wb, wy, ws, rows, features, epsilon);
      host.f32(y).set(wy);
      host.f32(stats).set(ws);
      return [y, stats];
    }
  }
  const xs = host.f32(x);
  const g = host.f32(gamma);
  const bt = host.f32(beta);
  const ys = host.f32(y);
  const st = host.f32(stats);
  for (let r = 0; r < rows; r++) {
    const o = r * features;
    let sum = 0;
    for (let j = 0; j < features; j++) sum += xs[o + j] as number;
    const mean = sum / features;
    let squares = 0;
    for (let j = 0; j < features; j++) {
      const d = (xs[o + j] as number) - mean;
      squares += d * d;
    }
    const rstd = 1 / Math.sqrt(squares / features + epsilon);
    for (let j = 0; j < features; j++) ys[o + j] = ((xs[o + j] as number) - mean) * rstd * (g[j] as number) + (bt[j] as number);
    st[2 * r] = mean;
    st[2 * r + 1] = rstd;
  }
  return [y, stats];
}

function backward({ inputs, backend }: Parameters<KernelConfig['kernelFunc']>[0]): TensorInfo[] {
  const { dy, x, gamma, stats } = inputs as { dy: TensorInfo; x: TensorInfo; gamma: TensorInfo; stats: TensorInfo };
  const features = checkAffine(LAYER_NORM_GRAD, x, { dy, x, gamma, stats });
  if (!tf.util.arraysEqual(dy.shape, x.shape)) throw fail(LAYER_NORM_GRAD, 'dy', `x's shape ${JSON.stringify(x.shape)}`, dy.shape);
  const host = kernelHost(backend, LAYER_NORM_GRAD);
  const rows = tf.util.sizeFromShape(x.shape) / Math.max(features, 1);
  const dx = host.alloc(x.shape.slice());
  const dGamma = host.alloc([features]);
  const dBeta = host.alloc([features]);
  const kernels = host.kind === 'wasm' && features % 4 === 0 && features > 0 ? heapKernelsOf(backend as unknown as WasmBackendLike) : null;
  if (kernels !== null) {
    // In place on the heap: dx and dy · xhat per row (half of the rows in the helper worker),
    // then dgamma and dbeta as float64 column sums over all rows, as below.
    const dyXhat = host.alloc([rows, features]);
    const totals = host.alloc([2 * features]);
    const views = [dy, x, gamma, stats, dx, dyXhat].map((info) => host.f32(info));
    const totalsView = host.f32(totals);
    // Float64 totals need 8-byte alignment (the backend's allocator gives at least that).
    if (totalsView.byteOffset % 8 === 0) {
      if (!runHeapLayerNormSplit(kernels, true, views, rows, features, 0)) heapLayerNormRows(kernels.exports, { gradient: true, offsets: views.map((view) => view.byteOffset), features, epsilon: 0, from: 0, to: rows });
      host.f32(dGamma).set(kernels.columnSums(views[5] as Float32Array, totalsView, rows, features));
      host.f32(dBeta).set(kernels.columnSums(views[0] as Float32Array, totalsView, rows, features));
      host.free(dyXhat);
      host.free(totals);
      return [dx, dGamma, dBeta];
    }
    host.free(dyXhat);
    host.free(totals);
  }
  if (host.kind === 'wasm' && features % 4 === 0 && features > 0) {
    // Loom's SIMD module through its own memory: dx per row there, dgamma and dbeta as float64
    // column sums of dy · xhat and dy.
    const size = rows * features;
    const work = simdWorkspace([size, size, features, 2 * rows, size, size, 2 * features]);
    if (work !== null) {
      const [wdy, wx, wg, ws, wdx, wdyx, totals] = work.views as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      wdy.set(host.f32(dy));
      wx.set(host.f32(x));
      wg.set(host.f32(gamma));
      ws.set(host.f32(stats));
      work.layerNormGrad(wdy, wx, wg, ws, wdx, wdyx, rows, features);
      host.f32(dx).set(wdx);
      host.f32(dGamma).set(work.columnSums(wdyx, totals, rows, features));
      host.f32(dBeta).set(work.columnSums(wdy, totals, rows, features));
      return [dx, dGamma, dBeta];
    }
  }
  const dys = host.f32(dy);
  const xs = host.f32(x);
  const g = host.f32(gamma);
  const st = host.f32(stats);
  const dxs = host.f32(dx);
  const gammaTotals = new Float64Array(features);
  const betaTotals = new Float64Array(features);
  for (let r = 0; r < rows; r++) {
    const o = r * features;
    const mean = st[2 * r] as number;
    const rstd = st[2 * r + 1] as number;
    // dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)), dxhat = dy gamma.
    let sumD = 0;
    let sumDX = 0;
    for (let j = 0; j < features; j++) {
      const d = dys[o + j] as number;
      const xhat = ((xs[o + j] as number) - mean) * rstd;
      const dxhat = d * (g[j] as number);
      sumD += dxhat;
      sumDX += dxhat * xhat;
      gammaTotals[j] = (gammaTotals[j] as number) + d * xhat;
      betaTotals[j] = (betaTotals[j] as number) + d;
    }
    const meanD = sumD / features;
    const meanDX = sumDX / features;
    for (let j = 0; j < features; j++) {
      const xhat = ((xs[o + j] as number) - mean) * rstd;
      dxs[o + j] = rstd * ((dys[o + j] as number) * (g[j] as number) - meanD - xhat * meanDX);
    }
  }
  host.f32(dGamma).set(gammaTotals);
  host.f32(dBeta).set(betaTotals);
  return [dx, dGamma, dBeta];
}

/** The fused layer normalisation, its gradient kernel and the gradient config linking them (wasm and cpu). */
export const layerNormConfigs: FusedKernelConfigs = {
  forward: { kernelName: LAYER_NORM, kernelFunc: forward },
  backward: { kernelName: LAYER_NORM_GRAD, kernelFunc: backward },
  gradient: {
    kernelName: LAYER_NORM,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], _attrs: NamedAttrMap) => {
      const dY = Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy;
      const [x, gamma, stats] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const [dx, dGamma, dBeta] = tf.engine().runKernel(LAYER_NORM_GRAD, { dy: dY, x, gamma, stats }, {}) as tf.Tensor[];
      return { x: () => dx as tf.Tensor, gamma: () => dGamma as tf.Tensor, beta: () => dBeta as tf.Tensor };
    },
  },
};
