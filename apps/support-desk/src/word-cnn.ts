// The second member of the shipped model: a word CNN (Kim 2014, simplified) whose probabilities are
// blended with the embedding bag's: `(1 - w) * bag + w * cnn`. The words seen at least twice in the
// training queries get an id (0: padding, 1: unknown word); the first 40 words of a query are
// embedded (128 wide), one convolution (width 3, 256 filters, ReLU) reads them, a maximum over the
// word slots keeps the strongest of each filter, and a dense layer gives one logit per intent.
// It makes different mistakes from the bag (README "Word CNN blend"): blended at w = 0.4 it scored
// 92.04% / 92.64% on validation (seeds 42 / 43) against the bag's 91.04%. Runs anywhere.
import * as tf from '@tensorflow/tfjs-core';
import { conv1d, dense, dropout, embedding, globalMaxPooling, Sequential, sequential } from '@loom-ml/layers';
import { sparseCategoricalCrossentropy } from '@loom-ml/losses';
import { adam, cosineDecaySchedule } from '@loom-ml/optimizers';
import { fit } from '@loom-ml/train';
import { AppError } from './errors.js';
import { wordsOf } from './features.js';

export interface WordCnnSettings {
  /** Passes over the training queries (0: no CNN, the bag alone). */
  epochs: number;
  batchSize: number;
  /** Peak learning rate of Adam, decayed to 1% by a cosine. */
  learningRate: number;
  /** Word slots read (longer queries are cut). */
  length: number;
  /** Width of the word embeddings. */
  dim: number;
  filters: number;
  /** Words per convolution window. */
  kernelSize: number;
  dropout: number;
  /** Times a word must occur in the training queries to get its own id. */
  minCount: number;
  seed: number;
}

/** What `pnpm full` trains (the settings of docs/validation-screen/loom-cnn.ts). */
export const DEFAULT_CNN_SETTINGS: WordCnnSettings = { epochs: 10, batchSize: 64, learningRate: 0.003, length: 40, dim: 128, filters: 256, kernelSize: 3, dropout: 0.3, minCount: 2, seed: 42 };

/** CNN weights tried for the blend; the one with the best validation accuracy is kept (ties: the smaller). */
export const BLEND_WEIGHTS = [0.2, 0.3, 0.4, 0.5, 0.6];

/** Largest vocabulary a bundle may carry. */
const MAX_WORDS = 1_000_000;

/** Word → id: the kept words in sorted order get ids from 2 (0 is padding, 1 an unknown word). */
export class WordVocabulary {
  private readonly ids: Map<string, number>;

  private constructor(readonly words: readonly string[]) {
    this.ids = new Map(words.map((word, i) => [word, i + 2]));
  }

  /** The words of `texts` that occur at least `minCount` times. */
  static fit(texts: readonly string[], minCount: number): WordVocabulary {
    const counts = new Map<string, number>();
    for (const text of texts) for (const word of wordsOf(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
    return new WordVocabulary([...counts].filter(([, n]) => n >= minCount).map(([word]) => word).sort());
  }

  /** Checks a saved word list (from a bundle: hostile input) and builds the vocabulary. */
  static fromJSON(json: unknown, where: string): WordVocabulary {
    if (!Array.isArray(json) || json.length > MAX_WORDS || !json.every((w) => typeof w === 'string' && w.length > 0 && w.length <= 1000) || new Set(json).size !== json.length) {
      throw new AppError(`Invalid value for \`cnn.words\` in ${where}. Expected an array of at most ${MAX_WORDS} distinct non-empty words.`);
    }
    return new WordVocabulary(json as string[]);
  }

  toJSON(): string[] {
    return [...this.words];
  }

  /** Ids the embedding needs (the words, padding and unknown). */
  get size(): number {
    return this.words.length + 2;
  }

  /** Word ids of each query, padded with 0 to `length` columns (longer ones cut). */
  idMatrix(texts: readonly string[], length: number): tf.Tensor2D {
    const ids = new Int32Array(texts.length * length);
    texts.forEach((text, i) => wordsOf(text).slice(0, length).forEach((word, j) => (ids[i * length + j] = this.ids.get(word) ?? 1)));
    return tf.tensor2d(ids, [texts.length, length], 'int32');
  }
}

/** The untrained network: `[batch, length]` word ids → `[batch, classes]` logits. */
export function buildWordCnn(words: number, classes: number, settings: WordCnnSettings): Sequential {
  const { seed } = settings;
  return sequential([
    embedding({ inputDim: words, outputDim: settings.dim, inputShape: [settings.length], embeddingsInitializer: { name: 'randomNormal', stddev: 0.05, seed } }),
    conv1d({ filters: settings.filters, kernelSize: settings.kernelSize, padding: 'same', activation: 'relu', kernelInitializer: { name: 'glorotUniform', seed: seed + 1 } }),
    globalMaxPooling(),
    dropout({ rate: settings.dropout, seed: seed + 2 }),
    dense({ units: classes, kernelInitializer: { name: 'glorotUniform', seed: seed + 3 } }),
  ]);
}

/**
 * Fits the vocabulary on the training queries and trains the CNN on them.
 *
 * @example
 * const { model, vocabulary } = await trainWordCnn(train, 77, DEFAULT_CNN_SETTINGS);
 */
export async function trainWordCnn(
  data: { texts: readonly string[]; labels: ArrayLike<number> },
  classes: number,
  settings: WordCnnSettings,
  onEpoch: (epoch: number, loss: number) => void = () => {},
): Promise<{ vocabulary: WordVocabulary; model: Sequential; seconds: number }> {
  const started = performance.now();
  const vocabulary = WordVocabulary.fit(data.texts, settings.minCount);
  const model = buildWordCnn(vocabulary.size, classes, settings);
  const x = vocabulary.idMatrix(data.texts, settings.length);
  const y = tf.tensor1d(Int32Array.from(data.labels), 'int32');
  const steps = settings.epochs * Math.ceil(data.texts.length / settings.batchSize);
  try {
    await fit(model, { x, y }, {
      loss: sparseCategoricalCrossentropy({ fromLogits: true }),
      optimizer: adam({ learningRate: cosineDecaySchedule({ initValue: settings.learningRate, decaySteps: steps, alpha: 0.01 }) }),
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      seed: settings.seed,
      verbose: false,
      callbacks: [{ onEpochEnd: (epoch, logs) => onEpoch(epoch, Number(logs.loss)) }],
    });
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose([x, y]);
  }
  return { vocabulary, model, seconds: (performance.now() - started) / 1000 };
}

/** Queries per forward pass when scoring many. */
const CHUNK = 512;

/** The CNN's logits of each query, row-major `[texts.length * classes]`. */
export function wordCnnLogits(model: Sequential, vocabulary: WordVocabulary, texts: readonly string[]): Float32Array {
  const length = wordCnnLength(model);
  const classes = model.outputShape[model.outputShape.length - 1]!;
  const out = new Float32Array(texts.length * classes);
  for (let start = 0; start < texts.length; start += CHUNK) {
    const values = tf.tidy(() => (model.apply(vocabulary.idMatrix(texts.slice(start, start + CHUNK), length), { training: false }) as tf.Tensor).dataSync() as Float32Array);
    out.set(values, start * classes);
  }
  return out;
}

/** Word slots the CNN reads (its fixed input length). */
export function wordCnnLength(model: Sequential): number {
  const length = fixedWordInput(model);
  if (length === undefined) throw new AppError('Not a support-desk word CNN: expected an Embedding first layer with a fixed input length.');
  return length;
}

/** The input length when `model` starts with an Embedding of a fixed input length. */
function fixedWordInput(model: Sequential): number | undefined {
  const length = model.inputShape[model.inputShape.length - 1];
  return model.layers[0]?.className === 'Embedding' && typeof length === 'number' ? length : undefined;
}

/**
 * Why a loaded network (a bundle's cnn.loom: hostile input) is not a word CNN with `classes`
 * outputs over `wordIds` word ids, or undefined when it is one.
 */
export function wordCnnMismatch(model: unknown, classes: number, wordIds: number): string | undefined {
  if (!(model instanceof Sequential)) return 'it is not a Sequential model';
  if (fixedWordInput(model) === undefined) return 'its first layer is not an Embedding with a fixed input length';
  const outputs = model.outputShape[model.outputShape.length - 1];
  const ids = model.getWeights()[0]?.shape[0];
  if (outputs !== classes || ids !== wordIds) return `it has ${String(outputs)} outputs and ${String(ids)} word ids; bundle.json has ${classes} intents and ${wordIds} word ids (with padding and unknown)`;
  return undefined;
}

/**
 * The blend as logits: the log of `(1 - weight) * softmax(bag) + weight * softmax(cnn)`, row by
 * row. A softmax of these gives the blended probabilities back, so the temperature, the threshold
 * and every evaluation treat the blend like any model's logits. Weight 0 is the bag's log-softmax.
 *
 * @example
 * const logits = blendLogits(bagLogits, cnnLogits, 77, 0.4);
 */
export function blendLogits(bag: Float32Array, cnn: Float32Array, classes: number, weight: number): Float32Array {
  if (bag.length !== cnn.length || bag.length % classes !== 0) throw new AppError(`blendLogits: the bag gave ${bag.length} logits and the CNN ${cnn.length}; expected the same multiple of ${classes}.`);
  if (!(weight >= 0 && weight <= 1)) throw new AppError(`blendLogits: the CNN weight must be from 0 to 1; received ${weight}.`);
  const out = new Float32Array(bag.length);
  const p = new Float64Array(classes);
  const q = new Float64Array(classes);
  for (let offset = 0; offset < bag.length; offset += classes) {
    softmaxInto(bag, offset, classes, p);
    softmaxInto(cnn, offset, classes, q);
    for (let c = 0; c < classes; c++) out[offset + c] = Math.log(Math.max((1 - weight) * p[c]! + weight * q[c]!, 1e-30));
  }
  return out;
}

function softmaxInto(logits: Float32Array, offset: number, classes: number, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, logits[offset + c]!);
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += out[c] = Math.exp(logits[offset + c]! - max);
  for (let c = 0; c < classes; c++) out[c] = out[c]! / sum;
}
