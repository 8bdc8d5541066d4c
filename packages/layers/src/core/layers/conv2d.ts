import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, shapeMismatch } from '../../errors.js';
import { getActivation, splitFusedActivation, type ActivationName } from '../activations.js';
import { biasedConv2d } from '../fused-kernels.js';
import type { InitializerConfig } from '../initializers.js';
import { Layer, type CallOptions, type LayerArgs } from '../layer.js';
import { validateRegularizer, type RegularizerConfig } from '../regularizers.js';
import { windowOutputLength, type Shape } from '../shape.js';
import { padding, positiveInteger, tuple } from '../validate.js';

/** Options of `conv2d` / `new Conv2D` (inputs `[batch, height, width, channels]`). */
export interface Conv2DArgs extends LayerArgs {
  /** Number of output channels (kernels). */
  filters: number;
  /** Kernel height and width (one number for both). */
  kernelSize: number | [number, number];
  /** Step between windows, per axis (one number for both). Default 1. */
  strides?: number | [number, number];
  /** `'valid'` (default): windows inside the input only; `'same'`: zero-padded so each output side is ceil(input side / stride). */
  padding?: 'same' | 'valid';
  /** Spacing between kernel taps (dilated convolution), per axis; needs `strides` 1 when above 1. Default 1. */
  dilationRate?: number | [number, number];
  /** Applied to the output. Default 'linear'. */
  activation?: ActivationName;
  /** Add a bias per filter. Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerConfig;
  /** Default 'zeros'. */
  biasInitializer?: InitializerConfig;
  /** Penalty on the kernel, added to the training loss. */
  kernelRegularizer?: RegularizerConfig;
}


/** 2D convolution over `[batch, height, width, channels]` inputs (channels last). */
export class Conv2D extends Layer {
  readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'same' | 'valid';
  readonly dilationRate: [number, number];
  readonly activation: ActivationName;
  private readonly args: Conv2DArgs;
  private kernel: tf.Variable | null = null;
  private bias: tf.Variable | null = null;

  constructor(args: Conv2DArgs) {
    super(args, 'conv2d');
    const where = this.describe();
    this.filters = positiveInteger(args.filters, 'filters', where);
    this.kernelSize = tuple(args.kernelSize, 2, 'kernelSize', where) as [number, number];
    this.strides = tuple(args.strides ?? 1, 2, 'strides', where) as [number, number];
    this.padding = padding(args.padding ?? 'valid', where);
    this.dilationRate = tuple(args.dilationRate ?? 1, 2, 'dilationRate', where) as [number, number];
    if (this.dilationRate.some((d) => d > 1) && this.strides.some((stride) => stride > 1)) {
      throw invalidValue('strides', where, 'strides of 1 when dilationRate > 1 (tfjs supports one or the other)', args.strides);
    }
    this.activation = args.activation ?? 'linear';
    getActivation(this.activation, where);
    validateRegularizer(args.kernelRegularizer, 'kernelRegularizer', where);
    this.args = args;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 4 || inputShape[3] === null) {
      throw shapeMismatch(this.describe(), 'input of rank 4 [batch, height, width, channels]', inputShape);
    }
    const [, height, width] = inputShape;
    const outHeight = windowOutputLength(height!, this.kernelSize[0], this.strides[0], this.padding, this.dilationRate[0]);
    const outWidth = windowOutputLength(width!, this.kernelSize[1], this.strides[1], this.padding, this.dilationRate[1]);
    if ((outHeight !== null && outHeight < 1) || (outWidth !== null && outWidth < 1)) {
      throw shapeMismatch(this.describe(), `an input at least as large as the kernel ${this.kernelSize.join('x')} with 'valid' padding`, inputShape);
    }
    return [inputShape[0]!, outHeight, outWidth, this.filters];
  }

  protected override createWeights(inputShape: Shape): void {
    const channels = inputShape[3] as number;
    this.kernel = this.addWeight('kernel', [...this.kernelSize, channels, this.filters], this.args.kernelInitializer ?? 'glorotUniform', { regularizer: this.args.kernelRegularizer });
    if (this.args.useBias ?? true) this.bias = this.addWeight('bias', [this.filters], this.args.biasInitializer ?? 'zeros');
  }

  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    const kernel = this.kernel!;
    if (inputs.rank !== 4 || inputs.shape[3] !== kernel.shape[2]) {
      throw shapeMismatch(this.describe(), `input [batch, height, width, ${kernel.shape[2]}]`, inputs.shape);
    }
    return tf.tidy(() => {
      const { fused, after } = splitFusedActivation(this.activation);
      const out = biasedConv2d({
        x: inputs as tf.Tensor4D,
        filter: dilateKernel(kernel as tf.Tensor4D, this.dilationRate),
        strides: this.strides,
        pad: this.padding,
        bias: this.bias ?? null,
        activation: fused,
      });
      return after ? after(out) : out;
    });
  }

  getConfig(): Record<string, unknown> {
    return {
      ...this.baseConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      activation: this.activation,
      useBias: this.args.useBias ?? true,
      ...(this.args.kernelInitializer ? { kernelInitializer: this.args.kernelInitializer } : {}),
      ...(this.args.biasInitializer ? { biasInitializer: this.args.biasInitializer } : {}),
      ...(this.args.kernelRegularizer ? { kernelRegularizer: this.args.kernelRegularizer } : {}),
    };
  }
}

/**
 * tfjs-core cannot differentiate dilated convolutions, so the kernel itself is spread out with
 * zeros ([kh, kw] → [(kh-1)·d+1, (kw-1)·d+1]); pad, reshape and slice all have gradients.
 */
export function dilateKernel(kernel: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  if (dh === 1 && dw === 1) return kernel;
  return tf.tidy(() => {
    const [kh, kw, cin, cout] = kernel.shape;
    let k: tf.Tensor = kernel;
    if (dh > 1) {
      k = tf.pad(tf.reshape(k, [kh, 1, kw, cin, cout]), [[0, 0], [0, dh - 1], [0, 0], [0, 0], [0, 0]]);
      k = tf.slice(tf.reshape(k, [kh * dh, kw, cin, cout]), [0, 0, 0, 0], [(kh - 1) * dh + 1, kw, cin, cout]);
    }
    if (dw > 1) {
      const rows = k.shape[0]!;
      k = tf.pad(tf.reshape(k, [rows, kw, 1, cin, cout]), [[0, 0], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
      k = tf.slice(tf.reshape(k, [rows, kw * dw, cin, cout]), [0, 0, 0, 0], [rows, (kw - 1) * dw + 1, cin, cout]);
    }
    return k as tf.Tensor4D;
  });
}

/**
 * @example
 * const conv = conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] });
 */
export function conv2d(args: Conv2DArgs): Conv2D {
  return new Conv2D(args);
}
