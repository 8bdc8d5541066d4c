import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { f32View, type WasmBackendLike } from './backend-access.js';

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
  target.fill(0);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const rowStart = oh * strideHeight - top;
      const rowFrom = Math.max(0, rowStart);
      const rowTo = Math.min(inHeight, rowStart + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const columnStart = ow * strideWidth - left;
        const columnFrom = Math.max(0, columnStart);
        const columnTo = Math.min(inWidth, columnStart + filterWidth);
        const outBase = ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let bestIndex = -1;
          for (let r = rowFrom; r < rowTo; r++) {
            for (let col = columnFrom; col < columnTo; col++) {
              const index = ((b * inHeight + r) * inWidth + col) * channels + c;
              const value = x[index] as number;
              if (value > best || bestIndex < 0) {
                best = value;
                bestIndex = index;
              }
            }
          }
          if (bestIndex >= 0) target[bestIndex] = (target[bestIndex] as number) + (gradient[outBase + c] as number);
        }
      }
    }
  }
  return dx;
}

/** A correct MaxPoolGrad for the wasm backend (replaces the stock one). */
export const maxPoolGradConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: tf.MaxPoolGrad,
  kernelFunc: maxPoolGrad as KernelFunc,
};
