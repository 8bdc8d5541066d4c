import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { categoricalCrossentropy, computeLoss, sparseCategoricalCrossentropy } from './index.js';

const logits = tf.tensor2d([[2, -1, 0.5], [-0.3, 0.8, 3], [1, 1, 1]]);
const oneHot = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
const labels = tf.tensor1d([0, 1, 2], 'int32');

describe('categorical cross-entropy', () => {
  it('from logits equals tf.losses.softmaxCrossEntropy (cpu), and from probabilities gives the same', () => {
    const reference = tf.losses.softmaxCrossEntropy(oneHot, logits);
    expectTensorsClose(computeLoss(categoricalCrossentropy({ fromLogits: true }), oneHot, logits), reference, { rtol: 1e-5 });
    expectTensorsClose(computeLoss(categoricalCrossentropy(), oneHot, tf.softmax(logits)), reference, { rtol: 1e-5 });
  });

  it('sparse labels give the same per-sample values as one-hot targets', () => {
    const loss = sparseCategoricalCrossentropy({ fromLogits: true });
    expectTensorsClose(loss.perSample(labels, logits), categoricalCrossentropy({ fromLogits: true }).perSample(oneHot, logits), { rtol: 1e-6 });
    // Hand-computed for row 2 (uniform logits): -log(1/3)
    expect(loss.perSample(labels, logits).dataSync()[2]).toBeCloseTo(Math.log(3), 5);
  });

  it('label smoothing matches tf.losses.softmaxCrossEntropy with labelSmoothing', () => {
    const reference = tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, 0.1);
    expectTensorsClose(computeLoss(categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), oneHot, logits), reference, { rtol: 1e-5 });
  });

  it('stays finite with logits of ±1e4 and its gradient is softmax - y', () => {
    const extreme = tf.tensor2d([[1e4, -1e4, 0]]);
    const target = tf.tensor2d([[0, 1, 0]]);
    const loss = categoricalCrossentropy({ fromLogits: true });
    const value = loss.perSample(target, extreme).dataSync()[0]!;
    expect(value).toBeCloseTo(2e4, 0);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(loss.perSample(target, x)))(extreme);
    expectTensorsClose(grad, tf.sub(tf.softmax(extreme), target), { atol: 1e-6 });
  });

  it('passes a finite-difference gradient check from logits', () => {
    const loss = categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.05 });
    const result = checkGradients((x) => tf.sum(loss.perSample(oneHot, x!)), [logits], { epsilon: 1e-2 });
    expect(result.checked).toBe(9);
  });

  it('class weights scale each sample by its class weight', () => {
    const plain = categoricalCrossentropy({ fromLogits: true }).perSample(oneHot, logits).dataSync();
    const weighted = categoricalCrossentropy({ fromLogits: true, classWeights: [2, 1, 0.5] }).perSample(oneHot, logits).dataSync();
    expect(weighted[0]).toBeCloseTo(2 * plain[0]!, 5);
    expect(weighted[1]).toBeCloseTo(plain[1]!, 5);
    expect(weighted[2]).toBeCloseTo(0.5 * plain[2]!, 5);
  });

  it('names out-of-range sparse labels', () => {
    expect(() => sparseCategoricalCrossentropy().perSample(tf.tensor1d([0, 3, 1]), tf.softmax(logits))).toThrow(
      /Invalid value for `yTrue` in sparseCategoricalCrossentropy\. Expected integer class indices in \[0, 3\)\. Received: '3 at flat index 1'/,
    );
  });

  it('sparse labels may be int32 or float, shape [batch] or [batch, 1]', () => {
    const loss = sparseCategoricalCrossentropy({ fromLogits: true });
    const reference = loss.perSample(labels, logits);
    expectTensorsClose(loss.perSample(tf.tensor2d([[0], [1], [2]], [3, 1], 'int32'), logits), reference, { rtol: 0 });
    expectTensorsClose(loss.perSample(tf.tensor1d([0, 1, 2], 'float32'), logits), reference, { rtol: 0 });
    expect(() => loss.perSample(tf.tensor1d([0, 1]), logits)).toThrow(
      "Invalid value for `yTrue` in sparseCategoricalCrossentropy. Expected integer labels of shape [3] (yPred's shape without its class axis). Received: [2].",
    );
  });

  it('names the loss and both shapes when they disagree', () => {
    expect(() => categoricalCrossentropy().perSample(tf.zeros([32, 10]), tf.zeros([32, 9]))).toThrow(
      'Invalid value for `yPred` in categoricalCrossentropy. Expected shape [32, 10] to match yTrue. Received: [32, 9].',
    );
  });
});
