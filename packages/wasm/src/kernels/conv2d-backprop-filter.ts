import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { buildFilterPatches, heapProduct, heapProductSplits } from './attention-helper.js';
import { disposeAll, f32View, heapKernelsOf, runKernel, type WasmBackendLike } from './backend-access.js';

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * dW[kh, kw, ci, co] = sum over (b, oh, ow) of x[b, oh*s + kh - pad, ow*s + kw - pad, ci] * dy[b, oh, ow, co].
 *
 * That is itself a convolution, so it runs on the wasm (XNNPACK) Conv2D kernel: input
 * x as [ci, H, W, batch], filter dy as [outH, outW, batch, co], dilation = the forward stride,
 * the forward padding made explicit. Its output [ci, kh', kw', co] has kh' >= kh (extra rows
 * only when the forward pass left input rows unused); the first kh x kw are dW.
 */
function conv2dBackpropFilter(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackendLike;
  const { x: rawX, dy: rawDy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Attrs;
  const temporaries: TensorInfo[] = [];
  let x = rawX;
  let dy = rawDy;
  if (dataFormat === 'NCHW') {
    x = runKernel('Transpose', backend, { x: rawX }, { perm: [0, 2, 3, 1] });
    dy = runKernel('Transpose', backend, { x: rawDy }, { perm: [0, 2, 3, 1] });
    temporaries.push(x, dy);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const [kernelHeight, kernelWidth, inChannels, outChannels] = filterShape;
  const patchSize = kernelHeight * kernelWidth * inChannels;
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const splitPatches = outChannels % 4 === 0 && patchSize * rows <= MAX_PATCH_VALUES && heapKernelsOf(backend) !== null && heapProductSplits(patchSize, rows, outChannels);
  if (patchSize <= IM2COL_MAX_PATCH || splitPatches) {
    const out = filterGradientByPatches(backend, x, dy, info, filterShape);
    disposeAll(backend, temporaries);
    return out;
  }
  const xByChannel = runKernel('Transpose', backend, { x }, { perm: [3, 1, 2, 0] });
  const dyAsFilter = runKernel('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] });
  temporaries.push(xByChannel, dyAsFilter);
  const { top, bottom, left, right } = info.padInfo;
  const correlation = runKernel(
    'Conv2D',
    backend,
    { x: xByChannel, filter: dyAsFilter },
    {
      strides: [1, 1],
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
      dimRoundingMode: undefined,
    },
  );
  temporaries.push(correlation);
  const [, fullHeight, fullWidth] = correlation.shape as [number, number, number, number];
  const out = backend.makeOutput([kernelHeight, kernelWidth, inChannels, outChannels], 'float32');
  const source = f32View(backend, correlation);
  const target = f32View(backend, out);
  for (let ci = 0; ci < inChannels; ci++) {
    for (let kh = 0; kh < kernelHeight; kh++) {
      for (let kw = 0; kw < kernelWidth; kw++) {
        const from = ((ci * fullHeight + kh) * fullWidth + kw) * outChannels;
        const to = ((kh * kernelWidth + kw) * inChannels + ci) * outChannels;
        target.set(source.subarray(from, from + outChannels), to);
      }
    }
  }
  disposeAll(backend, temporaries);
  return out;
}

// Up to this many values per patch (kh * kw * inChannels, e.g. 9 for a 3x3 filter on one
// channel), dW is computed as patchesᵀ · dy, one GEMM with a long inner dimension. Above it the
// patches matrix grows large and the correlation is as fast on one thread; from the size where
// the product is split with the helper worker, the patches win again (apps/mnist's second layer,
// 16 -> 64 channels on 13 x 13, batch 128: 7.2-7.4 ms against 10.1-10.3, 2 threads, 2026-12-04).
const IM2COL_MAX_PATCH = 16;
// The patches matrix is allocated whole: beyond this many values (32 MB) the correlation runs
// instead, whatever its speed.
const MAX_PATCH_VALUES = 1 << 23;

// Below this many side-by-side values per kernel row (kw · ci) the patches are built transposed.
const MIN_RUN_FOR_PATCH_ROWS = 16;

/**
 * dW = patchesᵀ · dy, one GEMM with the long (batch x positions) inner dimension, and dy its
 * right operand as it stands (nothing of dy's size is transposed). The correlation path computes
 * few output rows per channel when inChannels is small (one for a first layer on grey images),
 * which XNNPACK runs poorly. The patches hold the input values each output position's window saw
 * (zero over padding), laid out for the cheaper copy:
 * - one row per position, patches[(b, oh, ow), (kh, kw, ci)], when each kernel row is a long run
 *   of side-by-side values in x (kw · ci >= 16: copied whole);
 * - transposed, patchesᵀ[(kh, kw, ci), (b, oh, ow)], otherwise: each of its rows is then read
 *   along a row of x (a first layer on grey images: one value per pixel).
 */
function filterGradientByPatches(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  filterShape: [number, number, number, number],
): TensorInfo {
  const [kernelHeight, kernelWidth, inChannels, outChannels] = filterShape;
  const { batchSize, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const rows = batchSize * outHeight * outWidth;
  const patchSize = kernelHeight * kernelWidth * inChannels;
  const byRows = kernelWidth * inChannels >= MIN_RUN_FOR_PATCH_ROWS;
  const patches = backend.makeOutput(byRows ? [1, rows, patchSize] : [1, patchSize, rows], 'float32');
  const dyRows = runKernel('Reshape', backend, { x: dy }, { shape: [1, rows, outChannels] });
  // Views are taken after makeOutput: allocating may grow (and so detach) the heap.
  // Built here, or half of the batch in the helper worker with 2+ threads (same values).
  const geometry = { kernelHeight, kernelWidth, inChannels, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, top, left };
  buildFilterPatches(f32View(backend, x), f32View(backend, patches), byRows ? geometry : { ...geometry, rows }, batchSize);
  // In place on the heap in Loom's module where it can reach it: XNNPACK packs its second
  // operand (dy, [batch x positions, co]) afresh for every call, the larger part of its time here.
  const kernels = heapKernelsOf(backend);
  if (kernels !== null && outChannels % 4 === 0) {
    // [kh*kw*ci, co] is [kh, kw, ci, co] in row-major order: the filter's shape.
    const out = backend.makeOutput([...filterShape], 'float32');
    heapProduct(kernels, f32View(backend, patches), f32View(backend, dy), f32View(backend, out), patchSize, rows, outChannels, byRows);
    disposeAll(backend, [patches, dyRows]);
    return out;
  }
  const product = runKernel('BatchMatMul', backend, { a: patches, b: dyRows }, { transposeA: byRows, transposeB: false });
  disposeAll(backend, [patches, dyRows]);
  // [1, kh*kw*ci, co] is [kh, kw, ci, co] in row-major order: same data, the filter's shape.
  return { dataId: product.dataId, shape: [...filterShape], dtype: 'float32' };
}

/** Conv2DBackpropFilter for the wasm backend (missing from tfjs-backend-wasm 4.22.0). */
export const conv2dBackpropFilterConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: tf.Conv2DBackpropFilter,
  kernelFunc: conv2dBackpropFilter as KernelFunc,
};
