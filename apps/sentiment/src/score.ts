import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { Tokenizer, type TokenizerJSON } from '@loom-ml/data';
import type { Sequential } from '@loom-ml/layers';
import { loadModel } from '@loom-ml/layers/node';
import { encodeReviews } from './data.js';

/** A trained model with the tokenizer and sequence length it was trained with. */
export interface Scorer {
  model: Sequential;
  tokenizer: Tokenizer;
  maxLength: number;
  /** Hashed word-pair ids the model reads after the words (`encodeReviews`); 0 or absent for word-only models. */
  bigramBuckets?: number;
}

/** Loads what `saveArtifacts` wrote. */
export async function loadScorer(modelPath: string, tokenizerPath: string): Promise<Scorer> {
  const saved = JSON.parse(await readFile(tokenizerPath, 'utf8')) as { maxLength: number; bigramBuckets?: number; tokenizer: TokenizerJSON };
  return { model: await loadModel(modelPath), tokenizer: Tokenizer.fromJSON(saved.tokenizer), maxLength: saved.maxLength, bigramBuckets: saved.bigramBuckets ?? 0 };
}

/** Probability that each text is a positive review. */
export function positiveProbabilities({ model, tokenizer, maxLength, bigramBuckets }: Scorer, texts: string[]): number[] {
  const { values, shape } = encodeReviews(tokenizer, texts, maxLength, bigramBuckets);
  return tf.tidy(() => Array.from((model.apply(tf.tensor2d(values, shape, 'int32')) as tf.Tensor).dataSync()));
}
