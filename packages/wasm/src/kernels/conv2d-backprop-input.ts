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

/** Conv2DBackpropInput for the wasm backend, on XNNPACK's convolution instead of the stock scalar loop. */
export const conv2dBackpropInputConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: tf.Conv2DBackpropInput,
  kernelFunc: conv2dBackpropInput as KernelFunc,
};
