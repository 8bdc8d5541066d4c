import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { averagePrecision, confusionMatrix, getMetric, ndcgAtK, rocAuc } from './index.js';

it('runs the README example', () => {
  expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75);
  expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.8333, 4);
  expect(confusionMatrix([0, 1, 1], [0, 0, 1], 2)).toEqual([[1, 0], [1, 1]]);
  expect(ndcgAtK([[3, 1, 7]], [new Set([1])], 3)).toBeCloseTo(1 / Math.log2(3));
  const accuracy = getMetric('accuracy');
  accuracy.update(tf.tensor1d([0, 2]), tf.tensor2d([[0.9, 0.1, 0], [0.2, 0.7, 0.1]]));
  expect(accuracy.result()).toBe(0.5);
});
