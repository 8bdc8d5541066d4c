import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, it } from 'vitest';
import { cosineSimilarity } from './index.js';

describe('cosineSimilarity against tfjs-core tf.losses (cpu) and hand-computed values', () => {
  it('cosine similarity loss: -1 for aligned, 1 for opposite, 0 for orthogonal; equals tf.losses.cosineDistance - 1', () => {
    const a = tf.tensor2d([[1, 0], [1, 1], [0, 3]]);
    const b = tf.tensor2d([[2, 0], [-1, -1], [4, 0]]);
    expectTensorsClose(cosineSimilarity().perSample(a, b), [-1, 1, 0], { atol: 1e-6 });
    const unitA = tf.div(a, tf.norm(a, 'euclidean', 1, true));
    const unitB = tf.div(b, tf.norm(b, 'euclidean', 1, true));
    const reference = tf.losses.cosineDistance(unitA, unitB, 1, undefined, tf.Reduction.NONE);
    expectTensorsClose(cosineSimilarity().perSample(a, b), tf.sub(tf.reshape(reference, [-1]), 1), { atol: 1e-6 });
  });

  it('gives 0 (not NaN) when a vector is all zeros', () => {
    expectTensorsClose(cosineSimilarity().perSample(tf.tensor2d([[0, 0]]), tf.tensor2d([[1, 2]])), [0], { atol: 0 });
  });
});
