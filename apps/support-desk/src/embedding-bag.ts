// The one layer this app adds to @loom-ml/layers: an embedding bag, as in fastText and
// PyTorch's nn.EmbeddingBag. A query is a bag of feature ids (padded with 0 to the batch's
// longest); the layer looks each id up in a trainable table and averages the vectors of the
// real ids, so padding neither counts nor receives gradient.
import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallOptions, type InitializerConfig, type LayerArgs, type Shape } from '@loom-ml/layers';
import { AppError } from './errors.js';

export interface EmbeddingBagArgs extends LayerArgs {
  /** Number of ids: valid inputs are integers in [0, inputDim); 0 is padding. */
  inputDim: number;
  outputDim: number;
  /**
   * How the vectors of a bag combine: 'mean' (default) divides their sum by the number of real
   * ids, 'sqrtn' by its square root (longer queries then weigh a little more).
   */
  combiner?: 'mean' | 'sqrtn';
  embeddingsInitializer?: InitializerConfig;
}

/**
 * `[batch, length]` ids (0 = padding) → `[batch, outputDim]`: the mean (or sqrt-n scaled sum) of
 * the embeddings of each row's non-zero ids; a row of padding only gives zeros.
 *
 * @example
 * const bag = new EmbeddingBag({ inputDim: 1000, outputDim: 64 });
 * bag.apply(tf.tensor2d([[5, 9, 0]], [1, 3], 'int32')); // [1, 64]: the mean of rows 5 and 9
 */
export class EmbeddingBag extends Layer {
  readonly className = 'EmbeddingBag';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly combiner: 'mean' | 'sqrtn';
  private readonly args: EmbeddingBagArgs;
  private embeddings: tf.Variable | null = null;

  constructor(args: EmbeddingBagArgs) {
    super(args, 'embedding_bag');
    for (const key of ['inputDim', 'outputDim'] as const) {
      if (!Number.isSafeInteger(args[key]) || args[key] < 1) throw new AppError(`Invalid value for \`${key}\` in ${this.describe()}. Expected a positive integer. Received: ${String(args[key])}.`);
    }
    if (args.combiner !== undefined && args.combiner !== 'mean' && args.combiner !== 'sqrtn') {
      throw new AppError(`Invalid value for \`combiner\` in ${this.describe()}. Expected 'mean' or 'sqrtn'. Received: ${String(args.combiner)}.`);
    }
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.combiner = args.combiner ?? 'mean';
    this.args = args;
  }

  computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 2) throw new AppError(`${this.describe()} expected input of rank 2 [batch, length], received shape [${inputShape.join(',')}].`);
    return [inputShape[0]!, this.outputDim];
  }

  protected override createWeights(): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.args.embeddingsInitializer ?? { name: 'randomNormal', stddev: 0.05 });
  }

  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    return tf.tidy(() => {
      const ids = inputs.dtype === 'int32' ? inputs : tf.cast(inputs, 'int32');
      const [batch, length] = ids.shape as [number, number];
      const vectors = tf.reshape(tf.gather(this.embeddings!, tf.reshape(ids, [-1])), [batch, length, this.outputDim]);
      const mask = tf.cast(tf.notEqual(ids, 0), 'float32');
      const counts = tf.sum(mask, 1, true); // [batch, 1]
      const summed = tf.sum(tf.mul(vectors, tf.expandDims(mask, 2)), 1);
      const divisor = tf.maximum(this.combiner === 'mean' ? counts : tf.sqrt(counts), 1);
      return tf.div(summed, divisor);
    });
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), inputDim: this.inputDim, outputDim: this.outputDim, combiner: this.combiner, ...(this.args.embeddingsInitializer ? { embeddingsInitializer: this.args.embeddingsInitializer } : {}) };
  }
}
