// The judge of the conditioning check: apps/sentiment's LSTM classifier (a word tokenizer,
// Embedding 32 with the padding masked -> LSTM 32 -> one sigmoid unit, reviews padded and cut at
// the front), trained here on the training half, since an app stands on its own.
import * as tf from '@tensorflow/tfjs-core';
import { Tokenizer } from '@loom-ml/data';
import { dense, embedding, lstm, sequential, type Sequential } from '@loom-ml/layers';
import { binaryCrossentropy } from '@loom-ml/losses';
import { adam } from '@loom-ml/optimizers';
import { evaluate, fit, progressBar } from '@loom-ml/train';

export interface SentimentClassifier {
  model: Sequential;
  tokenizer: Tokenizer;
  maxLength: number;
  /** Accuracy on the held-out reviews it was checked on. */
  testAccuracy: number;
}

export interface ClassifierSettings {
  epochs: number;
  maxLength: number;
  maxWords: number;
  seed: number;
  quiet: boolean;
}

const SEQUENCE_OPTIONS = { padding: 'pre', truncating: 'pre' } as const;

function toTensors(tokenizer: Tokenizer, texts: string[], labels: ArrayLike<number>, maxLength: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const { values, shape } = tokenizer.textsToSequences(texts, { maxLength, ...SEQUENCE_OPTIONS });
  return { x: tf.tensor2d(values, shape, 'int32'), y: tf.tensor2d(Float32Array.from(labels), [labels.length, 1]) };
}

/**
 * Fits the tokenizer and the LSTM on `train`, then measures accuracy on `test`. The caller
 * disposes `model`.
 */
export async function trainClassifier(train: { texts: string[]; labels: ArrayLike<number> }, test: { texts: string[]; labels: ArrayLike<number> }, settings: ClassifierSettings): Promise<SentimentClassifier> {
  const { maxLength, maxWords, seed } = settings;
  const tokenizer = new Tokenizer({ maxWords }).fitOnTexts(train.texts);
  const model = sequential(
    [
      embedding({ inputDim: tokenizer.vocabularySize, outputDim: 32, maskZero: true, embeddingsInitializer: { name: 'randomNormal', stddev: 0.05, seed } }),
      lstm({ units: 32, kernelInitializer: { name: 'glorotUniform', seed: seed + 1 }, recurrentInitializer: { name: 'orthogonal', seed: seed + 2 } }),
      dense({ units: 1, activation: 'sigmoid', kernelInitializer: { name: 'glorotUniform', seed: seed + 3 } }),
    ],
    { inputShape: [maxLength] },
  );
  const trainData = toTensors(tokenizer, train.texts, train.labels, maxLength);
  const testData = toTensors(tokenizer, test.texts, test.labels, maxLength);
  try {
    const loss = binaryCrossentropy();
    await fit(model, trainData, { loss, optimizer: adam({ learningRate: 0.002 }), epochs: settings.epochs, batchSize: 64, seed, callbacks: [progressBar({ quiet: settings.quiet })] });
    const result = await evaluate(model, testData, { loss, metrics: ['binaryAccuracy'], batchSize: 256 });
    return { model, tokenizer, maxLength, testAccuracy: result.binaryAccuracy! };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose([trainData.x, trainData.y, testData.x, testData.y]);
  }
}

/** Probability that each text is a positive review. */
export function positiveProbabilities({ model, tokenizer, maxLength }: Pick<SentimentClassifier, 'model' | 'tokenizer' | 'maxLength'>, texts: string[]): number[] {
  const { values, shape } = tokenizer.textsToSequences(texts, { maxLength, ...SEQUENCE_OPTIONS });
  return tf.tidy(() => Array.from((model.apply(tf.tensor2d(values, shape, 'int32')) as tf.Tensor).dataSync()));
}
