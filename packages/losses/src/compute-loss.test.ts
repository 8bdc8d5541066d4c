import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { computeLoss, getLoss, LOSS_NAMES, meanSquaredError } from './index.js';

const yTrue = tf.tensor1d([0, 0, 0, 0]);
const yPred = tf.tensor1d([1, 2, 3, 4]); // per-sample squared errors 1, 4, 9, 16

describe('computeLoss', () => {
  it('reduces as documented (hand-computed)', () => {
    const weights = tf.tensor1d([1, 0, 2, 1]);
    const loss = meanSquaredError();
    // weighted: 1, 0, 18, 16 -> sum 35; sum of weights 4; batch 4
    expectTensorsClose(computeLoss(loss, yTrue, yPred, { reduction: 'none', sampleWeight: weights }), [1, 0, 18, 16]);
    expectTensorsClose(computeLoss(loss, yTrue, yPred, { reduction: 'sum', sampleWeight: weights }), 35);
    expectTensorsClose(computeLoss(loss, yTrue, yPred, { reduction: 'mean', sampleWeight: weights }), 35 / 4);
    expectTensorsClose(computeLoss(loss, yTrue, yPred, { reduction: 'sumOverBatchSize', sampleWeight: tf.tensor1d([1, 0, 2, 3]) }), (1 + 18 + 48) / 4);
    expectTensorsClose(computeLoss(loss, yTrue, yPred), 30 / 4);
  });

  it('gives 0, not NaN, for all-zero weights under mean', () => {
    expectTensorsClose(computeLoss(meanSquaredError(), yTrue, yPred, { reduction: 'mean', sampleWeight: tf.zeros([4]) }), 0);
    expectTensorsClose(computeLoss(meanSquaredError(), yTrue, yPred, { reduction: 'sumOverBatchSize', sampleWeight: tf.zeros([4]) }), 0);
    expectTensorsClose(computeLoss(meanSquaredError(), yTrue, yPred, { reduction: 'none', sampleWeight: tf.zeros([4]) }), [0, 0, 0, 0]);
  });

  it('names bad reductions and weight counts', () => {
    expect(() => computeLoss(meanSquaredError(), yTrue, yPred, { reduction: 'avg' as never })).toThrow(/Invalid value for `reduction` in computeLoss/);
    expect(() => computeLoss(meanSquaredError(), yTrue, yPred, { sampleWeight: tf.ones([3]) })).toThrow(/Expected 4 weights \(one per sample\)\. Received: \[3\]/);
  });

  it('leaks nothing over many calls', () => {
    const loss = getLoss({ name: 'categoricalCrossentropy', config: { fromLogits: true } });
    const logits = tf.randomNormal([8, 5], 0, 1, 'float32', 1);
    const targets = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2], 'int32'), 5);
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 20; i++) computeLoss(loss, targets, logits, { reduction: 'mean' }).dispose();
    });
  });
});

describe('getLoss', () => {
  it('resolves every listed name and round-trips configs', () => {
    for (const name of LOSS_NAMES) expect(getLoss(name).perSample).toBeTypeOf('function');
    const original = getLoss({ name: 'binaryFocalCrossentropy', config: { gamma: 3, alpha: 0.3, fromLogits: true } });
    const copy = getLoss({ name: original.name, config: original.getConfig() });
    expect(copy.getConfig()).toEqual(original.getConfig());
    expect(getLoss('mse').name).toBe('meanSquaredError');
  });

  it('names unknown losses', () => {
    expect(() => getLoss('crossEntropy')).toThrow(/Invalid value for `loss` in getLoss\. Expected one of meanSquaredError/);
  });
});
