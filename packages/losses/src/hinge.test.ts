import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, it } from 'vitest';
import { computeLoss, hinge, squaredHinge } from './index.js';

describe('hinge and squaredHinge against tfjs-core tf.losses (cpu) and hand-computed values', () => {
  it('hinge with 0/1 labels equals tf.losses.hingeLoss; squared hinge squares the margin', () => {
    const labels = tf.tensor2d([[1, 0, 1, 0]]);
    const scores = tf.tensor2d([[0.3, -2, 2, 0.5]]);
    expectTensorsClose(computeLoss(hinge(), labels, scores), tf.losses.hingeLoss(labels, scores), { rtol: 1e-6 });
    // margins: 0.7, 0, 0, 1.5 -> squared mean (0.49 + 2.25) / 4
    expectTensorsClose(squaredHinge().perSample(labels, scores), [(0.49 + 2.25) / 4], { rtol: 1e-6 });
  });
});
