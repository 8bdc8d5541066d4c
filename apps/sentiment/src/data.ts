import * as tf from '@tensorflow/tfjs-core';
import { Tokenizer } from '@loom-ml/data';

/** Padding and truncating both at the front: the model reads each review's last words last. */
export const SEQUENCE_OPTIONS = { padding: 'pre', truncating: 'pre' } as const;

/**
 * Id of the word pair (a, b) in a bigram model: one of `buckets` ids after the tokenizer's
 * `vocabularySize`, by hashing the two word ids (different pairs may share an id, as in fastText;
 * the hash mixes both ids, so pairs spread over all the buckets).
 */
export function bigramId(a: number, b: number, vocabularySize: number, buckets: number): number {
  // murmur3's 32-bit finaliser over the pair: every bit of a and b reaches every bit of h.
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return vocabularySize + ((h >>> 0) % buckets);
}

/**
 * Each review as ids: its last `maxLength` word ids, pre-padded with 0; with `bigramBuckets` > 0,
 * followed by `maxLength - 1` ids of its word pairs (`bigramId`, 0 where either word is padding
 * or unknown), so a row is `2 * maxLength - 1` ids. Models with a bigram part mask id 0.
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

/** Ids (int32; `encodeReviews`) and labels `[n, 1]` (float32, 1 = positive). */
export function toTensors(tokenizer: Tokenizer, texts: string[], labels: ArrayLike<number>, maxLength: number, bigramBuckets = 0): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const { values, shape } = encodeReviews(tokenizer, texts, maxLength, bigramBuckets);
  return { x: tf.tensor2d(values, shape, 'int32'), y: tf.tensor2d(Float32Array.from(labels), [labels.length, 1]) };
}
