import * as tf from '@tensorflow/tfjs-core';
import { shapeMismatch } from '../../errors.js';
import { getActivation, splitFusedActivation, type ActivationName } from '../activations.js';
import { biasedProduct } from '../fused-kernels.js';
import type { InitializerConfig } from '../initializers.js';
import { Layer, type CallOptions, type LayerArgs } from '../layer.js';
import { validateRegularizer, type RegularizerConfig } from '../regularizers.js';
import type { Shape } from '../shape.js';
import { positiveInteger } from '../validate.js';

/** Options of `dense` / `new Dense`, besides those every layer takes (`LayerArgs`). */
export interface DenseArgs extends LayerArgs {
  /** Output size: the last axis of the output. */
  units: number;
  /** Applied to the output. Default 'linear'. */
  activation?: ActivationName;
  /** Add a bias per unit. Default true. */
  useBias?: boolean;
  /** Initial kernel `[inputDim, units]`. Default 'glorotUniform'. */
  kernelInitializer?: InitializerConfig;
  /** Default 'zeros'. */
  biasInitializer?: InitializerConfig;
  /** Penalty on the kernel, added to the training loss. */
  kernelRegularizer?: RegularizerConfig;
  /** Penalty on the bias, added to the training loss. */
  biasRegularizer?: RegularizerConfig;
}


/** `activation(x · kernel + bias)` over the last axis of `x`. */
export class Dense extends Layer {
  readonly className = 'Dense';
  protected override readonly supportsMasking = true;
  readonly units: number;
  readonly activation: ActivationName;
  private readonly args: DenseArgs;
  private kernel: tf.Variable | null = null;
  private bias: tf.Variable | null = null;

  constructor(args: DenseArgs) {
    super(args, 'dense');
    this.units = positiveInteger(args.units, 'units', this.describe());
    this.activation = args.activation ?? 'linear';
    getActivation(this.activation, this.describe());
    validateRegularizer(args.kernelRegularizer, 'kernelRegularizer', this.describe());
    validateRegularizer(args.biasRegularizer, 'biasRegularizer', this.describe());
    this.args = args;
  }

  computeOutputShape(inputShape: Shape): Shape {
    const last = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || last === null || last === undefined) {
      throw shapeMismatch(this.describe(), 'input of rank >= 2 with a known last dimension', inputShape);
    }
    if (this.built && this.kernel!.shape[0] !== last) throw shapeMismatch(this.describe(), `input with last dimension ${this.kernel!.shape[0]}`, inputShape);
    return [...inputShape.slice(0, -1), this.units];
  }

  protected override createWeights(inputShape: Shape): void {
    const inputDim = inputShape[inputShape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [inputDim, this.units], this.args.kernelInitializer ?? 'glorotUniform', { regularizer: this.args.kernelRegularizer });
    if (this.args.useBias ?? true) this.bias = this.addWeight('bias', [this.units], this.args.biasInitializer ?? 'zeros', { regularizer: this.args.biasRegularizer });
  }

  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    const kernel = this.kernel!;
    if (inputs.shape[inputs.rank - 1] !== kernel.shape[0]) {
      throw shapeMismatch(this.describe(), `input with last dimension ${kernel.shape[0]}`, inputs.shape);
    }
    return tf.tidy(() => {
      const flat = inputs.rank === 2 ? (inputs as tf.Tensor2D) : tf.reshape(inputs, [-1, kernel.shape[0]!]) as tf.Tensor2D;
      const { fused, after } = splitFusedActivation(this.activation);
      let out: tf.Tensor = biasedProduct(flat, kernel, this.bias ?? null, fused);
      if (after) out = after(out);
      return inputs.rank === 2 ? out : tf.reshape(out, [...inputs.shape.slice(0, -1), this.units]);
    });
  }

  /** Each step on its own: the same as `apply`. */
  override callWithCache(inputs: tf.Tensor): tf.Tensor {
    return this.call(inputs, { training: false, mask: null });
  }

  getConfig(): Record<string, unknown> {
    const { name: _name, inputShape: _inputShape, trainable: _trainable, ...rest } = this.args;
    return { ...this.baseConfig(), ...rest, activation: this.activation };
  }
}

/**
 * A fully connected layer.
 *
 * @example
 * const hidden = dense({ units: 128, activation: 'relu', inputShape: [784] });
 */
export function dense(args: DenseArgs): Dense {
  return new Dense(args);
}
