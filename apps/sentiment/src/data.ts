import * as tf from '@tensorflow/tfjs-core';
import { Tokenizer } from '@loom-ml/data';

/** Padding and truncating both at the front: the model reads each review's last words last. */
export const SEQUENCE_OPTIONS = { padding: 'pre', truncating: 'pre' } as const;

/** Ids `[n, maxLength]` (int32) and labels `[n, 1]` (float32, 1 = positive). */
export function toTensors(tokenizer: Tokenizer, texts: string[], labels: ArrayLike<number>, maxLength: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const { values, shape } = tokenizer.textsToSequences(texts, { maxLength, ...SEQUENCE_OPTIONS });
  return { x: tf.tensor2d(values, shape, 'int32'), y: tf.tensor2d(Float32Array.from(labels), [labels.length, 1]) };
}
