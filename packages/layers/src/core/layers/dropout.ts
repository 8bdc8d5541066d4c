import * as tf from '@tensorflow/tfjs-core';
import { nextSeed } from '@loom-ml/core';
import { getActivation, type ActivationName } from '../activations.js';
import { Layer, type CallOptions, type LayerArgs } from '../layer.js';
import type { Shape } from '../shape.js';
import { rate } from '../validate.js';

/** Options of `dropout` / `new Dropout`. */
export interface DropoutArgs extends LayerArgs {
  /** Fraction of inputs zeroed while training, in [0, 1). */
  rate: number;
  /** With a seed, the k-th training call uses seed + k, so runs repeat exactly. */
  seed?: number;
}

/** Zeroes a random `rate` of its inputs while training and scales the rest by 1/(1-rate); identity at inference. */
export class Dropout extends Layer {
  readonly className = 'Dropout';
  protected override readonly supportsMasking = true;
  readonly rate: number;
  private calls = 0;
  constructor(args: DropoutArgs) {
    super(args, 'dropout');
    this.rate = rate(args.rate, 'rate', this.describe());
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  protected call(inputs: tf.Tensor, { training }: Required<CallOptions>): tf.Tensor {
    // A clone shares the data: cheap, and disposing the output never disposes the caller's input.
    if (!training || this.rate === 0) return tf.clone(inputs);
    // Unseeded: the next seed of setSeed's (or fit({ seed })'s) stream, random when none is active.
    const seed = this.seed === undefined ? nextSeed() : this.seed + this.calls++;
    return tf.dropout(inputs, this.rate, undefined, seed);
  }
  /** Inference: the identity. */
  override callWithCache(inputs: tf.Tensor): tf.Tensor {
    return this.call(inputs, { training: false, mask: null });
  }
  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), rate: this.rate };
  }
}

/** @example dropout({ rate: 0.2, seed: 1 }) */
export function dropout(args: DropoutArgs): Dropout {
  return new Dropout(args);
}

/** Options of `activation` / `new Activation`: the activation applied element-wise. */
export interface ActivationArgs extends LayerArgs {
  /** The activation, by name (`'relu'`, `'softmax'`, ...). */
  activation: ActivationName;
}

/** Applies an activation function as its own layer. */
export class Activation extends Layer {
  readonly className = 'Activation';
  protected override readonly supportsMasking = true;
  readonly activation: ActivationName;
  constructor(args: ActivationArgs) {
    super(args, 'activation');
    getActivation(args.activation, this.describe());
    this.activation = args.activation;
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    return getActivation(this.activation)(inputs);
  }
  /** Each step on its own: the same as `apply`. */
  override callWithCache(inputs: tf.Tensor): tf.Tensor {
    return this.call(inputs, { training: false, mask: null });
  }
  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), activation: this.activation };
  }
}

/** @example activation({ activation: 'softmax' }) */
export function activation(args: ActivationArgs): Activation {
  return new Activation(args);
}
