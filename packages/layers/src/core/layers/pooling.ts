import * as tf from '@tensorflow/tfjs-core';
import { shapeMismatch } from '../../errors.js';
import { Layer, type CallOptions, type LayerArgs } from '../layer.js';
import { windowOutputLength, type Shape } from '../shape.js';
import { padding, tuple } from '../validate.js';
import { averagePool } from './average-pool.js';

/** Options of `maxPool2d` / `avgPool2d` (`new MaxPool2D` / `new AvgPool2D`). */
export interface Pool2DArgs extends LayerArgs {
  /** Window size. Default 2. */
  poolSize?: number | [number, number];
  /** Default: the pool size. */
  strides?: number | [number, number];
  /** `'valid'` (default): windows inside the input only; `'same'`: padded so each output side is ceil(input side / stride). */
  padding?: 'same' | 'valid';
}

abstract class Pool2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'same' | 'valid';

  protected constructor(args: Pool2DArgs, prefix: string) {
    super(args, prefix);
    const where = this.describe();
    this.poolSize = tuple(args.poolSize ?? 2, 2, 'poolSize', where) as [number, number];
    this.strides = tuple(args.strides ?? this.poolSize, 2, 'strides', where) as [number, number];
    this.padding = padding(args.padding ?? 'valid', where);
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 4) throw shapeMismatch(this.describe(), 'input of rank 4 [batch, height, width, channels]', inputShape);
    const height = windowOutputLength(inputShape[1]!, this.poolSize[0], this.strides[0], this.padding);
    const width = windowOutputLength(inputShape[2]!, this.poolSize[1], this.strides[1], this.padding);
    if ((height !== null && height < 1) || (width !== null && width < 1)) {
      throw shapeMismatch(this.describe(), `an input at least ${this.poolSize.join('x')} with 'valid' padding`, inputShape);
    }
    return [inputShape[0]!, height, width, inputShape[3]!];
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

/** Maximum over each window. */
export class MaxPool2D extends Pool2D {
  readonly className = 'MaxPool2D';
  constructor(args: Pool2DArgs = {}) {
    super(args, 'max_pool2d');
  }
  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    return tf.maxPool(inputs as tf.Tensor4D, this.poolSize, this.strides, this.padding);
  }
}

/** Mean over each window. */
export class AvgPool2D extends Pool2D {
  readonly className = 'AvgPool2D';
  constructor(args: Pool2DArgs = {}) {
    super(args, 'avg_pool2d');
  }
  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    return averagePool(inputs as tf.Tensor4D, this.poolSize, this.strides, this.padding);
  }
}

/** @example maxPool2d({ poolSize: 2 }) */
export function maxPool2d(args: Pool2DArgs = {}): MaxPool2D {
  return new MaxPool2D(args);
}

/** @example avgPool2d({ poolSize: 2 }) */
export function avgPool2d(args: Pool2DArgs = {}): AvgPool2D {
  return new AvgPool2D(args);
}

/** Options of `new GlobalPooling` (`globalAveragePooling` and `globalMaxPooling` set `mode` themselves): average or max. */
export interface GlobalPoolArgs extends LayerArgs {
  /** 'average' (default) or 'max'. */
  mode?: 'average' | 'max';
}

/**
 * Pools every axis between batch and channels away: `[b, h, w, c]` or `[b, steps, c]` → `[b, c]`.
 */
export class GlobalPooling extends Layer {
  readonly className = 'GlobalPooling';
  readonly mode: 'average' | 'max';
  constructor(args: GlobalPoolArgs = {}) {
    super(args, 'global_pooling');
    this.mode = args.mode ?? 'average';
  }
  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length < 3) throw shapeMismatch(this.describe(), 'input of rank >= 3 [batch, ..., channels]', inputShape);
    return [inputShape[0]!, inputShape[inputShape.length - 1]!];
  }
  /**
   * With a padding mask `[batch, steps]` (on `[batch, steps, channels]` input), padded steps are
   * left out: the mean is over the real steps only (as Keras), the max ignores them.
   */
  protected call(inputs: tf.Tensor, { mask }: Required<CallOptions>): tf.Tensor {
    const axes = Array.from({ length: inputs.rank - 2 }, (_, i) => i + 1);
    if (mask === null || inputs.rank !== 3) return this.mode === 'max' ? tf.max(inputs, axes) : tf.mean(inputs, axes);
    if (mask.rank !== 2 || mask.shape[0] !== inputs.shape[0] || mask.shape[1] !== inputs.shape[1]) {
      throw shapeMismatch(`${this.describe()} mask`, `a mask of shape [${inputs.shape[0]}, ${inputs.shape[1]}]`, mask.shape);
    }
    return tf.tidy(() => {
      const keep = tf.expandDims(tf.cast(mask, 'float32'), 2);
      if (this.mode === 'max') return tf.max(tf.add(inputs, tf.mul(tf.sub(1, keep), -1e9)), 1);
      // A row with every step padded averages to zeros instead of 0/0.
      return tf.div(tf.sum(tf.mul(inputs, keep), 1), tf.maximum(tf.sum(keep, 1), 1));
    });
  }
  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), mode: this.mode };
  }
}

/** @example globalAveragePooling() // [b, 7, 7, 64] -> [b, 64] */
export function globalAveragePooling(args: LayerArgs = {}): GlobalPooling {
  return new GlobalPooling({ ...args, mode: 'average' });
}

/** @example globalMaxPooling() */
export function globalMaxPooling(args: LayerArgs = {}): GlobalPooling {
  return new GlobalPooling({ ...args, mode: 'max' });
}
