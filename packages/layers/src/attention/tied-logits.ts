import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, LayersError, shapeMismatch } from '../errors.js';
import { Layer, type CallOptions, type LayerArgs } from '../core/layer.js';
import type { Shape } from '../core/shape.js';

/** A layer with a token table `[vocabulary, dim]`: `Embedding`, `PositionalEmbedding`, `TokenAndPositionEmbedding`. */
interface TokenTableLayer extends Layer {
  readonly tokenEmbeddings: tf.Variable | null;
  readonly tokenTableShape: [vocabulary: number, dim: number];
}

function hasTokenTable(layer: Layer): layer is TokenTableLayer {
  return 'tokenEmbeddings' in layer && 'tokenTableShape' in layer;
}

/** Options of `tiedLogits` / `new TiedLogits`. */
export interface TiedLogitsArgs extends LayerArgs {
  /**
   * The embedding whose token table the logits reuse: an `Embedding`, `PositionalEmbedding` or
   * `TokenAndPositionEmbedding` of the same model (saved configs name it).
   */
  embedding: Layer | string;
  /** Add a learned bias per token. Default false. */
  useBias?: boolean;
}

/**
 * Output logits tied to the input embedding (Press & Wolf 2017, as in GPT-2): `[..., dim]` →
 * `[..., vocabulary]`, `logits = x · Eᵀ (+ bias)` with `E` the embedding's token table, so the
 * model learns one matrix for both ends and saves it once. The embedding must be a layer of the
 * same model; gradients from both uses add up in its table.
 *
 * @example
 * const embed = tokenAndPositionEmbedding({ vocabularySize: 512, sequenceLength: 64, embeddingDim: 64, inputShape: [64] });
 * const lm = sequential([embed, transformerDecoder({ numHeads: 4, feedForwardDim: 256 }), layerNormalization(), tiedLogits({ embedding: embed })]);
 */
export class TiedLogits extends Layer {
  readonly className = 'TiedLogits';
  readonly useBias: boolean;
  /** The name of the embedding layer whose table is reused. */
  readonly embeddingName: string;
  private source: TokenTableLayer | null = null;
  private bias: tf.Variable | null = null;

  constructor(args: TiedLogitsArgs) {
    super(args, 'tied_logits');
    if (args.useBias !== undefined && typeof args.useBias !== 'boolean') throw invalidValue('useBias', this.describe(), 'a boolean', args.useBias);
    this.useBias = args.useBias ?? false;
    const embedding = args.embedding;
    if (embedding instanceof Layer) {
      if (!hasTokenTable(embedding)) throw invalidValue('embedding', this.describe(), 'an Embedding, PositionalEmbedding or TokenAndPositionEmbedding layer', embedding.describe());
      this.source = embedding;
      this.embeddingName = embedding.name;
    } else if (typeof embedding === 'string' && embedding.length > 0) {
      this.embeddingName = embedding;
    } else {
      throw invalidValue('embedding', this.describe(), 'an embedding layer (or its name in a saved config)', typeof embedding === 'object' && embedding !== null ? 'an object that is not a Layer' : embedding);
    }
  }

  override linkLayers(find: (name: string) => Layer | undefined, where: string): void {
    const found = find(this.embeddingName);
    if (found === undefined || (this.source !== null && found !== this.source)) {
      throw new LayersError(`${this.describe()} reuses the token table of '${this.embeddingName}', which is not a layer of ${where}; put the embedding in the same model.`);
    }
    if (!hasTokenTable(found)) throw invalidValue('embedding', this.describe(), 'an Embedding, PositionalEmbedding or TokenAndPositionEmbedding layer', found.describe());
    this.source = found;
  }

  private table(): TokenTableLayer {
    if (this.source === null) throw new LayersError(`${this.describe()} names its embedding '${this.embeddingName}' but was not given the layer: use it in a model (sequential or model()) together with that embedding.`);
    return this.source;
  }

  computeOutputShape(inputShape: Shape): Shape {
    const [vocabulary, dim] = this.table().tokenTableShape;
    if (inputShape.length < 2 || inputShape[inputShape.length - 1] !== dim) throw shapeMismatch(this.describe(), `input with last dimension ${dim} (the width of '${this.embeddingName}')`, inputShape);
    return [...inputShape.slice(0, -1), vocabulary];
  }

  protected override createWeights(): void {
    if (this.useBias) this.bias = this.addWeight('bias', [this.table().tokenTableShape[0]], 'zeros');
  }

  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    const source = this.table();
    const [vocabulary, dim] = source.tokenTableShape;
    const table = source.tokenEmbeddings;
    if (table === null) throw new LayersError(`${this.describe()} needs '${this.embeddingName}' built first (call the embedding before the logits).`);
    if (inputs.shape[inputs.rank - 1] !== dim) throw shapeMismatch(this.describe(), `input with last dimension ${dim}`, inputs.shape);
    return tf.tidy(() => {
      const flat = tf.reshape(inputs, [-1, dim]) as tf.Tensor2D;
      let logits: tf.Tensor = tf.matMul(flat, table as tf.Tensor2D, false, true);
      if (this.bias) logits = tf.add(logits, this.bias);
      return tf.reshape(logits, [...inputs.shape.slice(0, -1), vocabulary]);
    });
  }

  /** Each step on its own: the same as `apply`. */
  override callWithCache(inputs: tf.Tensor): tf.Tensor {
    return this.call(inputs, { training: false, mask: null });
  }

  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), embedding: this.embeddingName, useBias: this.useBias };
  }
}

/**
 * @example
 * const logits = tiedLogits({ embedding: embed }); // embed: the model's token embedding layer
 */
export function tiedLogits(args: TiedLogitsArgs): TiedLogits {
  return new TiedLogits(args);
}
