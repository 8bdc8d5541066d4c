// The judge of the conditioning check: one of apps/sentiment's classifiers, trained here on the
// training half, since an app stands on its own (the code below is a copy of what it needs from
// apps/sentiment's src/models.ts and src/data.ts). By default its best recipe on held-out real
// reviews, the `bigrams` model (89.48% on the 25,000 test reviews there): a masked mean of the
// review's word vectors and hashed word-pair vectors, as fastText. `lstm` is the judge of the
// earlier runs: Embedding 32 with the padding masked -> LSTM 32 -> one sigmoid unit.
import * as tf from '@tensorflow/tfjs-core';
import { Tokenizer } from '@loom-ml/data';
import { dense, dropout, embedding, globalAveragePooling, lstm, sequential, type Sequential } from '@loom-ml/layers';
import { binaryCrossentropy } from '@loom-ml/losses';
import { adam } from '@loom-ml/optimizers';
import { evaluate, fit, progressBar } from '@loom-ml/train';

export type JudgeKind = 'bigrams' | 'lstm';

/** Each judge's recipe: apps/sentiment's `bigrams` settings of `pnpm full`, and the LSTM as the earlier runs here trained it. */
export const JUDGES: Readonly<Record<JudgeKind, { epochs: number; maxLength: number; maxWords: number; learningRate: number; batchSize: number; bigramBuckets: number }>> = {
  bigrams: { epochs: 3, maxLength: 400, maxWords: 20_000, learningRate: 0.005, batchSize: 128, bigramBuckets: 200_000 },
  lstm: { epochs: 1, maxLength: 100, maxWords: 10_000, learningRate: 0.002, batchSize: 64, bigramBuckets: 0 },
};

export interface SentimentClassifier {
  model: Sequential;
  tokenizer: Tokenizer;
  maxLength: number;
  /** Hashed word-pair ids after the words (0: words only). */
  bigramBuckets: number;
  /** Accuracy on the held-out reviews it was checked on. */
  testAccuracy: number;
}

export interface ClassifierSettings {
  /** The model (default 'lstm'); `JUDGES` holds each one's recipe. */
  kind?: JudgeKind;
  epochs: number;
  maxLength: number;
  maxWords: number;
  /** Adam's learning rate (default 0.002). */
  learningRate?: number;
  /** Reviews per step (default 64). */
  batchSize?: number;
  /** Hashed word-pair ids of the `bigrams` model (default 200,000; ignored by `lstm`). */
  bigramBuckets?: number;
  seed: number;
  quiet: boolean;
}

const SEQUENCE_OPTIONS = { padding: 'pre', truncating: 'pre' } as const;

/**
 * Id of the word pair (a, b): one of `buckets` ids after the tokenizer's `vocabularySize`, by
 * hashing the two word ids (murmur3's 32-bit finaliser; different pairs may share an id, as in
 * fastText). A copy of apps/sentiment's `bigramId`.
 */
export function bigramId(a: number, b: number, vocabularySize: number, buckets: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return vocabularySize + ((h >>> 0) % buckets);
}

/**
 * Each review as ids: its last `maxLength` word ids, pre-padded with 0; with `bigramBuckets` > 0,
 * followed by `maxLength - 1` ids of its word pairs (`bigramId`, 0 where either word is padding
 * or unknown), `2 * maxLength - 1` ids in all. A copy of apps/sentiment's `encodeReviews`.
 *
 * @example
 * encodeReviews(tokenizer, ['a wonderful film'], 4, 1000); // { values: [0, w1, w2, w3,  0, 0, p12, p23], shape: [1, 7] }
 */
export function encodeReviews(tokenizer: Tokenizer, texts: readonly string[], maxLength: number, bigramBuckets = 0): { values: Int32Array; shape: [number, number] } {
  const words = tokenizer.textsToSequences([...texts], { maxLength, ...SEQUENCE_OPTIONS });
  if (bigramBuckets === 0) return { values: words.values, shape: [texts.length, maxLength] };
  const width = 2 * maxLength - 1;
  const values = new Int32Array(texts.length * width);
  const vocabularySize = tokenizer.vocabularySize;
  for (let row = 0; row < texts.length; row++) {
    const from = row * maxLength;
    values.set(words.values.subarray(from, from + maxLength), row * width);
    for (let j = 1; j < maxLength; j++) {
      const a = words.values[from + j - 1]!;
      const b = words.values[from + j]!;
      if (a > 1 && b > 1) values[row * width + maxLength + j - 1] = bigramId(a, b, vocabularySize, bigramBuckets);
    }
  }
  return { values, shape: [texts.length, width] };
}

function toTensors(tokenizer: Tokenizer, texts: string[], labels: ArrayLike<number>, maxLength: number, bigramBuckets: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const { values, shape } = encodeReviews(tokenizer, texts, maxLength, bigramBuckets);
  return { x: tf.tensor2d(values, shape, 'int32'), y: tf.tensor2d(Float32Array.from(labels), [labels.length, 1]) };
}

/**
 * Fits the tokenizer and the model on `train`, then measures accuracy on `test`. The caller
 * disposes `model`.
 */
export async function trainClassifier(train: { texts: string[]; labels: ArrayLike<number> }, test: { texts: string[]; labels: ArrayLike<number> }, settings: ClassifierSettings): Promise<SentimentClassifier> {
  const { maxLength, maxWords, seed, kind = 'lstm' } = settings;
  const buckets = kind === 'bigrams' ? (settings.bigramBuckets ?? JUDGES.bigrams.bigramBuckets) : 0;
  const tokenizer = new Tokenizer({ maxWords }).fitOnTexts(train.texts);
  const wordVectors = embedding({ inputDim: tokenizer.vocabularySize + buckets, outputDim: 32, maskZero: true, embeddingsInitializer: { name: 'randomNormal', stddev: 0.05, seed } });
  const output = dense({ units: 1, activation: 'sigmoid', kernelInitializer: { name: 'glorotUniform', seed: seed + 3 } });
  const model =
    kind === 'bigrams'
      ? sequential([wordVectors, dropout({ rate: 0.25, seed: seed + 4 }), globalAveragePooling(), output], { inputShape: [2 * maxLength - 1] })
      : sequential([wordVectors, lstm({ units: 32, kernelInitializer: { name: 'glorotUniform', seed: seed + 1 }, recurrentInitializer: { name: 'orthogonal', seed: seed + 2 } }), output], { inputShape: [maxLength] });
  const trainData = toTensors(tokenizer, train.texts, train.labels, maxLength, buckets);
  const testData = toTensors(tokenizer, test.texts, test.labels, maxLength, buckets);
  try {
    const loss = binaryCrossentropy();
    await fit(model, trainData, { loss, optimizer: adam({ learningRate: settings.learningRate ?? 0.002 }), epochs: settings.epochs, batchSize: settings.batchSize ?? 64, seed, callbacks: [progressBar({ quiet: settings.quiet })] });
    const result = await evaluate(model, testData, { loss, metrics: ['binaryAccuracy'], batchSize: 256 });
    return { model, tokenizer, maxLength, bigramBuckets: buckets, testAccuracy: result.binaryAccuracy! };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose([trainData.x, trainData.y, testData.x, testData.y]);
  }
}

/** Probability that each text is a positive review. */
export function positiveProbabilities({ model, tokenizer, maxLength, bigramBuckets }: Pick<SentimentClassifier, 'model' | 'tokenizer' | 'maxLength' | 'bigramBuckets'>, texts: string[]): number[] {
  const { values, shape } = encodeReviews(tokenizer, texts, maxLength, bigramBuckets);
  return tf.tidy(() => Array.from((model.apply(tf.tensor2d(values, shape, 'int32')) as tf.Tensor).dataSync()));
}
