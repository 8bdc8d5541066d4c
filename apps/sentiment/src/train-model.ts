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
  const tokenizer = new Tokenizer({ maxWords: options.maxWords }).fitOnTexts(train.texts);
  const trainData = toTensors(tokenizer, train.texts, train.labels, options.maxLength);
  const testData = toTensors(tokenizer, test.texts, test.labels, options.maxLength);
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
    const result = await evaluate(model, testData, { loss, metrics: ['binaryAccuracy'], batchSize: 256 });
    return { model, tokenizer, testAccuracy: result.binaryAccuracy!, testLoss: result.loss! };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose([trainData.x, trainData.y, testData.x, testData.y]);
  }
}

/** Saves the model and the tokenizer (atomically) where `score` looks for them. */
export async function saveArtifacts(outDir: string, kind: ModelKind, { model, tokenizer }: Pick<TrainResult, 'model' | 'tokenizer'>, maxLength: number): Promise<{ modelPath: string; tokenizerPath: string }> {
  const paths = artifactPaths(outDir, kind);
  await mkdir(outDir, { recursive: true });
  await saveModel(model, paths.modelPath);
  await writeFileAtomic(paths.tokenizerPath, JSON.stringify({ maxLength, tokenizer: tokenizer.toJSON() }));
  return paths;
}
