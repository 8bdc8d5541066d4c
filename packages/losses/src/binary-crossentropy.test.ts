import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { binaryCrossentropy, binaryFocalCrossentropy, categoricalCrossentropy, categoricalFocalCrossentropy, computeLoss } from './index.js';

const logits = tf.tensor2d([[2, -1, 0.5], [-0.3, 0.8, 3], [1, 1, 1]]);
const oneHot = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
const labels = tf.tensor1d([0, 1, 2], 'int32');

describe('binary cross-entropy', () => {
  const y = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
  const x = tf.tensor2d([[2.5, -1], [30, -30], [0, 0.7]]);

  it('from logits equals tf.losses.sigmoidCrossEntropy; from probabilities agrees where not clipped', () => {
    expectTensorsClose(computeLoss(binaryCrossentropy({ fromLogits: true }), y, x), tf.losses.sigmoidCrossEntropy(y, x), { rtol: 1e-5 });
    const mild = tf.tensor2d([[2.5, -1], [0.3, -0.2]]);
    const yMild = tf.tensor2d([[1, 0], [0, 1]]);
    expectTensorsClose(binaryCrossentropy().perSample(yMild, tf.sigmoid(mild)), binaryCrossentropy({ fromLogits: true }).perSample(yMild, mild), { rtol: 1e-5 });
  });

  it('hand-computed: softplus(-2.5) and softplus(-1) for a confident right and a mild right answer', () => {
    const values = binaryCrossentropy({ fromLogits: true }).perSample(tf.tensor1d([1, 0]), tf.tensor1d([2.5, -1])).dataSync();
    expect(values[0]).toBeCloseTo(Math.log1p(Math.exp(-2.5)), 6);
    expect(values[1]).toBeCloseTo(Math.log1p(Math.exp(-1)), 6);
  });

  it('clips probabilities: a predicted 0 for a positive costs -log(1e-7)', () => {
    expect(binaryCrossentropy().perSample(tf.tensor1d([1]), tf.tensor1d([0])).dataSync()[0]).toBeCloseTo(-Math.log(1e-7), 3);
  });

  it('focal with gamma 0 and no alpha is plain binary cross-entropy; gamma 2 down-weights easy examples', () => {
    const focal0 = binaryFocalCrossentropy({ gamma: 0, fromLogits: true }).perSample(y, x);
    expectTensorsClose(focal0, binaryCrossentropy({ fromLogits: true }).perSample(y, x), { rtol: 1e-5 });
    // Hand: y=1, x=2 -> p=σ(2), BCE=softplus(-2), (1-p)^2 * BCE, alpha 0.25 for the positive.
    const p = 1 / (1 + Math.exp(-2));
    const expected = 0.25 * (1 - p) ** 2 * Math.log1p(Math.exp(-2));
    const value = binaryFocalCrossentropy({ gamma: 2, alpha: 0.25, fromLogits: true }).perSample(tf.tensor1d([1]), tf.tensor1d([2])).dataSync()[0];
    expect(value).toBeCloseTo(expected, 6);
  });

  it('categorical focal with gamma 0 and alpha 1 equals categorical cross-entropy', () => {
    const focal = categoricalFocalCrossentropy({ gamma: 0, alpha: 1, fromLogits: true });
    expectTensorsClose(focal.perSample(oneHot, logits), categoricalCrossentropy({ fromLogits: true }).perSample(oneHot, logits), { rtol: 1e-5 });
  });

  it('passes a finite-difference gradient check for focal loss from logits', () => {
    const loss = binaryFocalCrossentropy({ gamma: 2, alpha: 0.25, fromLogits: true });
    const inputs = tf.tensor2d([[0.4, -1.2], [2, 0.1]]);
    const targets = tf.tensor2d([[1, 0], [0, 1]]);
    expect(checkGradients((z) => tf.sum(loss.perSample(targets, z!)), [inputs], { epsilon: 1e-2 }).checked).toBe(4);
  });
});
