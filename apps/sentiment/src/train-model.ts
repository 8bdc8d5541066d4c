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
import { buildModel } from './models.js';
import type { ModelKind, TrainOptions } from './options.js';

export interface LabelledTexts {
  texts: string[];
  labels: ArrayLike<number>;
}

export interface TrainResult {
  model: Sequential;
  tokenizer: Tokenizer;
  testAccuracy: number;
  testLoss: number;
}

/** Where `score` finds what training saved. */
export function artifactPaths(outDir: string, model: ModelKind): { modelPath: string; tokenizerPath: string } {
  return { modelPath: join(outDir, `sentiment-${model}.loom`), tokenizerPath: join(outDir, `sentiment-${model}-tokenizer.json`) };
}

/**
 * Fits the tokenizer on the training texts, trains the model with binary cross-entropy and
 * Adam, and evaluates it on the test texts. The caller owns (and disposes) the returned model.
 */
export async function trainOnTexts(
  options: Pick<TrainOptions, 'model' | 'epochs' | 'batchSize' | 'learningRate' | 'maxLength' | 'maxWords' | 'seed'>,
  train: LabelledTexts,
  test: LabelledTexts,
  { callbacks = [], quiet = true }: { callbacks?: Callback[]; quiet?: boolean } = {},
): Promise<TrainResult> {
  const tokenizing = startStep('Fitting the tokenizer and encoding the reviews', { quiet });
  const tokenizer = new Tokenizer({ maxWords: options.maxWords }).fitOnTexts(train.texts);
  const trainData = toTensors(tokenizer, train.texts, train.labels, options.maxLength);
  const testData = toTensors(tokenizer, test.texts, test.labels, options.maxLength);
  tokenizing.end(`${tokenizer.vocabularySize} word ids`);
  const model = buildModel(options.model, { vocabularySize: tokenizer.vocabularySize, maxLength: options.maxLength }, options.seed);
  try {
    const loss = binaryCrossentropy();
    await fit(model, trainData, {
      loss,
      optimizer: adam({ learningRate: options.learningRate }),
      metrics: ['binaryAccuracy'],
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
      callbacks: [progressBar({ quiet }), ...callbacks],
    });
    const evaluating = startStep(`Evaluating on ${test.texts.length} test reviews`, { quiet });
    const result = await evaluateInChunks(model, testData, loss, evaluating);
    evaluating.end(`accuracy ${(100 * result.accuracy).toFixed(2)}%`);
    return { model, tokenizer, testAccuracy: result.accuracy, testLoss: result.loss };
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
export async function saveArtifacts(outDir: string, kind: ModelKind, { model, tokenizer }: Pick<TrainResult, 'model' | 'tokenizer'>, maxLength: number): Promise<{ modelPath: string; tokenizerPath: string }> {
  const paths = artifactPaths(outDir, kind);
  await mkdir(outDir, { recursive: true });
  await saveModel(model, paths.modelPath);
  await writeFileAtomic(paths.tokenizerPath, JSON.stringify({ maxLength, tokenizer: tokenizer.toJSON() }));
  return paths;
}
