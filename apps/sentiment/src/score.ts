import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { Tokenizer, type TokenizerJSON } from '@loom-ml/data';
import type { Sequential } from '@loom-ml/layers';
import { loadModel } from '@loom-ml/layers/node';
import { SEQUENCE_OPTIONS } from './data.js';

/** A trained model with the tokenizer and sequence length it was trained with. */
export interface Scorer {
  model: Sequential;
  tokenizer: Tokenizer;
  maxLength: number;
}

/** Loads what `saveArtifacts` wrote. */
export async function loadScorer(modelPath: string, tokenizerPath: string): Promise<Scorer> {
  const saved = JSON.parse(await readFile(tokenizerPath, 'utf8')) as { maxLength: number; tokenizer: TokenizerJSON };
  return { model: await loadModel(modelPath), tokenizer: Tokenizer.fromJSON(saved.tokenizer), maxLength: saved.maxLength };
}

/** Probability that each text is a positive review. */
export function positiveProbabilities({ model, tokenizer, maxLength }: Scorer, texts: string[]): number[] {
  const { values, shape } = tokenizer.textsToSequences(texts, { maxLength, ...SEQUENCE_OPTIONS });
  return tf.tidy(() => Array.from((model.apply(tf.tensor2d(values, shape, 'int32')) as tf.Tensor).dataSync()));
}
