import * as tf from '@tensorflow/tfjs-core';
import { nextSeed } from '@loom-ml/core';
import { invalidValue } from '../errors.js';
import type { InitializerConfig } from '../core/initializers.js';
import { Layer, type CallOptions, type LayerArgs } from '../core/layer.js';
import type { Shape } from '../core/shape.js';
import { positiveInteger, rate } from '../core/validate.js';
import { biasedProduct, feedForwardHidden } from '../core/fused-kernels.js';
import { selfAttention, type AttentionWeights } from './attention-math.js';
import { layerNorm } from '../normalization/layer-norm.js';
import { attentionWeights, checkAttentionMask, sequenceFeatures, withPaddingMask } from './multi-head-attention.js';

/** Options of `transformerEncoder` / `new TransformerEncoder` (self-attention, then a feed-forward block, each with a residual sum and layer normalisation). */
export interface TransformerEncoderArgs extends LayerArgs {
  numHeads: number;
  /** Width of the feed-forward block's hidden layer. */
  feedForwardDim: number;
  /** Per-head size. Default: features / numHeads (rounded down, at least 1). */
  keyDim?: number;
  /** Feed-forward activation. Default 'relu'. */
  activation?: 'relu' | 'gelu';
  /** Dropout after attention and after the feed-forward block, while training. Default 0. */
  dropout?: number;
  /**
   * Seeds every weight initializer without a seed of its own (each kernel a distinct seed
   * derived from this one) and the dropout masks (the k-th training call uses seeds derived
   * from seed + 2k).
   */
  seed?: number;
  causal?: boolean;
  epsilon?: number;
  kernelInitializer?: InitializerConfig;
}

/** Options of one call of `TransformerEncoder`. */
export interface TransformerEncoderCallOptions extends CallOptions {
  /** Steps that may be attended to, 1 allowed, 0 not: `[batch, time]` (padding) or `[batch, time, time]`, as in MultiHeadAttention. */
  attentionMask?: tf.Tensor;
}

/**
 * One post-norm Transformer encoder block (Vaswani et al. 2017):
 * `a = LayerNorm(x + Dropout(SelfAttention(x)))`, `out = LayerNorm(a + Dropout(FFN(a)))` with
 * `FFN(a) = activation(a W1 + b1) W2 + b2`. Input and output `[batch, time, features]`.
 */
export class TransformerEncoder extends Layer {
  readonly className = 'TransformerEncoder';
  protected override readonly supportsMasking = true;
  readonly numHeads: number;
  readonly feedForwardDim: number;
  readonly activation: 'relu' | 'gelu';
  readonly dropout: number;
  readonly causal: boolean;
  readonly epsilon: number;
  private readonly args: TransformerEncoderArgs;
  private keyDim: number | null;
  private calls = 0;
  private attention: AttentionWeights | null = null;
  private ffn: tf.Variable[] = [];
  private norms: tf.Variable[] = [];

  constructor(args: TransformerEncoderArgs) {
    super(args, 'transformer_encoder');
    this.numHeads = positiveInteger(args.numHeads, 'numHeads', this.describe());
    this.feedForwardDim = positiveInteger(args.feedForwardDim, 'feedForwardDim', this.describe());
    this.keyDim = args.keyDim === undefined ? null : positiveInteger(args.keyDim, 'keyDim', this.describe());
    this.activation = args.activation ?? 'relu';
    if (this.activation !== 'relu' && this.activation !== 'gelu') throw invalidValue('activation', this.describe(), "'relu' or 'gelu'", args.activation);
    this.dropout = rate(args.dropout ?? 0, 'dropout', this.describe());
    this.causal = args.causal ?? false;
    this.epsilon = args.epsilon ?? 1e-5;
    if (!(this.epsilon > 0)) throw invalidValue('epsilon', this.describe(), 'a positive number', args.epsilon);
    this.args = args;
  }

  computeOutputShape(inputShape: Shape): Shape {
    sequenceFeatures(inputShape, this.describe());
    return inputShape;
  }

  protected override createWeights(inputShape: Shape): void {
    const features = sequenceFeatures(inputShape, this.describe());
    this.keyDim ??= Math.max(1, Math.floor(features / this.numHeads));
    const init = this.args.kernelInitializer ?? 'glorotUniform';
    const seeded = (offset: number): InitializerConfig => (typeof init === 'object' && init.seed !== undefined ? { ...init, seed: init.seed + offset } : init);
    this.attention = attentionWeights((n, s, i) => this.addWeight(n, s, i), features, this.numHeads, this.keyDim, true, init, 'attention/');
    this.norms = [
      this.addWeight('attentionNorm/gamma', [features], 'ones'),
      this.addWeight('attentionNorm/beta', [features], 'zeros'),
      this.addWeight('outputNorm/gamma', [features], 'ones'),
      this.addWeight('outputNorm/beta', [features], 'zeros'),
    ];
    this.ffn = [
      this.addWeight('feedForward/kernel1', [features, this.feedForwardDim], seeded(10)),
      this.addWeight('feedForward/bias1', [this.feedForwardDim], 'zeros'),
      this.addWeight('feedForward/kernel2', [this.feedForwardDim, features], seeded(11)),
      this.addWeight('feedForward/bias2', [features], 'zeros'),
    ];
  }

  /**
   * Runs the block on `inputs` `[batch, time, features]`, with an optional attention mask.
   *
   * @example
   * const y = block.apply(x, { attentionMask: notPadding }); // [batch, time] of 0/1
   */
  override apply(inputs: tf.Tensor | tf.Tensor[], options: TransformerEncoderCallOptions = {}): tf.Tensor {
    return super.apply(inputs, options);
  }

  protected call(inputs: tf.Tensor, { training, attentionMask, mask: padding }: Required<CallOptions> & TransformerEncoderCallOptions): tf.Tensor {
    const explicit = attentionMask === undefined ? null : checkAttentionMask(attentionMask, inputs.shape[0], inputs.shape[1]!, inputs.shape[1]!, this.describe());
    const active = training && this.dropout > 0;
    const seed = active && this.seed !== undefined ? this.seed + 2 * this.calls++ : undefined;
    const drop = (x: tf.Tensor, offset: number) => (active ? tf.dropout(x, this.dropout, undefined, seed === undefined ? nextSeed() : seed + offset) : x);
    return tf.tidy(() => {
      const [batch, time, features] = inputs.shape as [number, number, number];
      const [g1, b1, g2, b2] = this.norms as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
      const [k1, c1, k2, c2] = this.ffn as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
      const mask = withPaddingMask(padding, explicit, batch, time, this.describe());
      const attended = selfAttention(inputs, this.attention!, this.numHeads, this.keyDim!, { useCausalMask: this.causal, attentionMask: mask });
      const a = layerNorm(tf.add(inputs, drop(attended, 0)), g1, b1, this.epsilon);
      const flat = tf.reshape(a, [batch * time, features]) as tf.Tensor2D;
      const hidden = feedForwardHidden(flat, k1, c1, this.activation);
      const ffn = tf.reshape(biasedProduct(hidden, k2, c2, 'linear'), [batch, time, features]);
      return layerNorm(tf.add(a, drop(ffn, 1)), g2, b2, this.epsilon);
    });
  }

  getConfig(): Record<string, unknown> {
    const { name: _n, inputShape: _s, trainable: _t, ...rest } = this.args;
    return { ...this.baseConfig(), ...rest, activation: this.activation, dropout: this.dropout, causal: this.causal, epsilon: this.epsilon };
  }
}

/**
 * @example
 * const block = transformerEncoder({ numHeads: 2, feedForwardDim: 64, dropout: 0.1, seed: 1 });
 */
export function transformerEncoder(args: TransformerEncoderArgs): TransformerEncoder {
  return new TransformerEncoder(args);
}
