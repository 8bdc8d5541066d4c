import * as tf from '@tensorflow/tfjs-core';
import { shapeMismatch } from '../../errors.js';
import { Layer, type CallOptions, type LayerArgs } from '../layer.js';
import { windowOutputLength, type Shape } from '../shape.js';
import { padding, tuple } from '../validate.js';
import { averagePool } from './average-pool.js';

/** Options of `maxPool1d` / `avgPool1d` (`new MaxPool1D` / `new AvgPool1D`). */
export interface Pool1DArgs extends LayerArgs {
  /** Window length. Default 2. */
  poolSize?: number;
  /** Default: the pool size. */
  strides?: number;
  /** `'valid'` (default): windows inside the input only; `'same'`: padded so the output has ceil(steps / strides) steps. */
  padding?: 'same' | 'valid';
}

abstract class Pool1D extends Layer {
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: 'same' | 'valid';

  protected constructor(args: Pool1DArgs, prefix: string) {
    super(args, prefix);
    const where = this.describe();
    this.poolSize = tuple(args.poolSize ?? 2, 1, 'poolSize', where)[0]!;
    this.strides = tuple(args.strides ?? this.poolSize, 1, 'strides', where)[0]!;
    this.padding = padding(args.padding ?? 'valid', where);
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3) throw shapeMismatch(this.describe(), 'input of rank 3 [batch, steps, channels]', inputShape);
    const steps = windowOutputLength(inputShape[1]!, this.poolSize, this.strides, this.padding);
    if (steps !== null && steps < 1) throw shapeMismatch(this.describe(), `at least ${this.poolSize} steps with 'valid' padding`, inputShape);
    return [inputShape[0]!, steps, inputShape[2]!];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }

  // 1D pooling is 2D pooling over a width-1 image: one kernel path for both.
  protected pool(inputs: tf.Tensor, kind: 'max' | 'avg'): tf.Tensor {
    return tf.tidy(() => {
      const [batch, steps, channels] = inputs.shape as [number, number, number];
      const image = tf.reshape(inputs, [batch, steps, 1, channels]) as tf.Tensor4D;
      const window: [number, number] = [this.poolSize, 1];
      const strides: [number, number] = [this.strides, 1];
      const pooled = kind === 'max' ? tf.maxPool(image, window, strides, this.padding) : averagePool(image, window, strides, this.padding);
      return tf.reshape(pooled, [batch, pooled.shape[1], channels]);
    });
  }
}

/** Maximum over each window of a `[batch, steps, channels]` input. */
export class MaxPool1D extends Pool1D {
  readonly className = 'MaxPool1D';
  constructor(args: Pool1DArgs = {}) {
    super(args, 'max_pool1d');
  }
  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    return this.pool(inputs, 'max');
  }
}

/** Mean over each window of a `[batch, steps, channels]` input. */
export class AvgPool1D extends Pool1D {
  readonly className = 'AvgPool1D';
  constructor(args: Pool1DArgs = {}) {
    super(args, 'avg_pool1d');
  }
  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    return this.pool(inputs, 'avg');
  }
}

/** @example maxPool1d({ poolSize: 2 }) */
export function maxPool1d(args: Pool1DArgs = {}): MaxPool1D {
  return new MaxPool1D(args);
}

/** @example avgPool1d({ poolSize: 2 }) */
export function avgPool1d(args: Pool1DArgs = {}): AvgPool1D {
  return new AvgPool1D(args);
}
