import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, shapeMismatch } from '../errors.js';
import { Layer, type CallOptions, type LayerArgs } from '../core/layer.js';
import type { Shape } from '../core/shape.js';
import { layerNorm } from './layer-norm.js';

/** Options of `batchNormalization` / `new BatchNormalization` (which normalises each feature of the last axis). */
export interface BatchNormalizationArgs extends LayerArgs {
  /** Weight of the old moving statistics in each update. Default 0.99. */
  momentum?: number;
  /** Added to the variance before its square root, for stability. Default 1e-3. */
  epsilon?: number;
  /** Learn an offset (`beta`) added after normalising. Default true. */
  center?: boolean;
  /** Learn a scale (`gamma`) multiplied after normalising. Default true. */
  scale?: boolean;
}

/**
 * Normalises each channel (last axis) with the batch's mean and variance while training, and
 * with moving averages of them at inference. The moving averages are non-trainable weights,
 * updated in place on every training call.
 */
export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  protected override readonly supportsMasking = true;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private gamma: tf.Variable | null = null;
  private beta: tf.Variable | null = null;
  private movingMean: tf.Variable | null = null;
  private movingVariance: tf.Variable | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args, 'batch_normalization');
    this.momentum = args.momentum ?? 0.99;
    if (!(this.momentum >= 0 && this.momentum < 1)) throw invalidValue('momentum', this.describe(), 'a number in [0, 1)', args.momentum);
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.epsilon > 0)) throw invalidValue('epsilon', this.describe(), 'a positive number', args.epsilon);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length < 2 || inputShape[inputShape.length - 1] === null) {
      throw shapeMismatch(this.describe(), 'input of rank >= 2 with known channels', inputShape);
    }
    return inputShape;
  }

  protected override createWeights(inputShape: Shape): void {
    const channels = inputShape[inputShape.length - 1] as number;
    if (this.scale) this.gamma = this.addWeight('gamma', [channels], 'ones');
    if (this.center) this.beta = this.addWeight('beta', [channels], 'zeros');
    this.movingMean = this.addWeight('moving_mean', [channels], 'zeros', { trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [channels], 'ones', { trainable: false });
  }

  protected call(inputs: tf.Tensor, { training }: Required<CallOptions>): tf.Tensor {
    return tf.tidy(() => {
      const offset = this.beta ?? undefined;
      const scale = this.gamma ?? undefined;
      if (!training) return tf.batchNorm(inputs, this.movingMean!, this.movingVariance!, offset, scale, this.epsilon);
      const axes = Array.from({ length: inputs.rank - 1 }, (_, i) => i);
      const { mean, variance } = tf.moments(inputs, axes);
      const count = inputs.size / (inputs.shape[inputs.rank - 1] as number);
      // Moving variance tracks the unbiased estimate, as Keras does.
      const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
      this.movingMean!.assign(tf.add(tf.mul(this.movingMean!, this.momentum), tf.mul(mean, 1 - this.momentum)));
      this.movingVariance!.assign(tf.add(tf.mul(this.movingVariance!, this.momentum), tf.mul(unbiased, 1 - this.momentum)));
      return tf.batchNorm(inputs, mean, variance, offset, scale, this.epsilon);
    });
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}

/** @example batchNormalization() */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}

/** Options of `layerNormalization` / `new LayerNormalization`. */
export interface LayerNormalizationArgs extends LayerArgs {
  /** Added to the variance before its square root, for stability. Default 1e-3. */
  epsilon?: number;
}

/** Normalises each example over its last axis, then scales and shifts (Ba et al. 2016). */
export class LayerNormalization extends Layer {
  readonly className = 'LayerNormalization';
  protected override readonly supportsMasking = true;
  readonly epsilon: number;
  private gamma: tf.Variable | null = null;
  private beta: tf.Variable | null = null;
  constructor(args: LayerNormalizationArgs = {}) {
    super(args, 'layer_normalization');
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.epsilon > 0)) throw invalidValue('epsilon', this.describe(), 'a positive number', args.epsilon);
  }
  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length < 2 || inputShape[inputShape.length - 1] === null) {
      throw shapeMismatch(this.describe(), 'input of rank >= 2 with a known last dimension', inputShape);
    }
    return inputShape;
  }
  protected override createWeights(inputShape: Shape): void {
    const features = inputShape[inputShape.length - 1] as number;
    this.gamma = this.addWeight('gamma', [features], 'ones');
    this.beta = this.addWeight('beta', [features], 'zeros');
  }
  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    return layerNorm(inputs, this.gamma!, this.beta!, this.epsilon);
  }
  /** Each step on its own: the same as `apply`. */
  override callWithCache(inputs: tf.Tensor): tf.Tensor {
    return this.call(inputs, { training: false, mask: null });
  }
  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), epsilon: this.epsilon };
  }
}

/** @example layerNormalization() */
export function layerNormalization(args: LayerNormalizationArgs = {}): LayerNormalization {
  return new LayerNormalization(args);
}
