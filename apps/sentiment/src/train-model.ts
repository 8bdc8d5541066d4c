import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { Tokenizer } from '@loom-ml/data';
import type { Sequential } from '@loom-ml/layers';
import { saveModel } from '@loom-ml/layers/node';
import { binaryCrossentropy } from '@loom-ml/losses';
import { adam } from '@loom-ml/optimizers';
import { writeFileAtomic } from '@loom-ml/core/node';
import { evaluate, fit, progressBar, type Callback } from '@loom-ml/train';
import { startStep, type Step } from './command-line.js';
import { toTensors } from './data.js';
import { bigramBucketsFor, buildModel } from './models.js';
import type { ModelKind, TrainOptions } from './options.js';

export interface LabelledTexts {
  texts: string[];
  labels: ArrayLike<number>;
}

export interface TrainResult {
  model: Sequential;
  tokenizer: Tokenizer;
  /** Accuracy and loss on the held-out reviews (`test`, or with `validation: true` the validation share after the last epoch). */
  testAccuracy: number;
  testLoss: number;
  /** With `validation: true`: each epoch's accuracy on the validation share, first epoch first. */
  validationAccuracies: number[];
  /** Hashed word-pair ids the model reads after the words (`encodeReviews`; 0 for word-only models). */
  bigramBuckets: number;
}

/** Where `score` finds what training saved. */
export function artifactPaths(outDir: string, model: ModelKind): { modelPath: string; tokenizerPath: string } {
  return { modelPath: join(outDir, `sentiment-${model}.loom`), tokenizerPath: join(outDir, `sentiment-${model}-tokenizer.json`) };
}

/**
 * Fits the tokenizer on the training texts, trains the model with binary cross-entropy and
 * Adam, and evaluates it on the test texts. With `validation: true` the held-out texts are a
 * validation share of the training reviews instead: fit scores them after every epoch (the
 * scores model choices are made on) and there is no separate evaluation. The caller owns (and
 * disposes) the returned model.
 */
export async function trainOnTexts(
  options: Pick<TrainOptions, 'model' | 'epochs' | 'batchSize' | 'learningRate' | 'maxLength' | 'maxWords' | 'seed'> & { bigramBuckets?: number },
  train: LabelledTexts,
  test: LabelledTexts,
  { callbacks = [], quiet = true, validation = false }: { callbacks?: Callback[]; quiet?: boolean; validation?: boolean } = {},
): Promise<TrainResult> {
  const tokenizing = startStep('Fitting the tokenizer and encoding the reviews', { quiet });
  const tokenizer = new Tokenizer({ maxWords: options.maxWords }).fitOnTexts(train.texts);
  // Tests pass fewer pair ids than the app's BIGRAM_BUCKETS (a smaller embedding table).
  const buckets = options.model === 'bigrams' ? (options.bigramBuckets ?? bigramBucketsFor(options.model)) : 0;
  const trainData = toTensors(tokenizer, train.texts, train.labels, options.maxLength, buckets);
  const testData = toTensors(tokenizer, test.texts, test.labels, options.maxLength, buckets);
  tokenizing.end(`${tokenizer.vocabularySize} word ids${buckets > 0 ? ` and ${buckets} word-pair ids` : ''}`);
  const model = buildModel(options.model, { vocabularySize: tokenizer.vocabularySize + buckets, maxLength: trainData.x.shape[1] }, options.seed);
  try {
    const loss = binaryCrossentropy();
    const history = await fit(model, trainData, {
      loss,
      optimizer: adam({ learningRate: options.learningRate }),
      metrics: ['binaryAccuracy'],
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
      callbacks: [progressBar({ quiet }), ...callbacks],
      ...(validation ? { validation: testData } : {}),
    });
    if (validation) {
      const accuracies = history.values['val_binaryAccuracy'] ?? [];
      const losses = history.values['val_loss'] ?? [];
      return { model, tokenizer, testAccuracy: accuracies[accuracies.length - 1]!, testLoss: losses[losses.length - 1]!, validationAccuracies: [...accuracies], bigramBuckets: buckets };
    }
    const evaluating = startStep(`Evaluating on ${test.texts.length} test reviews`, { quiet });
    const result = await evaluateInChunks(model, testData, loss, evaluating);
    evaluating.end(`accuracy ${(100 * result.accuracy).toFixed(2)}%`);
    return { model, tokenizer, testAccuracy: result.accuracy, testLoss: result.loss, validationAccuracies: [], bigramBuckets: buckets };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose([trainData.x, trainData.y, testData.x, testData.y]);
  }
}

/**
 * Test loss and accuracy over `data` in slices of 2,000 reviews, so that a long evaluation (25,000
 * reviews take about a minute) shows its progress; both are means, so the slices' means weighted
 * by their sizes equal the whole set's.
 *
 * @example
 * const { loss, accuracy } = await evaluateInChunks(model, testData, binaryCrossentropy(), startStep('Evaluating'));
 */
export async function evaluateInChunks(
  model: Sequential,
  data: { x: tf.Tensor2D; y: tf.Tensor2D },
  loss: ReturnType<typeof binaryCrossentropy>,
  step: Pick<Step, 'update'>,
  chunk = 2000,
): Promise<{ loss: number; accuracy: number }> {
  const total = data.x.shape[0];
  let lossSum = 0;
  let accuracySum = 0;
  for (let start = 0; start < total; start += chunk) {
    const size = Math.min(chunk, total - start);
    const slice = { x: tf.slice(data.x, [start, 0], [size, -1]), y: tf.slice(data.y, [start, 0], [size, -1]) };
    try {
      const result = await evaluate(model, slice, { loss, metrics: ['binaryAccuracy'], batchSize: 256 });
      lossSum += result.loss! * size;
      accuracySum += result.binaryAccuracy! * size;
    } finally {
      tf.dispose([slice.x, slice.y]);
    }
    step.update(start + size, total);
  }
  return { loss: lossSum / total, accuracy: accuracySum / total };
}

/** Saves the model and the tokenizer (atomically) where `score` looks for them. */
export async function saveArtifacts(
  outDir: string,
  kind: ModelKind,
  { model, tokenizer, bigramBuckets }: Pick<TrainResult, 'model' | 'tokenizer' | 'bigramBuckets'>,
  maxLength: number,
): Promise<{ modelPath: string; tokenizerPath: string }> {
  const paths = artifactPaths(outDir, kind);
  await mkdir(outDir, { recursive: true });
  await saveModel(model, paths.modelPath);
  await writeFileAtomic(paths.tokenizerPath, JSON.stringify({ maxLength, ...(bigramBuckets > 0 ? { bigramBuckets } : {}), tokenizer: tokenizer.toJSON() }));
  return paths;
}
