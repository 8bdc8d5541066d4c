import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, LayersError, shapeMismatch } from '../errors.js';
import type { InitializerConfig } from '../core/initializers.js';
import { Layer, type CallOptions, type LayerArgs } from '../core/layer.js';
import type { Shape } from '../core/shape.js';
import { positiveInteger } from '../core/validate.js';
import { attend, selfAttention, type AttentionWeights } from './attention-math.js';
import type { DecodeCache } from '../generation/decode-cache.js';

/** Options of `multiHeadAttention` / `new MultiHeadAttention`. */
export interface MultiHeadAttentionArgs extends LayerArgs {
  /** Number of attention heads. */
  numHeads: number;
  /** Size of each head's query/key/value. Default: features / numHeads (rounded down, at least 1). */
  keyDim?: number;
  /**
   * Each step attends only to itself and earlier steps (for left-to-right models), on every
   * call unless a call says otherwise (`apply(x, { useCausalMask })`). Default false.
   */
  useCausalMask?: boolean;
  /** @deprecated The earlier name of `useCausalMask`, still read from saved models. */
  causal?: boolean;
  /** Biases on the query, key, value and output projections. Default true. */
  useBias?: boolean;
  /** Initializer of the projections' kernels. Default 'glorotUniform'. */
  kernelInitializer?: InitializerConfig;
}

/** Options of one call of `MultiHeadAttention` (Keras' `attention_mask` and `use_causal_mask`). */
export interface MultiHeadAttentionCallOptions extends CallOptions {
  /**
   * Which steps may be attended to: 1 (or true) allowed, 0 not. `[batch, time]` masks keys,
   * e.g. padding (every query ignores the padded steps); `[batch, time, time]` gives each
   * query step its own keys (`[1, ...]` or `[batch, 1, time]` broadcast). Combined with the
   * causal mask when both are on. Any dtype; values other than 0 and 1 are not checked.
   */
  attentionMask?: tf.Tensor;
  /** Overrides the layer's `useCausalMask` for this call. */
  useCausalMask?: boolean;
}

/**
 * Checks an `attentionMask` against the attention's batch, query and key lengths, as described
 * in `MultiHeadAttentionCallOptions`.
 */
export function checkAttentionMask(mask: unknown, batch: number, queryTime: number, keyTime: number, where: string): tf.Tensor {
  if (!(mask instanceof tf.Tensor)) {
    const received = Array.isArray(mask) ? 'an array' : typeof mask === 'object' && mask !== null ? `a ${mask.constructor?.name ?? 'object'}` : String(mask);
    throw new LayersError(`Invalid value for \`attentionMask\` in ${where}. Expected a tensor of 0/1 of shape [batch, time] or [batch, time, time]. Received: ${received}.`);
  }
  const [b, t, s] = mask.rank === 2 ? [mask.shape[0], 1, mask.shape[1]] : mask.shape;
  const fits = (mask.rank === 2 || mask.rank === 3) && (b === batch || (mask.rank === 3 && b === 1)) && (t === queryTime || t === 1) && s === keyTime;
  if (!fits) throw shapeMismatch(`${where} attentionMask`, `shape [${batch},${keyTime}] or [${batch},${queryTime},${keyTime}] (1 broadcasts in the first two axes of the rank-3 form)`, mask.shape);
  return mask;
}

/**
 * Combines a padding mask `[batch, time]` (from `embedding({ maskZero: true })`, carried by the
 * model as `mask`) with this call's `attentionMask`: no step attends to a padded step, and the
 * explicit mask still applies. Padded query steps attend to the real steps (Keras masks their
 * rows entirely, which only changes outputs that the mask hides downstream, and whose -1e9
 * scores would give a gradient the forward pass does not have). Call inside `tf.tidy`.
 */
export function withPaddingMask(padding: tf.Tensor | null, attentionMask: tf.Tensor | null, batch: number, time: number, where: string): tf.Tensor | null {
  if (padding === null) return attentionMask;
  if (padding.rank !== 2 || padding.shape[0] !== batch || padding.shape[1] !== time) throw shapeMismatch(`${where} mask`, `a padding mask of shape [${batch}, ${time}]`, padding.shape);
  const keys = tf.cast(padding, 'float32');
  if (attentionMask === null) return keys;
  const explicit = tf.cast(attentionMask, 'float32');
  return tf.mul(tf.expandDims(keys, 1), explicit.rank === 2 ? tf.expandDims(explicit, 1) : explicit);
}

/** Shape checks shared by the attention layers: input `[batch, time, features]`. */
export function sequenceFeatures(inputShape: Shape, where: string): number {
  if (inputShape.length !== 3 || inputShape[2] === null) throw shapeMismatch(where, 'input of shape [batch, time, features] with known features', inputShape);
  return inputShape[2]!;
}

/**
 * Creates the attention projections with `addWeight` under `prefix` (shared with TransformerEncoder).
 * Seeded kernel initializers get seed, seed+1, ... per projection so they differ.
 */
export function attentionWeights(
  add: (name: string, shape: number[], initializer: InitializerConfig) => tf.Variable,
  features: number, numHeads: number, keyDim: number, useBias: boolean, initializer: InitializerConfig, prefix = '',
): AttentionWeights {
  const seeded = (offset: number): InitializerConfig =>
    typeof initializer === 'object' && initializer.seed !== undefined ? { ...initializer, seed: initializer.seed + offset } : initializer;
  const width = numHeads * keyDim;
  return {
    queryKernel: add(`${prefix}queryKernel`, [features, width], seeded(0)),
    keyKernel: add(`${prefix}keyKernel`, [features, width], seeded(1)),
    valueKernel: add(`${prefix}valueKernel`, [features, width], seeded(2)),
    outputKernel: add(`${prefix}outputKernel`, [width, features], seeded(3)),
    queryBias: useBias ? add(`${prefix}queryBias`, [width], 'zeros') : null,
    keyBias: useBias ? add(`${prefix}keyBias`, [width], 'zeros') : null,
    valueBias: useBias ? add(`${prefix}valueBias`, [width], 'zeros') : null,
    outputBias: useBias ? add(`${prefix}outputBias`, [features], 'zeros') : null,
  };
}

/**
 * Multi-head self-attention: `[batch, time, features]` → same shape. One input tensor (query =
 * key = value), because Sequential models pass one tensor between layers. Masks as in Keras:
 * `useCausalMask` for left-to-right models, and an `attentionMask` per call (padding, or any
 * pattern of allowed steps).
 *
 * @example
 * const attention = multiHeadAttention({ numHeads: 4, keyDim: 16, useCausalMask: true });
 * const y = attention.apply(x, { attentionMask: notPadding }); // notPadding: [batch, time] of 0/1
 */
export class MultiHeadAttention extends Layer {
  readonly className = 'MultiHeadAttention';
  protected override readonly supportsMasking = true;
  readonly numHeads: number;
  readonly useCausalMask: boolean;
  readonly useBias: boolean;
  private readonly args: MultiHeadAttentionArgs;
  private resolvedKeyDim: number | null;
  private projections: AttentionWeights | null = null;

  constructor(args: MultiHeadAttentionArgs) {
    super(args, 'multi_head_attention');
    this.numHeads = positiveInteger(args.numHeads, 'numHeads', this.describe());
    this.resolvedKeyDim = args.keyDim === undefined ? null : positiveInteger(args.keyDim, 'keyDim', this.describe());
    for (const flag of ['useCausalMask', 'causal', 'useBias'] as const) {
      if (args[flag] !== undefined && typeof args[flag] !== 'boolean') throw invalidValue(flag, this.describe(), 'a boolean', args[flag]);
    }
    if (args.useCausalMask !== undefined && args.causal !== undefined && args.useCausalMask !== args.causal) {
      throw invalidValue('causal', this.describe(), `the same as useCausalMask (${args.useCausalMask}), or only useCausalMask (causal is its earlier name)`, args.causal);
    }
    this.useCausalMask = args.useCausalMask ?? args.causal ?? false;
    this.useBias = args.useBias ?? true;
    this.args = args;
  }

  /** @deprecated Read `useCausalMask`. */
  get causal(): boolean {
    return this.useCausalMask;
  }

  computeOutputShape(inputShape: Shape): Shape {
    sequenceFeatures(inputShape, this.describe());
    return inputShape;
  }

  protected override createWeights(inputShape: Shape): void {
    const features = sequenceFeatures(inputShape, this.describe());
    this.resolvedKeyDim ??= Math.max(1, Math.floor(features / this.numHeads));
    this.projections = attentionWeights((n, s, i) => this.addWeight(n, s, i), features, this.numHeads, this.resolvedKeyDim, this.useBias, this.args.kernelInitializer ?? 'glorotUniform');
  }

  /**
   * Self-attention over `inputs` `[batch, time, features]`, with this call's masks.
   *
   * @example
   * const y = layer.apply(x, { attentionMask: tf.tensor2d([[1, 1, 0]]), useCausalMask: true });
   */
  override apply(inputs: tf.Tensor | tf.Tensor[], options: MultiHeadAttentionCallOptions = {}): tf.Tensor {
    return super.apply(inputs, options);
  }

  protected call(inputs: tf.Tensor, options: Required<CallOptions> & MultiHeadAttentionCallOptions): tf.Tensor {
    const [batch, time] = inputs.shape as [number, number];
    const useCausalMask = options.useCausalMask ?? this.useCausalMask;
    if (typeof useCausalMask !== 'boolean') throw invalidValue('useCausalMask', `${this.describe()} call`, 'a boolean', useCausalMask);
    const explicit = options.attentionMask === undefined ? null : checkAttentionMask(options.attentionMask, batch, time, time, this.describe());
    return tf.tidy(() => {
      const attentionMask = withPaddingMask(options.mask, explicit, batch, time, this.describe());
      return selfAttention(inputs, this.projections!, this.numHeads, this.resolvedKeyDim!, { useCausalMask, attentionMask });
    });
  }

  /** With `useCausalMask`: attends to the cached keys and values of the earlier steps, then caches the new steps' too. Without it, null (every step sees later steps). */
  override callWithCache(inputs: tf.Tensor, cache: DecodeCache): tf.Tensor | null {
    if (!this.useCausalMask) return null;
    const stored = cache.read(this);
    const past = stored === null ? null : { key: stored[0] as tf.Tensor3D, value: stored[1] as tf.Tensor3D };
    const { output, key, value } = attend(inputs, this.projections!, this.numHeads, this.resolvedKeyDim!, { useCausalMask: true, attentionMask: null }, past);
    cache.write(this, [key, value]);
    return output;
  }

  getConfig(): Record<string, unknown> {
    const { name: _n, inputShape: _s, trainable: _t, causal: _c, ...rest } = this.args;
    return { ...this.baseConfig(), ...rest, useCausalMask: this.useCausalMask, useBias: this.useBias };
  }
}

/**
 * @example
 * const attention = multiHeadAttention({ numHeads: 4, keyDim: 16, useCausalMask: true });
 */
export function multiHeadAttention(args: MultiHeadAttentionArgs): MultiHeadAttention {
  return new MultiHeadAttention(args);
}
