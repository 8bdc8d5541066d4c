import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, shapeMismatch } from '../../errors.js';
import { getActivation, splitFusedActivation, type ActivationName } from '../activations.js';
import { biasedConv2d } from '../fused-kernels.js';
import type { InitializerConfig } from '../initializers.js';
import { Layer, type CallOptions, type LayerArgs } from '../layer.js';
import { validateRegularizer, type RegularizerConfig } from '../regularizers.js';
import { windowOutputLength, type Shape } from '../shape.js';
import { padding, positiveInteger, tuple } from '../validate.js';
import { dilateKernel } from './conv2d.js';

/** Options of `conv1d` / `new Conv1D` (inputs `[batch, steps, channels]`). */
export interface Conv1DArgs extends LayerArgs {
  /** Number of output channels (kernels). */
  filters: number;
  /** Kernel length. */
  kernelSize: number;
  /** Step between windows. Default 1. */
  strides?: number;
  /** `'valid'` (default): windows inside the input only; `'same'`: zero-padded so the output has ceil(length / strides) steps. */
  padding?: 'same' | 'valid';
  /** Spacing between kernel taps (dilated convolution); needs `strides` 1 when above 1. Default 1. */
  dilationRate?: number;
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


/** 1D convolution over `[batch, steps, channels]` inputs; kernel `[kernelSize, channels, filters]`. */
export class Conv1D extends Layer {
  readonly className = 'Conv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'same' | 'valid';
  readonly dilationRate: number;
  readonly activation: ActivationName;
  private readonly args: Conv1DArgs;
  private kernel: tf.Variable | null = null;
  private bias: tf.Variable | null = null;

  constructor(args: Conv1DArgs) {
    super(args, 'conv1d');
    const where = this.describe();
    this.filters = positiveInteger(args.filters, 'filters', where);
    this.kernelSize = tuple(args.kernelSize, 1, 'kernelSize', where)[0]!;
    this.strides = tuple(args.strides ?? 1, 1, 'strides', where)[0]!;
    this.padding = padding(args.padding ?? 'valid', where);
    this.dilationRate = tuple(args.dilationRate ?? 1, 1, 'dilationRate', where)[0]!;
    if (this.dilationRate > 1 && this.strides > 1) {
      throw invalidValue('strides', where, 'strides of 1 when dilationRate > 1 (tfjs supports one or the other)', args.strides);
    }
    this.activation = args.activation ?? 'linear';
    getActivation(this.activation, where);
    validateRegularizer(args.kernelRegularizer, 'kernelRegularizer', where);
    this.args = args;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3 || inputShape[2] === null) {
      throw shapeMismatch(this.describe(), 'input of rank 3 [batch, steps, channels]', inputShape);
    }
    const steps = windowOutputLength(inputShape[1]!, this.kernelSize, this.strides, this.padding, this.dilationRate);
    if (steps !== null && steps < 1) {
      throw shapeMismatch(this.describe(), `at least ${this.kernelSize} steps with 'valid' padding`, inputShape);
    }
    return [inputShape[0]!, steps, this.filters];
  }

  protected override createWeights(inputShape: Shape): void {
    const channels = inputShape[2] as number;
    this.kernel = this.addWeight('kernel', [this.kernelSize, channels, this.filters], this.args.kernelInitializer ?? 'glorotUniform', { regularizer: this.args.kernelRegularizer });
    if (this.args.useBias ?? true) this.bias = this.addWeight('bias', [this.filters], this.args.biasInitializer ?? 'zeros');
  }

  // A 1D convolution is a 2D one over a width-1 image; that reuses the dilated-kernel gradient path.
  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    const kernel = this.kernel!;
    if (inputs.rank !== 3 || inputs.shape[2] !== kernel.shape[1]) {
      throw shapeMismatch(this.describe(), `input [batch, steps, ${kernel.shape[1]}]`, inputs.shape);
    }
    return tf.tidy(() => {
      const [batch, steps, channels] = inputs.shape as [number, number, number];
      const { fused, after } = splitFusedActivation(this.activation);
      const filter = tf.reshape(kernel, [this.kernelSize, 1, channels, this.filters]) as tf.Tensor4D;
      const out = biasedConv2d({
        x: tf.reshape(inputs, [batch, steps, 1, channels]) as tf.Tensor4D,
        filter: dilateKernel(filter, [this.dilationRate, 1]),
        strides: [this.strides, 1],
        pad: this.padding,
        bias: this.bias ?? null,
        activation: fused,
      });
      const sequence = tf.reshape(out, [batch, out.shape[1], this.filters]);
      return after ? after(sequence) : sequence;
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
 * @example
 * const conv = conv1d({ filters: 16, kernelSize: 3, padding: 'same', inputShape: [100, 8] });
 */
export function conv1d(args: Conv1DArgs): Conv1D {
  return new Conv1D(args);
}
