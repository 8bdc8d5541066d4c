import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, it } from 'vitest';
import { computeLoss, meanAbsoluteError } from './index.js';

const yTrue = tf.tensor2d([[1, 2, 3], [0, -1, 4]]);
const yPred = tf.tensor2d([[1.5, 2, 1], [0, 1, 4.5]]);

describe('meanAbsoluteError against tfjs-core tf.losses (cpu) and hand-computed values', () => {
  it('MAE equals tf.losses.absoluteDifference', () => {
    expectTensorsClose(meanAbsoluteError().perSample(yTrue, yPred), [2.5 / 3, 2.5 / 3], { rtol: 1e-6 });
    expectTensorsClose(computeLoss(meanAbsoluteError(), yTrue, yPred), tf.losses.absoluteDifference(yTrue, yPred), { rtol: 1e-6 });
  });
});
