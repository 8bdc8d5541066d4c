import type * as tf from '@tensorflow/tfjs-core';
import { invalidValue, shapeMismatch } from '../errors.js';
import type { InitializerConfig } from '../core/initializers.js';
import { Layer, type CallOptions, type LayerArgs } from '../core/layer.js';
import type { Shape } from '../core/shape.js';
import { positiveInteger } from '../core/validate.js';
import { selfAttention, type AttentionWeights } from './attention-math.js';

export interface MultiHeadAttentionArgs extends LayerArgs {
  numHeads: number;
  /** Size of each head's query/key/value. Default: features / numHeads (rounded down, at least 1). */
  keyDim?: number;
  /** Each step attends only to itself and earlier steps (for left-to-right models). Default false. */
  causal?: boolean;
  useBias?: boolean;
  kernelInitializer?: InitializerConfig;
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
 * key = value), because Sequential models pass one tensor between layers. No padding mask:
 * padded steps (id 0) are attended to like any other step.
 */
export class MultiHeadAttention extends Layer {
  readonly className = 'MultiHeadAttention';
  readonly numHeads: number;
  readonly causal: boolean;
  readonly useBias: boolean;
  private readonly args: MultiHeadAttentionArgs;
  private resolvedKeyDim: number | null;
  private projections: AttentionWeights | null = null;

  constructor(args: MultiHeadAttentionArgs) {
    super(args, 'multi_head_attention');
    this.numHeads = positiveInteger(args.numHeads, 'numHeads', this.describe());
    this.resolvedKeyDim = args.keyDim === undefined ? null : positiveInteger(args.keyDim, 'keyDim', this.describe());
    for (const flag of ['causal', 'useBias'] as const) {
      if (args[flag] !== undefined && typeof args[flag] !== 'boolean') throw invalidValue(flag, this.describe(), 'a boolean', args[flag]);
    }
    this.causal = args.causal ?? false;
    this.useBias = args.useBias ?? true;
    this.args = args;
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

  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    return selfAttention(inputs, this.projections!, this.numHeads, this.resolvedKeyDim!, this.causal);
  }

  getConfig(): Record<string, unknown> {
    const { name: _n, inputShape: _s, trainable: _t, ...rest } = this.args;
    return { ...this.baseConfig(), ...rest, causal: this.causal, useBias: this.useBias };
  }
}

/**
 * @example
 * const attention = multiHeadAttention({ numHeads: 4, keyDim: 16, causal: true });
 */
export function multiHeadAttention(args: MultiHeadAttentionArgs): MultiHeadAttention {
  return new MultiHeadAttention(args);
}
