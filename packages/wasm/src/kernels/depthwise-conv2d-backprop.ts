import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { f32View, type WasmBackendLike } from './backend-access.js';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
interface CommonAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Visits every (input position, filter tap, output position) triple of a depthwise
 * convolution, handing flat indices of x, filter and dy to `visit`. Both gradients are
 * sums over these triples: dx[x] += dy[o] * f[k] and df[k] += x[x] * dy[o].
 */
function forEachTap(info: tf.backend_util.Conv2DInfo, visit: (xIndex: number, filterIndex: number, dyIndex: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth } = info;
  const { dilationHeight, dilationWidth, filterHeight, filterWidth } = info;
  const multiplier = outChannels / inChannels;
  const { top, left } = info.padInfo;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let kh = 0; kh < filterHeight; kh++) {
        const row = oh * strideHeight - top + kh * dilationHeight;
        if (row < 0 || row >= inHeight) continue;
        for (let ow = 0; ow < outWidth; ow++) {
          for (let kw = 0; kw < filterWidth; kw++) {
            const column = ow * strideWidth - left + kw * dilationWidth;
            if (column < 0 || column >= inWidth) continue;
            const xBase = ((b * inHeight + row) * inWidth + column) * inChannels;
            const filterBase = (kh * filterWidth + kw) * inChannels * multiplier;
            const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
            for (let c = 0; c < inChannels; c++) {
              for (let m = 0; m < multiplier; m++) {
                visit(xBase + c, filterBase + c * multiplier + m, dyBase + c * multiplier + m);
              }
            }
          }
        }
      }
    }
  }
}

function depthwiseInfo(xShape: number[], filterShape: number[], attrs: CommonAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
}

function backpropInput(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackendLike;
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as CommonAttrs & { inputShape: number[] };
  const info = depthwiseInfo(attrs.inputShape, filter.shape, attrs);
  const dx = backend.makeOutput(attrs.inputShape, 'float32');
  const target = f32View(backend, dx);
  const weights = f32View(backend, filter);
  const gradient = f32View(backend, dy);
  target.fill(0);
  forEachTap(info, (xIndex, filterIndex, dyIndex) => {
    target[xIndex] = (target[xIndex] as number) + (gradient[dyIndex] as number) * (weights[filterIndex] as number);
  });
  return dx;
}

function backpropFilter(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackendLike;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as CommonAttrs & { filterShape: number[] };
  const info = depthwiseInfo(x.shape, attrs.filterShape, attrs);
  const dw = backend.makeOutput(attrs.filterShape, 'float32');
  const target = f32View(backend, dw);
  const input = f32View(backend, x);
  const gradient = f32View(backend, dy);
  target.fill(0);
  forEachTap(info, (xIndex, filterIndex, dyIndex) => {
    target[filterIndex] = (target[filterIndex] as number) + (input[xIndex] as number) * (gradient[dyIndex] as number);
  });
  return dw;
}

/** DepthwiseConv2dNativeBackpropInput for the wasm backend (missing from tfjs-backend-wasm 4.22.0). */
export const depthwiseConv2dBackpropInputConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  kernelFunc: backpropInput as KernelFunc,
};

/** DepthwiseConv2dNativeBackpropFilter for the wasm backend (missing from tfjs-backend-wasm 4.22.0). */
export const depthwiseConv2dBackpropFilterConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  kernelFunc: backpropFilter as KernelFunc,
};
