import * as tf from '@tensorflow/tfjs-core';
import { shapeMismatch } from '../errors.js';
import type { InitializerConfig } from '../core/initializers.js';
import { Layer, type CallOptions, type LayerArgs } from '../core/layer.js';
import type { Shape } from '../core/shape.js';
import { positiveInteger } from '../core/validate.js';

export interface PositionalEmbeddingArgs extends LayerArgs {
  /** Vocabulary size: ids are integers in [0, inputDim). */
  inputDim: number;
  outputDim: number;
  /** Longest sequence accepted; one learned position vector per step. */
  sequenceLength: number;
  embeddingsInitializer?: InitializerConfig;
}

/**
 * Token embedding plus a learned position embedding: `[batch, time]` ids →
 * `[batch, time, outputDim]`, `time <= sequenceLength`.
 */
export class PositionalEmbedding extends Layer {
  readonly className = 'PositionalEmbedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly sequenceLength: number;
  private readonly args: PositionalEmbeddingArgs;
  private tokens: tf.Variable | null = null;
  private positions: tf.Variable | null = null;

  constructor(args: PositionalEmbeddingArgs) {
    super(args, 'positional_embedding');
    this.inputDim = positiveInteger(args.inputDim, 'inputDim', this.describe());
    this.outputDim = positiveInteger(args.outputDim, 'outputDim', this.describe());
    this.sequenceLength = positiveInteger(args.sequenceLength, 'sequenceLength', this.describe());
    this.args = args;
  }

  computeOutputShape(inputShape: Shape): Shape {
    const time = inputShape[1];
    if (inputShape.length !== 2 || (time !== null && time! > this.sequenceLength)) {
      throw shapeMismatch(this.describe(), `ids of shape [batch, time] with time <= ${this.sequenceLength}`, inputShape);
    }
    return [...inputShape, this.outputDim];
  }

  protected override createWeights(): void {
    const base = this.args.embeddingsInitializer ?? { name: 'randomNormal', stddev: 0.05 };
    const positionInit: InitializerConfig = typeof base === 'object' && base.seed !== undefined ? { ...base, seed: base.seed + 1 } : base;
    this.tokens = this.addWeight('tokenEmbeddings', [this.inputDim, this.outputDim], base);
    this.positions = this.addWeight('positionEmbeddings', [this.sequenceLength, this.outputDim], positionInit);
  }

  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    this.computeOutputShape([null, inputs.shape[1] ?? null]);
    return tf.tidy(() => {
      const [batch, time] = inputs.shape as [number, number];
      const ids = inputs.dtype === 'int32' ? inputs : tf.cast(inputs, 'int32');
      const tokens = tf.reshape(tf.gather(this.tokens!, tf.reshape(ids, [-1])), [batch, time, this.outputDim]);
      return tf.add(tokens, tf.slice(this.positions!, [0, 0], [time, this.outputDim]));
    });
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
