import * as tf from '@tensorflow/tfjs-core';
import { nextSeed } from '@loom-ml/core';
import { invalidValue } from '../errors.js';
import type { InitializerConfig } from '../core/initializers.js';
import { Layer, type CallOptions, type LayerArgs } from '../core/layer.js';
import type { Shape } from '../core/shape.js';
import { positiveInteger, rate } from '../core/validate.js';
import { biasedProduct, feedForwardHidden } from '../core/fused-kernels.js';
import type { DecodeCache } from '../generation/decode-cache.js';
import { attend, type AttentionWeights } from './attention-math.js';
import { layerNorm } from '../normalization/layer-norm.js';
import { attentionWeights, checkAttentionMask, sequenceFeatures, withPaddingMask } from './multi-head-attention.js';

/** Options of `transformerDecoder` / `new TransformerDecoder` (a GPT-style block: causal self-attention, then a feed-forward block). */
export interface TransformerDecoderArgs extends LayerArgs {
  numHeads: number;
  /** Width of the feed-forward block's hidden layer (keras-hub's `intermediate_dim`). */
  feedForwardDim: number;
  /** Per-head size. Default: features / numHeads (rounded down, at least 1). */
  keyDim?: number;
  /** Feed-forward activation. Default 'gelu' (GPT-2's). */
  activation?: 'relu' | 'gelu';
  /** Dropout on the attention and feed-forward outputs before each residual sum, while training. Default 0. */
  dropout?: number;
  /**
   * Seeds every weight initializer without a seed of its own (each kernel a distinct seed
   * derived from this one) and the dropout masks (the k-th training call uses seeds derived
   * from seed + 2k).
   */
  seed?: number;
  /**
   * Pre-norm (GPT-2; true): `x + f(LayerNorm(x))` for both sub-blocks, which trains stably
   * without warm-up; put a `layerNormalization()` after the last block. Post-norm (the original
   * Transformer; false, keras-hub's default): `LayerNorm(x + f(x))`. Default false.
   */
  normalizeFirst?: boolean;
  epsilon?: number;
  kernelInitializer?: InitializerConfig;
}

/** Options of one call of `TransformerDecoder`. */
export interface TransformerDecoderCallOptions extends CallOptions {
  /**
   * Steps that may be attended to, 1 allowed, 0 not, combined with the causal mask:
   * `[batch, time]` (padding) or `[batch, time, time]`, as in MultiHeadAttention.
   */
  attentionMask?: tf.Tensor;
}

/**
 * One decoder-only Transformer block (GPT; keras-hub's `TransformerDecoder` without an encoder
 * sequence): causal multi-head self-attention then a feed-forward block
 * `FFN(x) = activation(x W1 + b1) W2 + b2`, each with a residual connection, dropout and layer
 * normalisation (pre- or post-norm, `normalizeFirst`). Step t sees steps <= t only, so the
 * block trains on next-token prediction and decodes incrementally under `generate`'s cache.
 * Input and output `[batch, time, features]`.
 *
 * @example
 * const block = transformerDecoder({ numHeads: 4, feedForwardDim: 512, dropout: 0.1, normalizeFirst: true, seed: 1 });
 */
export class TransformerDecoder extends Layer {
  readonly className = 'TransformerDecoder';
  protected override readonly supportsMasking = true;
  readonly numHeads: number;
  readonly feedForwardDim: number;
  readonly activation: 'relu' | 'gelu';
  readonly dropout: number;
  readonly normalizeFirst: boolean;
  readonly epsilon: number;
  private readonly args: TransformerDecoderArgs;
  private keyDim: number | null;
  private calls = 0;
  private attention: AttentionWeights | null = null;
  private ffn: tf.Variable[] = [];
  private norms: tf.Variable[] = [];

  constructor(args: TransformerDecoderArgs) {
    super(args, 'transformer_decoder');
    this.numHeads = positiveInteger(args.numHeads, 'numHeads', this.describe());
    this.feedForwardDim = positiveInteger(args.feedForwardDim, 'feedForwardDim', this.describe());
    this.keyDim = args.keyDim === undefined ? null : positiveInteger(args.keyDim, 'keyDim', this.describe());
    this.activation = args.activation ?? 'gelu';
    if (this.activation !== 'relu' && this.activation !== 'gelu') throw invalidValue('activation', this.describe(), "'relu' or 'gelu'", args.activation);
    this.dropout = rate(args.dropout ?? 0, 'dropout', this.describe());
    if (args.normalizeFirst !== undefined && typeof args.normalizeFirst !== 'boolean') throw invalidValue('normalizeFirst', this.describe(), 'a boolean', args.normalizeFirst);
    this.normalizeFirst = args.normalizeFirst ?? false;
    this.epsilon = args.epsilon ?? 1e-5;
    if (!(typeof this.epsilon === 'number' && this.epsilon > 0)) throw invalidValue('epsilon', this.describe(), 'a positive number', args.epsilon);
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
      this.addWeight('feedForwardNorm/gamma', [features], 'ones'),
      this.addWeight('feedForwardNorm/beta', [features], 'zeros'),
    ];
    this.ffn = [
      this.addWeight('feedForward/kernel1', [features, this.feedForwardDim], seeded(10)),
      this.addWeight('feedForward/bias1', [this.feedForwardDim], 'zeros'),
      this.addWeight('feedForward/kernel2', [this.feedForwardDim, features], seeded(11)),
      this.addWeight('feedForward/bias2', [features], 'zeros'),
    ];
  }

  /**
   * Runs the block on `inputs` `[batch, time, features]`, with an optional padding mask.
   *
   * @example
   * const y = block.apply(x, { attentionMask: notPadding, training: true }); // notPadding: [batch, time] of 0/1
   */
  override apply(inputs: tf.Tensor | tf.Tensor[], options: TransformerDecoderCallOptions = {}): tf.Tensor {
    return super.apply(inputs, options);
  }

  /** The block on `inputs`; with `past` keys/values, `inputs` are the steps after the cached ones. */
  private run(inputs: tf.Tensor, training: boolean, attentionMask: tf.Tensor | null, past: { key: tf.Tensor3D; value: tf.Tensor3D } | null): { output: tf.Tensor; key: tf.Tensor3D; value: tf.Tensor3D } {
    const active = training && this.dropout > 0;
    const seed = active && this.seed !== undefined ? this.seed + 2 * this.calls++ : undefined;
    const drop = (x: tf.Tensor, offset: number) => (active ? tf.dropout(x, this.dropout, undefined, seed === undefined ? nextSeed() : seed + offset) : x);
    return tf.tidy(() => {
      const [batch, time, features] = inputs.shape as [number, number, number];
      const [g1, b1, g2, b2] = this.norms as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
      const [k1, c1, k2, c2] = this.ffn as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
      const masks = { useCausalMask: true, attentionMask };
      const feedForward = (x: tf.Tensor) => {
        const flat = tf.reshape(x, [batch * time, features]) as tf.Tensor2D;
        const hidden = feedForwardHidden(flat, k1, c1, this.activation);
        return tf.reshape(biasedProduct(hidden, k2, c2, 'linear'), [batch, time, features]);
      };
      if (this.normalizeFirst) {
        const attended = attend(layerNorm(inputs, g1, b1, this.epsilon), this.attention!, this.numHeads, this.keyDim!, masks, past);
        const a = tf.add(inputs, drop(attended.output, 0));
        return { output: tf.add(a, drop(feedForward(layerNorm(a, g2, b2, this.epsilon)), 1)), key: attended.key, value: attended.value };
      }
      const attended = attend(inputs, this.attention!, this.numHeads, this.keyDim!, masks, past);
      const a = layerNorm(tf.add(inputs, drop(attended.output, 0)), g1, b1, this.epsilon);
      return { output: layerNorm(tf.add(a, drop(feedForward(a), 1)), g2, b2, this.epsilon), key: attended.key, value: attended.value };
    });
  }

  protected call(inputs: tf.Tensor, { training, attentionMask, mask: padding }: Required<CallOptions> & TransformerDecoderCallOptions): tf.Tensor {
    const explicit = attentionMask === undefined ? null : checkAttentionMask(attentionMask, inputs.shape[0], inputs.shape[1]!, inputs.shape[1]!, this.describe());
    return tf.tidy(() => {
      const mask = withPaddingMask(padding, explicit, inputs.shape[0], inputs.shape[1]!, this.describe());
      const { output, key, value } = this.run(inputs, training, mask, null);
      tf.dispose([key, value]);
      return output;
    });
  }

  /** Attends to the cached keys and values of the earlier steps, then caches the new steps' too. */
  override callWithCache(inputs: tf.Tensor, cache: DecodeCache): tf.Tensor {
    const stored = cache.read(this);
    const past = stored === null ? null : { key: stored[0] as tf.Tensor3D, value: stored[1] as tf.Tensor3D };
    const { output, key, value } = this.run(inputs, false, null, past);
    cache.write(this, [key, value]);
    return output;
  }

  getConfig(): Record<string, unknown> {
    const { name: _n, inputShape: _s, trainable: _t, ...rest } = this.args;
    return { ...this.baseConfig(), ...rest, activation: this.activation, dropout: this.dropout, normalizeFirst: this.normalizeFirst, epsilon: this.epsilon };
  }
}

/**
 * @example
 * const block = transformerDecoder({ numHeads: 4, feedForwardDim: 512, normalizeFirst: true });
 */
export function transformerDecoder(args: TransformerDecoderArgs): TransformerDecoder {
  return new TransformerDecoder(args);
}
