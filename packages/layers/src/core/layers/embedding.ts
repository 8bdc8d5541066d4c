import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from '../../errors.js';
import type { InitializerConfig } from '../initializers.js';
import { Layer, type CallOptions, type LayerArgs } from '../layer.js';
import { validateRegularizer, type RegularizerConfig } from '../regularizers.js';
import type { Shape } from '../shape.js';
import { positiveInteger } from '../validate.js';

/** Options of `embedding` / `new Embedding`. */
export interface EmbeddingArgs extends LayerArgs {
  /** Number of ids: valid inputs are integers in [0, inputDim). */
  inputDim: number;
  /** Length of each id's vector. */
  outputDim: number;
  /** Default randomNormal with stddev 0.05. */
  embeddingsInitializer?: InitializerConfig;
  /** Penalty on the table, added to the training loss. */
  embeddingsRegularizer?: RegularizerConfig;
  /**
   * Id 0 is padding: the layer's output carries a mask (`ids != 0`) that models pass on to
   * the next layers (recurrent layers keep their state over padded steps; attention does not
   * attend to them; average pooling skips them), as Keras' `mask_zero`. Default false.
   */
  maskZero?: boolean;
}

/**
 * Looks ids up in a trainable table: `[batch, ...]` integer ids → `[batch, ..., outputDim]`.
 * Ids outside [0, inputDim) are an error on the cpu backend and undefined on others, so
 * tokenizers should map unknown words to an out-of-vocabulary id.
 */
export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  private readonly args: EmbeddingArgs;
  private embeddings: tf.Variable | null = null;
  constructor(args: EmbeddingArgs) {
    super(args, 'embedding');
    this.inputDim = positiveInteger(args.inputDim, 'inputDim', this.describe());
    this.outputDim = positiveInteger(args.outputDim, 'outputDim', this.describe());
    validateRegularizer(args.embeddingsRegularizer, 'embeddingsRegularizer', this.describe());
    if (args.maskZero !== undefined && typeof args.maskZero !== 'boolean') throw invalidValue('maskZero', this.describe(), 'a boolean', args.maskZero);
    this.maskZero = args.maskZero ?? false;
    this.args = args;
  }
  computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape, this.outputDim];
  }
  protected override createWeights(): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.args.embeddingsInitializer ?? { name: 'randomNormal', stddev: 0.05 }, {
      regularizer: this.args.embeddingsRegularizer,
    });
  }
  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    return tf.tidy(() => {
      const ids = inputs.dtype === 'int32' ? inputs : tf.cast(inputs, 'int32');
      const flat = tf.gather(this.embeddings!, tf.reshape(ids, [-1]));
      return tf.reshape(flat, [...inputs.shape, this.outputDim]);
    });
  }
  /** Each step on its own: the same as `apply`. */
  override callWithCache(inputs: tf.Tensor): tf.Tensor {
    return this.call(inputs, { training: false, mask: null });
  }
  /** The `[inputDim, outputDim]` table, for `TiedLogits`; null before the layer is built. */
  get tokenEmbeddings(): tf.Variable | null {
    return this.embeddings;
  }
  /** `[inputDim, outputDim]`. */
  get tokenTableShape(): [number, number] {
    return [this.inputDim, this.outputDim];
  }
  /** With `maskZero`, `ids != 0` (bool, the ids' shape); otherwise no mask. */
  override computeMask(inputs: tf.Tensor, _mask: tf.Tensor | null): tf.Tensor | null {
    return this.maskZero ? tf.notEqual(inputs, 0) : null;
  }

  getConfig(): Record<string, unknown> {
    const { name: _n, inputShape: _s, trainable: _t, ...rest } = this.args;
    return { ...this.baseConfig(), ...rest };
  }
}

/** @example embedding({ inputDim: 10000, outputDim: 64 }) */
export function embedding(args: EmbeddingArgs): Embedding {
  return new Embedding(args);
}
