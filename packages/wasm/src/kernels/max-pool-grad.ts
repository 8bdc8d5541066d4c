import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { f32View, type WasmBackendLike } from './backend-access.js';
import { maxPoolGrad2x2Simd } from './max-pool-grad-simd.js';

/**
 * MaxPoolGrad: each output gradient goes to the first position (row-major) holding the
 * window's maximum, ignoring padding. The stock wasm kernel starts its running max at
 * FLT_MIN (a tiny positive number), so windows whose inputs are all <= 0 lost their gradient.
 */
function maxPoolGrad(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackendLike;
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const dx = backend.makeOutput(input.shape, 'float32');
  const x = f32View(backend, input);
  const gradient = f32View(backend, dy);
  const target = f32View(backend, dx);
  const disjoint2x2 = filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && top === 0 && left === 0 && 2 * outHeight <= inHeight && 2 * outWidth <= inWidth;
  // On 4 channels at a time, in Loom's SIMD module (max-pool-grad-simd.ts; same result, bit for
  // bit). It writes every position of dx itself.
  if (disjoint2x2 && outHeight === Math.floor(inHeight / 2) && outWidth === Math.floor(inWidth / 2) && maxPoolGrad2x2Simd(x, gradient, target, batchSize, inHeight, inWidth, channels)) return dx;
  target.fill(0);
  if (disjoint2x2) {
    gradientOfDisjoint2x2(x, gradient, target, batchSize, inHeight, inWidth, outHeight, outWidth, channels);
    return dx;
  }
  // Channels innermost: each window position is one contiguous run of `channels` values, so the
  // running maximum of every channel is kept side by side (strict > keeps the first maximum in
  // row-major window order, as before).
  const bestValue = new Float32Array(channels);
  const bestIndex = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const rowStart = oh * strideHeight - top;
      const rowFrom = Math.max(0, rowStart);
      const rowTo = Math.min(inHeight, rowStart + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const columnStart = ow * strideWidth - left;
        const columnFrom = Math.max(0, columnStart);
        const columnTo = Math.min(inWidth, columnStart + filterWidth);
        if (rowFrom >= rowTo || columnFrom >= columnTo) continue; // a window of padding only
        const outBase = ((b * outHeight + oh) * outWidth + ow) * channels;
        let first = true;
        for (let r = rowFrom; r < rowTo; r++) {
          for (let col = columnFrom; col < columnTo; col++) {
            const base = ((b * inHeight + r) * inWidth + col) * channels;
            if (first) {
              for (let c = 0; c < channels; c++) {
                bestValue[c] = x[base + c] as number;
                bestIndex[c] = base + c;
              }
              first = false;
              continue;
            }
            for (let c = 0; c < channels; c++) {
              const value = x[base + c] as number;
              if (value > (bestValue[c] as number)) {
                bestValue[c] = value;
                bestIndex[c] = base + c;
              }
            }
          }
        }
        for (let c = 0; c < channels; c++) {
          const index = bestIndex[c] as number;
          target[index] = (target[index] as number) + (gradient[outBase + c] as number);
        }
      }
    }
  }
  return dx;
}

/**
 * The common 2x2 pool with stride 2 and no padding: windows do not overlap and lie inside the
 * input, so each gradient is written once and the four candidates are compared directly
 * (same tie rule: the first maximum in row-major window order wins).
 */
function gradientOfDisjoint2x2(
  x: Float32Array,
  gradient: Float32Array,
  target: Float32Array,
  batchSize: number,
  inHeight: number,
  inWidth: number,
  outHeight: number,
  outWidth: number,
  channels: number,
): void {
  const rowStride = inWidth * channels;
  let outIndex = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const topLeft = ((b * inHeight + 2 * oh) * inWidth + 2 * ow) * channels;
        const bottomLeft = topLeft + rowStride;
        for (let c = 0; c < channels; c++, outIndex++) {
          let index = topLeft + c;
          let best = x[index] as number;
          const topRight = index + channels;
          if ((x[topRight] as number) > best) {
            best = x[topRight] as number;
            index = topRight;
          }
          const lowerLeft = bottomLeft + c;
          if ((x[lowerLeft] as number) > best) {
            best = x[lowerLeft] as number;
            index = lowerLeft;
          }
          if ((x[lowerLeft + channels] as number) > best) index = lowerLeft + channels;
          target[index] = gradient[outIndex] as number;
        }
      }
    }
  }
}

/** A correct MaxPoolGrad for the wasm backend (replaces the stock one). */
export const maxPoolGradConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: tf.MaxPoolGrad,
  kernelFunc: maxPoolGrad as KernelFunc,
};
