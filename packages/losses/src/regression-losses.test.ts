import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { computeLoss, cosineSimilarity, hinge, huber, klDivergence, meanAbsoluteError, meanSquaredError, squaredHinge } from './index.js';

const yTrue = tf.tensor2d([[1, 2, 3], [0, -1, 4]]);
const yPred = tf.tensor2d([[1.5, 2, 1], [0, 1, 4.5]]);

describe('regression losses against tfjs-core tf.losses (cpu) and hand-computed values', () => {
  it('MSE: per sample mean over outputs; equals tf.losses.meanSquaredError overall', () => {
    // sample 0: (0.25 + 0 + 4) / 3 = 1.41667; sample 1: (0 + 4 + 0.25) / 3 = 1.41667
    expectTensorsClose(meanSquaredError().perSample(yTrue, yPred), [4.25 / 3, 4.25 / 3], { rtol: 1e-6 });
    expectTensorsClose(computeLoss(meanSquaredError(), yTrue, yPred), tf.losses.meanSquaredError(yTrue, yPred), { rtol: 1e-6 });
  });

  it('MAE equals tf.losses.absoluteDifference', () => {
    expectTensorsClose(meanAbsoluteError().perSample(yTrue, yPred), [2.5 / 3, 2.5 / 3], { rtol: 1e-6 });
    expectTensorsClose(computeLoss(meanAbsoluteError(), yTrue, yPred), tf.losses.absoluteDifference(yTrue, yPred), { rtol: 1e-6 });
  });

  it('Huber equals tf.losses.huberLoss for delta 1 and 0.5', () => {
    for (const delta of [1, 0.5]) {
      expectTensorsClose(computeLoss(huber({ delta }), yTrue, yPred), tf.losses.huberLoss(yTrue, yPred, undefined, delta), { rtol: 1e-6 });
    }
    // Hand: |x| = 0.5 -> 0.125; |x| = 3 -> 1 * (3 - 0.5) = 2.5
    expectTensorsClose(huber({ delta: 1 }).perSample(tf.tensor1d([0, 0]), tf.tensor1d([0.5, 3])), [0.125, 2.5], { rtol: 1e-6 });
  });

  it('hinge with 0/1 labels equals tf.losses.hingeLoss; squared hinge squares the margin', () => {
    const labels = tf.tensor2d([[1, 0, 1, 0]]);
    const scores = tf.tensor2d([[0.3, -2, 2, 0.5]]);
    expectTensorsClose(computeLoss(hinge(), labels, scores), tf.losses.hingeLoss(labels, scores), { rtol: 1e-6 });
    // margins: 0.7, 0, 0, 1.5 -> squared mean (0.49 + 2.25) / 4
    expectTensorsClose(squaredHinge().perSample(labels, scores), [(0.49 + 2.25) / 4], { rtol: 1e-6 });
  });

  it('KL divergence: hand-computed, and 0 for identical distributions', () => {
    const expected = 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1);
    expectTensorsClose(klDivergence().perSample(tf.tensor2d([[0.5, 0.5], [0.2, 0.8]]), tf.tensor2d([[0.9, 0.1], [0.2, 0.8]])), [expected, 0], { atol: 1e-6 });
  });

  it('cosine similarity loss: -1 for aligned, 1 for opposite, 0 for orthogonal; equals tf.losses.cosineDistance - 1', () => {
    const a = tf.tensor2d([[1, 0], [1, 1], [0, 3]]);
    const b = tf.tensor2d([[2, 0], [-1, -1], [4, 0]]);
    expectTensorsClose(cosineSimilarity().perSample(a, b), [-1, 1, 0], { atol: 1e-6 });
    const unitA = tf.div(a, tf.norm(a, 'euclidean', 1, true));
    const unitB = tf.div(b, tf.norm(b, 'euclidean', 1, true));
    const reference = tf.losses.cosineDistance(unitA, unitB, 1, undefined, tf.Reduction.NONE);
    expectTensorsClose(cosineSimilarity().perSample(a, b), tf.sub(tf.reshape(reference, [-1]), 1), { atol: 1e-6 });
  });

  it('names mismatched shapes', () => {
    expect(() => meanSquaredError().perSample(tf.zeros([2, 3]), tf.zeros([2, 2]))).toThrow(/Invalid value for `yPred` in meanSquaredError\. Expected shape \[2, 3\] to match yTrue\. Received: \[2, 2\]/);
  });
});
