import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { meanSquaredError, mlp } from '../test/doubles.js';
import { batchSampleWeights, validateClassWeight } from './sample-weights.js';
import { evaluate } from './index.js';

describe('sample and class weights', () => {
  it('maps index labels, [batch, 1] labels and one-hot rows to class weights; missing classes weigh 1', () => {
    const classWeight = { 0: 0.5, 2: 3 };
    const indices = tf.tensor1d([0, 1, 2, 2, 5]);
    const column = tf.tensor2d([[0], [1], [2], [2], [5]]);
    const oneHot = tf.oneHot(tf.tensor1d([0, 1, 2, 2, 3], 'int32'), 4);
    const expected = [0.5, 1, 3, 3, 1];
    for (const y of [indices, column, oneHot]) {
      const weights = batchSampleWeights(y, undefined, classWeight)!;
      expect(Array.from(weights.dataSync())).toEqual(expected);
      weights.dispose();
    }
    const sampleWeight = tf.tensor1d([2, 2, 2, 0, 1]);
    const combined = batchSampleWeights(indices, sampleWeight, classWeight)!;
    expect(Array.from(combined.dataSync())).toEqual([1, 2, 6, 0, 1]);
    expect(batchSampleWeights(indices, undefined, undefined)).toBeUndefined();
    tf.dispose([indices, column, oneHot, sampleWeight, combined]);
  });

  it('evaluate weighs the loss as sum(w * loss) / samples (hand-computed)', async () => {
    // A 1-1 model with weight w and bias 0: prediction w * x. Set w = 1 so errors are y - x.
    const model = mlp([1, 1]);
    model.setWeights([tf.tensor2d([[1]]), tf.tensor1d([0])]);
    const x = tf.tensor2d([[0], [0], [0]]);
    const y = tf.tensor2d([[0], [1], [2]]); // squared errors 0, 1, 4
    const { loss } = await evaluate(model, { x, y }, { loss: meanSquaredError, classWeight: { 1: 2, 2: 0.5 } });
    expect(loss).toBeCloseTo((0 * 1 + 1 * 2 + 4 * 0.5) / 3, 6);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('validates class weights', () => {
    expect(() => validateClassWeight({ a: 1 }, 'fit')).toThrow("Invalid value for `classWeight` in fit. Expected non-negative integer class indices as keys. Received: 'a'.");
    expect(() => validateClassWeight({ 1: -2 }, 'fit')).toThrow('Invalid value for `classWeight[1]` in fit. Expected a non-negative finite number. Received: -2.');
  });
});
