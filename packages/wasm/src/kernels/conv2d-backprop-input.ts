import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { disposeAll, f32View, runKernel, type WasmBackendLike } from './backend-access.js';

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * dx is the "full" correlation of dy with the filter rotated by 180° and its channel axes
 * swapped: spread dy out by the stride (zeros between rows and columns), pad by kernel − 1 −
 * the forward padding, and run the wasm (XNNPACK) Conv2D at stride 1. The stock kernel is a
 * scalar loop (about 8x slower on a small MNIST CNN, where it dominated a training step).
 */
function conv2dBackpropInput(args: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = args.backend as unknown as WasmBackendLike;
  const { dy: rawDy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape: rawInputShape } = args.attrs as unknown as Attrs;
  const temporaries: TensorInfo[] = [];
  let dy = rawDy;
  let inputShape = rawInputShape;
  if (dataFormat === 'NCHW') {
    dy = runKernel('Transpose', backend, { x: rawDy }, { perm: [0, 2, 3, 1] });
    temporaries.push(dy);
    inputShape = [rawInputShape[0], rawInputShape[2], rawInputShape[3], rawInputShape[1]];
  }
  const [kernelHeight, kernelWidth, inChannels, outChannels] = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, [kernelHeight, kernelWidth, inChannels, outChannels], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const [batch, outHeight, outWidth] = dy.shape as [number, number, number, number];
  const { strideHeight, strideWidth } = info;
  if (inputShape[1] * inputShape[2] >= SCATTER_MIN_RATIO * outHeight * outWidth) {
    let dx = gradientByScatter(backend, dy, filter, info);
    if (dataFormat === 'NCHW') {
      temporaries.push(dx);
      dx = runKernel('Transpose', backend, { x: dx }, { perm: [0, 3, 1, 2] });
    }
    disposeAll(backend, temporaries);
    return dx;
  }

  // 1. dy spread out by the stride.
  let spread = dy;
  const spreadHeight = (outHeight - 1) * strideHeight + 1;
  const spreadWidth = (outWidth - 1) * strideWidth + 1;
  if (strideHeight > 1 || strideWidth > 1) {
    spread = backend.makeOutput([batch, spreadHeight, spreadWidth, outChannels], 'float32');
    temporaries.push(spread);
    const target = f32View(backend, spread);
    target.fill(0);
    const source = f32View(backend, dy);
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < outHeight; r++) {
        for (let c = 0; c < outWidth; c++) {
          const from = ((b * outHeight + r) * outWidth + c) * outChannels;
          const to = ((b * spreadHeight + r * strideHeight) * spreadWidth + c * strideWidth) * outChannels;
          target.set(source.subarray(from, from + outChannels), to);
        }
      }
    }
  }

  // 2. The filter rotated by 180° with in/out channels swapped: [kh, kw, outChannels, inChannels].
  const rotated = backend.makeOutput([kernelHeight, kernelWidth, outChannels, inChannels], 'float32');
  temporaries.push(rotated);
  {
    const source = f32View(backend, filter);
    const target = f32View(backend, rotated);
    for (let i = 0; i < kernelHeight; i++) {
      for (let j = 0; j < kernelWidth; j++) {
        const from = ((kernelHeight - 1 - i) * kernelWidth + (kernelWidth - 1 - j)) * inChannels * outChannels;
        const to = (i * kernelWidth + j) * outChannels * inChannels;
        for (let ci = 0; ci < inChannels; ci++) {
          for (let co = 0; co < outChannels; co++) target[to + co * inChannels + ci] = source[from + ci * outChannels + co]!;
        }
      }
    }
  }

  // 3. Full correlation at stride 1 with the padding that gives back the input's size.
  const [, height, width] = inputShape;
  const top = kernelHeight - 1 - info.padInfo.top;
  const left = kernelWidth - 1 - info.padInfo.left;
  const bottom = height - spreadHeight - top + kernelHeight - 1;
  const right = width - spreadWidth - left + kernelWidth - 1;
  let dx = runKernel('Conv2D', backend, { x: spread, filter: rotated }, {
    strides: [1, 1],
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
    dimRoundingMode: undefined,
  });
  if (dataFormat === 'NCHW') {
    temporaries.push(dx);
    dx = runKernel('Transpose', backend, { x: dx }, { perm: [0, 3, 1, 2] });
  }
  disposeAll(backend, temporaries);
  return dx;
}

// From this ratio of input to output positions up, dx is computed by gradientByScatter: the
// full correlation below would spend most of its products on the zero padding (a 3x3 layer
// on 5x5 inputs, the CNN bench's last: 25 positions computed from a 7x7 padded grid of 9).
const SCATTER_MIN_RATIO = 2;

/**
 * dx as `cols = dy · Wᵀ` (one XNNPACK product, `[positions, kh·kw·ci]`: each output position's
 * contribution to its window) and each window's values added into dx where the window lies
 * inside the input (strides and padding as the forward pass).
 */
function gradientByScatter(backend: WasmBackendLike, dy: TensorInfo, filter: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const rows = batchSize * outHeight * outWidth;
  const patchSize = filterHeight * filterWidth * inChannels;
  const cols = runKernel(
    'BatchMatMul',
    backend,
    { a: { dataId: dy.dataId, shape: [1, rows, outChannels], dtype: 'float32' }, b: { dataId: filter.dataId, shape: [1, patchSize, outChannels], dtype: 'float32' } },
    { transposeA: false, transposeB: true },
  );
  const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  // Views are taken after makeOutput: allocating may grow (and so detach) the heap.
  const source = f32View(backend, cols);
  const target = f32View(backend, dx);
  target.fill(0);
  let row = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, row++) {
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw - left;
            if (iw < 0 || iw >= inWidth) continue;
            const to = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const from = row * patchSize + (kh * filterWidth + kw) * inChannels;
            for (let c = 0; c < inChannels; c++) target[to + c] = (target[to + c] as number) + (source[from + c] as number);
          }
        }
      }
    }
  }
  backend.disposeData(cols.dataId);
  return dx;
}

/** Conv2DBackpropInput for the wasm backend, on XNNPACK's convolution instead of the stock scalar loop. */
export const conv2dBackpropInputConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: tf.Conv2DBackpropInput,
  kernelFunc: conv2dBackpropInput as KernelFunc,
};
