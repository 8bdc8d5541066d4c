// The Loom intent classifier: a bag of the query's features (words, word pairs, character
// n-grams; src/features.ts) averaged by an embedding bag, then a linear layer to one logit per
// intent — the fastText architecture (Joulin et al. 2017), trained from scratch. The bag's
// output, normalised, is also the query's sentence embedding for "similar past questions".
// Runs anywhere (the browser page builds the same model from the saved file).
import * as tf from '@tensorflow/tfjs-core';
import { dense, dropout, sequential, type Sequential } from '@loom-ml/layers';
import { AppError } from './errors.js';
import { EmbeddingBag } from './embedding-bag.js';
import type { Featurizer } from './features.js';

export interface ModelSettings {
  /** Width of the feature embeddings (and of the sentence embedding). */
  dim: number;
  /** Dropout on the bag before the output layer. */
  dropout: number;
  epochs: number;
  batchSize: number;
  /** Peak learning rate of Adam, decayed to 1% by a cosine. */
  learningRate: number;
  seed: number;
  /**
   * Models trained with different seeds and averaged (their logits: src/ensemble.ts folds them
   * into one network `members * dim` wide). 1 is a single model.
   */
  members: number;
}

/**
 * What `pnpm full` trains (chosen on the validation share of the training split only): one model
 * (an ensemble of three scored lower on validation: README "Ensemble"), 256 wide, no dropout, 5
 * epochs of 128 queries per step at a peak learning rate of 0.02.
 */
export const DEFAULT_MODEL_SETTINGS: ModelSettings = { dim: 256, dropout: 0, epochs: 5, batchSize: 128, learningRate: 0.02, seed: 42, members: 1 };

/** The layer factories `deserializeModel` needs for this app's model (`{ customLayers }`). */
export const CUSTOM_LAYERS = {
  EmbeddingBag: (config: Record<string, unknown>) => new EmbeddingBag(config as never),
};

/**
 * The untrained network: `[batch, length]` feature ids → `[batch, classes]` logits.
 *
 * @example
 * const model = buildModel(featurizer.size, 77, DEFAULT_MODEL_SETTINGS);
 */
export function buildModel(features: number, classes: number, settings: Pick<ModelSettings, 'dim' | 'dropout' | 'seed'>, length: number): Sequential {
  return sequential([
    new EmbeddingBag({ inputDim: features, outputDim: settings.dim, inputShape: [length], embeddingsInitializer: { name: 'randomNormal', stddev: 0.05, seed: settings.seed } }),
    dropout({ rate: settings.dropout, seed: settings.seed + 1 }),
    dense({ units: classes, kernelInitializer: { name: 'glorotUniform', seed: settings.seed + 2 } }),
  ]);
}

/** Feature ids of each query, padded with 0 to `length` columns (longer ones cut). */
export function idMatrix(featurizer: Featurizer, texts: readonly string[], length: number): tf.Tensor2D {
  const values = new Int32Array(texts.length * length);
  texts.forEach((text, i) => values.set(featurizer.idsOf(text).subarray(0, length), i * length));
  return tf.tensor2d(values, [texts.length, length], 'int32');
}

/** Queries per forward pass when scoring many. */
const CHUNK = 512;

/**
 * Logits of each query, row-major `[texts.length * classes]`.
 *
 * @example
 * const logits = predictLogits(model, featurizer, ['my card is lost']);
 */
export function predictLogits(model: Sequential, featurizer: Featurizer, texts: readonly string[]): Float32Array {
  const length = inputLength(model);
  const classes = model.outputShape[model.outputShape.length - 1]!;
  const out = new Float32Array(texts.length * classes);
  for (let start = 0; start < texts.length; start += CHUNK) {
    const values = tf.tidy(() => {
      const x = idMatrix(featurizer, texts.slice(start, start + CHUNK), length);
      return (model.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array;
    });
    out.set(values, start * classes);
  }
  return out;
}

/**
 * Sentence embeddings: the embedding bag's output for each query, scaled to unit length (so a
 * dot product is the cosine similarity), row-major `[texts.length * dim]`.
 */
export function sentenceEmbeddings(model: Sequential, featurizer: Featurizer, texts: readonly string[]): Float32Array {
  const length = inputLength(model);
  const bag = model.layers[0] as EmbeddingBag;
  const out = new Float32Array(texts.length * bag.outputDim);
  for (let start = 0; start < texts.length; start += CHUNK) {
    const values = tf.tidy(() => {
      const vectors = bag.apply(idMatrix(featurizer, texts.slice(start, start + CHUNK), length)) as tf.Tensor;
      const norms = tf.maximum(tf.norm(vectors, 'euclidean', 1, true), 1e-12);
      return tf.div(vectors, norms).dataSync() as Float32Array;
    });
    out.set(values, start * bag.outputDim);
  }
  return out;
}

/** Columns of the model's input (the longest bag of features it reads). */
export function inputLength(model: Sequential): number {
  const length = model.inputShape[model.inputShape.length - 1];
  if (model.layers[0]?.className !== 'EmbeddingBag' || typeof length !== 'number') throw new AppError('Not a support-desk model: expected an EmbeddingBag first layer with a fixed input length.');
  return length;
}
