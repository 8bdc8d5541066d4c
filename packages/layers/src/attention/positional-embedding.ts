import * as tf from '@tensorflow/tfjs-core';
import { LayersError, shapeMismatch } from '../errors.js';
import type { InitializerConfig } from '../core/initializers.js';
import { Layer, type CallOptions, type LayerArgs } from '../core/layer.js';
import type { Shape } from '../core/shape.js';
import { positiveInteger } from '../core/validate.js';
import type { DecodeCache } from '../generation/decode-cache.js';

/**
 * What `PositionalEmbedding` and `TokenAndPositionEmbedding` share: a token table
 * `[vocabulary, dim]` and a learned position table `[sequenceLength, dim]`, summed.
 */
abstract class TokenPositionSum extends Layer {
  private tokenTable: tf.Variable | null = null;
  private positionTable: tf.Variable | null = null;

  protected constructor(
    args: LayerArgs,
    prefix: string,
    private readonly sizes: () => { vocabulary: number; dim: number; sequenceLength: number },
    private readonly initializer: InitializerConfig | undefined,
  ) {
    super(args, prefix);
  }

  computeOutputShape(inputShape: Shape): Shape {
    const { sequenceLength, dim } = this.sizes();
    const time = inputShape[1];
    if (inputShape.length !== 2 || (time !== null && time! > sequenceLength)) {
      throw shapeMismatch(this.describe(), `ids of shape [batch, time] with time <= ${sequenceLength}`, inputShape);
    }
    return [...inputShape, dim];
  }

  protected override createWeights(): void {
    const { vocabulary, dim, sequenceLength } = this.sizes();
    const base = this.initializer ?? { name: 'randomNormal', stddev: 0.05 };
    const positionInit: InitializerConfig = typeof base === 'object' && base.seed !== undefined ? { ...base, seed: base.seed + 1 } : base;
    this.tokenTable = this.addWeight('tokenEmbeddings', [vocabulary, dim], base);
    this.positionTable = this.addWeight('positionEmbeddings', [sequenceLength, dim], positionInit);
  }

  /** The `[vocabulary, dim]` token table, for `TiedLogits`; null before the layer is built. */
  get tokenEmbeddings(): tf.Variable | null {
    return this.tokenTable;
  }

  /** `[vocabulary, dim]`. */
  get tokenTableShape(): [number, number] {
    const { vocabulary, dim } = this.sizes();
    return [vocabulary, dim];
  }

  private embed(inputs: tf.Tensor, start: number): tf.Tensor {
    return tf.tidy(() => {
      const [batch, time] = inputs.shape as [number, number];
      const dim = this.sizes().dim;
      const ids = inputs.dtype === 'int32' ? inputs : tf.cast(inputs, 'int32');
      const tokens = tf.reshape(tf.gather(this.tokenTable!, tf.reshape(ids, [-1])), [batch, time, dim]);
      return tf.add(tokens, tf.slice(this.positionTable!, [start, 0], [time, dim]));
    });
  }

  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    this.computeOutputShape([null, inputs.shape[1] ?? null]);
    return this.embed(inputs, 0);
  }

  /** The new steps get the positions that follow the cached ones. */
  override callWithCache(inputs: tf.Tensor, cache: DecodeCache): tf.Tensor {
    const { sequenceLength } = this.sizes();
    const end = cache.position + (inputs.shape[1] ?? 0);
    if (inputs.rank !== 2 || end > sequenceLength) {
      throw new LayersError(`${this.describe()} has ${sequenceLength} positions; incremental decoding asked for steps ${cache.position} to ${end - 1} (ids of shape [${inputs.shape.join(',')}]).`);
    }
    return this.embed(inputs, cache.position);
  }
}

/** Options of `positionalEmbedding` / `new PositionalEmbedding`: token and position tables of one width. */
export interface PositionalEmbeddingArgs extends LayerArgs {
  /** Vocabulary size: ids are integers in [0, inputDim). */
  inputDim: number;
  /** Width of each token's (and position's) vector. */
  outputDim: number;
  /** Longest sequence accepted; one learned position vector per step. */
  sequenceLength: number;
  embeddingsInitializer?: InitializerConfig;
}

/**
 * Token embedding plus a learned position embedding: `[batch, time]` ids →
 * `[batch, time, outputDim]`, `time <= sequenceLength`. The same layer as
 * `TokenAndPositionEmbedding`, with `Embedding`'s argument names.
 */
export class PositionalEmbedding extends TokenPositionSum {
  readonly className = 'PositionalEmbedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly sequenceLength: number;
  private readonly args: PositionalEmbeddingArgs;

  constructor(args: PositionalEmbeddingArgs) {
    super(args, 'positional_embedding', () => ({ vocabulary: this.inputDim, dim: this.outputDim, sequenceLength: this.sequenceLength }), args.embeddingsInitializer);
    this.inputDim = positiveInteger(args.inputDim, 'inputDim', this.describe());
    this.outputDim = positiveInteger(args.outputDim, 'outputDim', this.describe());
    this.sequenceLength = positiveInteger(args.sequenceLength, 'sequenceLength', this.describe());
    this.args = args;
  }

  getConfig(): Record<string, unknown> {
    const { name: _n, inputShape: _s, trainable: _t, ...rest } = this.args;
    return { ...this.baseConfig(), ...rest };
  }
}

/**
 * @example
 * const embed = positionalEmbedding({ inputDim: 20000, outputDim: 32, sequenceLength: 200 });
 */
export function positionalEmbedding(args: PositionalEmbeddingArgs): PositionalEmbedding {
  return new PositionalEmbedding(args);
}

/** Options of `tokenAndPositionEmbedding` / `new TokenAndPositionEmbedding` (keras-hub's names). */
export interface TokenAndPositionEmbeddingArgs extends LayerArgs {
  /** Number of token ids: ids are integers in [0, vocabularySize). */
  vocabularySize: number;
  /** Longest sequence accepted; one learned position vector per step. */
  sequenceLength: number;
  /** Width of each token's vector. */
  embeddingDim: number;
  /** Both tables' initializer (the position table's seed is seed + 1). Default randomNormal, stddev 0.05. */
  embeddingsInitializer?: InitializerConfig;
}

/**
 * The input of a Transformer (keras-hub's `TokenAndPositionEmbedding`): each token's vector
 * plus a learned vector for its position, `[batch, time]` ids → `[batch, time, embeddingDim]`,
 * `time <= sequenceLength`. `tiedLogits({ embedding })` reuses its token table for the output.
 * Under `generate`'s cache, new steps get the positions after the cached ones.
 *
 * @example
 * const embed = tokenAndPositionEmbedding({ vocabularySize: 4096, sequenceLength: 128, embeddingDim: 128, inputShape: [128] });
 */
export class TokenAndPositionEmbedding extends TokenPositionSum {
  readonly className = 'TokenAndPositionEmbedding';
  readonly vocabularySize: number;
  readonly sequenceLength: number;
  readonly embeddingDim: number;
  private readonly args: TokenAndPositionEmbeddingArgs;

  constructor(args: TokenAndPositionEmbeddingArgs) {
    super(args, 'token_and_position_embedding', () => ({ vocabulary: this.vocabularySize, dim: this.embeddingDim, sequenceLength: this.sequenceLength }), args.embeddingsInitializer);
    this.vocabularySize = positiveInteger(args.vocabularySize, 'vocabularySize', this.describe());
    this.sequenceLength = positiveInteger(args.sequenceLength, 'sequenceLength', this.describe());
    this.embeddingDim = positiveInteger(args.embeddingDim, 'embeddingDim', this.describe());
    this.args = args;
  }

  getConfig(): Record<string, unknown> {
    const { name: _n, inputShape: _s, trainable: _t, ...rest } = this.args;
    return { ...this.baseConfig(), ...rest };
  }
}

/**
 * @example
 * const embed = tokenAndPositionEmbedding({ vocabularySize: 4096, sequenceLength: 128, embeddingDim: 128, inputShape: [128] });
 */
export function tokenAndPositionEmbedding(args: TokenAndPositionEmbeddingArgs): TokenAndPositionEmbedding {
  return new TokenAndPositionEmbedding(args);
}
