import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

/**
 * Gradient configs for tfjs's own fused kernels `FusedConv2D` and `_FusedMatMul` (a product or
 * convolution, plus a bias, plus a `linear` or `relu` activation, in one backend kernel: on
 * loom-wasm, XNNPACK adds the bias and clamps in the product's own output loop).
 *
 * tfjs-core registers no gradient for them: its `tf.fused.*` ops differentiate through a
 * `customGrad`, and only for a linear activation; while a tape records, `relu` falls back to three
 * kernels (product, `Add`, `Relu`) and the relu's gradient to three more (`Step`, `Cast`,
 * `Multiply`). With these configs a layer can run the fused kernel itself while training
 * (`@loom-ml/layers`' Dense, Conv1D, Conv2D and the Transformer blocks do, where the kernel and
 * this gradient are registered and `useFusedKernels` is on), and each input's gradient is computed
 * only when the tape asks for it (a first layer's input gradient is never computed, as with the
 * unfused kernels; tfjs-core's `customGrad` computes every input's).
 *
 * Supported, as tfjs-core's own fused gradients: activation `linear` or `relu`, a bias over the
 * last axis (`[channels]`, what layers pass), `NHWC` convolutions with dilation 1, products with
 * the same batch on both sides. Anything else fails with an error naming it.
 */

function fail(kernelName: string, what: string, expected: string, received: unknown): Error {
  return new Error(`Invalid value for \`${what}\` in the gradient of kernel ${kernelName}. Expected ${expected}. Received: ${JSON.stringify(received)}.`);
}

/** dy through the activation: `dy` (linear) or `dy · step(y)` (relu; y > 0 exactly where the input was). */
function activationGradient(kernelName: string, dy: tf.Tensor, y: tf.Tensor, activation: unknown): tf.Tensor {
  if (activation === undefined || activation === null || activation === 'linear') return dy;
  if (activation === 'relu') return tf.mul(dy, tf.step(y));
  throw fail(kernelName, 'activation', "'linear' or 'relu' (the activations whose fused gradient is defined)", activation);
}

/** The bias gradient: dy summed over every axis but the last. */
function biasGradient(d: tf.Tensor): tf.Tensor {
  return tf.sum(d, [...Array(d.rank - 1).keys()]);
}

function run(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as NamedAttrMap) as tf.Tensor;
}

const conv2dGradient: GradConfig = {
  kernelName: tf.FusedConv2D,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dataFormat, dilations, dimRoundingMode, activation } = attrs as unknown as {
      strides: number | [number, number];
      pad: unknown;
      dataFormat?: string;
      dilations?: number | [number, number];
      dimRoundingMode?: string;
      activation?: string;
    };
    if (dataFormat !== undefined && dataFormat !== 'NHWC') throw fail(tf.FusedConv2D, 'dataFormat', "'NHWC'", dataFormat);
    if (dilations !== undefined && !tf.backend_util.tupleValuesAreOne(dilations)) throw fail(tf.FusedConv2D, 'dilations', '1 (dilate the filter instead)', dilations);
    const d = activationGradient(tf.FusedConv2D, dy as tf.Tensor, y, activation);
    const shared = { strides, pad, dataFormat: 'NHWC', dimRoundingMode };
    return {
      x: () => run(tf.Conv2DBackpropInput, { dy: d, filter }, { ...shared, inputShape: x.shape }),
      filter: () => run(tf.Conv2DBackpropFilter, { x, dy: d }, { ...shared, filterShape: filter.shape }),
      bias: () => biasGradient(d),
      preluActivationWeights: () => {
        throw fail(tf.FusedConv2D, 'preluActivationWeights', 'none (prelu has no fused gradient)', 'a tensor');
      },
    };
  },
};

const matMulGradient: GradConfig = {
  kernelName: tf._FusedMatMul,
  inputsToSave: ['a', 'b'],
  outputsToSave: [true],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: NamedAttrMap) => {
    const [a, b, y] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
    const { transposeA, transposeB, activation } = attrs as unknown as { transposeA: boolean; transposeB: boolean; activation?: string };
    if (a.rank !== b.rank || !tf.util.arraysEqual(a.shape.slice(0, -2), b.shape.slice(0, -2))) {
      throw fail(tf._FusedMatMul, 'b', `the same batch dimensions as a ${JSON.stringify(a.shape)}`, b.shape);
    }
    const d = activationGradient(tf._FusedMatMul, dy as tf.Tensor, y, activation);
    // As tfjs-core's fused matMul gradient, for each layout of the operands.
    const aGradient = () =>
      !transposeA ? tf.matMul(d, b, false, !transposeB) : !transposeB ? tf.matMul(b, d, false, true) : tf.matMul(b, d, true, true);
    const bGradient = () =>
      !transposeB ? tf.matMul(a, d, !transposeA, false) : !transposeA ? tf.matMul(d, a, true, false) : tf.matMul(d, a, true, true);
    return {
      a: aGradient,
      b: bGradient,
      bias: () => biasGradient(d),
      preluActivationWeights: () => {
        throw fail(tf._FusedMatMul, 'preluActivationWeights', 'none (prelu has no fused gradient)', 'a tensor');
      },
    };
  },
};

/** The gradients of `FusedConv2D` and `_FusedMatMul` (linear and relu), registered by `registerFusedKernels`. */
export const fusedBiasActivationGradients: GradConfig[] = [conv2dGradient, matMulGradient];
