import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { bprLoss, sampledSoftmaxLoss } from './index.js';

describe('ranking losses', () => {
  it('BPR is softplus(negative - positive): hand-computed and finite for huge margins', () => {
    const values = bprLoss().perSample(tf.zeros([3]), tf.tensor2d([[2, 0], [0, 0], [-1e4, 1e4]])).dataSync();
    expect(values[0]).toBeCloseTo(Math.log1p(Math.exp(-2)), 6);
    expect(values[1]).toBeCloseTo(Math.log(2), 6);
    expect(values[2]).toBeCloseTo(2e4, 0);
  });

  it('BPR gradient matches finite differences', () => {
    const scores = tf.tensor2d([[0.3, -0.2], [1, 1.5]]);
    expect(checkGradients((s) => tf.sum(bprLoss().perSample(tf.zeros([2]), s!)), [scores]).checked).toBe(4);
  });

  it('sampled softmax with in-batch negatives is cross-entropy on the diagonal (hand-computed)', () => {
    const logits = tf.tensor2d([[3, 1], [0, 2]]);
    const values = sampledSoftmaxLoss().perSample(tf.tensor1d([0, 1], 'int32'), logits).dataSync();
    expect(values[0]).toBeCloseTo(-Math.log(Math.exp(3) / (Math.exp(3) + Math.exp(1))), 6);
    expect(values[1]).toBeCloseTo(-Math.log(Math.exp(2) / (1 + Math.exp(2))), 6);
  });

  it('log-q correction subtracts each candidate\'s log sampling probability', () => {
    const logits = tf.tensor2d([[3, 1], [0, 2]]);
    const logQ = [Math.log(0.8), Math.log(0.2)];
    const corrected = sampledSoftmaxLoss({ logSamplingProbabilities: logQ }).perSample(tf.tensor1d([0, 1], 'int32'), logits);
    const manual = sampledSoftmaxLoss().perSample(tf.tensor1d([0, 1], 'int32'), tf.sub(logits, tf.tensor1d(logQ)));
    expectTensorsClose(corrected, manual, { rtol: 1e-6 });
    expect(() => sampledSoftmaxLoss({ logSamplingProbabilities: [-0.5] }).perSample(tf.tensor1d([0, 1]), logits)).toThrow(/2 values \(one per candidate column\)/);
  });

  it('rejects BPR scores that are not [batch, 2]', () => {
    expect(() => bprLoss().perSample(tf.zeros([2]), tf.zeros([2, 3]))).toThrow(/Invalid value for `yPred` in bprLoss\. Expected scores of shape \[batch, 2\]/);
  });

  it('BPR from [batch] score differences equals the [batch, 2] pair form', () => {
    const pairs = tf.tensor2d([[2, 0], [0.5, 1.5], [-3, 1]]);
    const differences = tf.tensor1d([2, -1, -4]); // positive - negative per row
    expectTensorsClose(bprLoss().perSample(tf.zeros([3]), differences), bprLoss().perSample(tf.zeros([3]), pairs), { rtol: 1e-6 });
  });

  it('log-q correction, hand-computed: p(positive) = (e^3 / 0.8) / (e^3 / 0.8 + e^1 / 0.2)', () => {
    const logQ = [Math.log(0.8), Math.log(0.2)];
    const value = sampledSoftmaxLoss({ logSamplingProbabilities: logQ }).perSample(tf.tensor1d([0]), tf.tensor2d([[3, 1]])).dataSync()[0];
    const positive = Math.exp(3) / 0.8;
    expect(value).toBeCloseTo(-Math.log(positive / (positive + Math.exp(1) / 0.2)), 5);
  });

  it('sampled softmax over [batch, candidates] with float labels (extra sampled negatives), hand-computed', () => {
    // Row 0: positive in column 2 of [0, 1, 2, 0]; row 1: column 0 of [1, 1, 1, 1] → log 4.
    const logits = tf.tensor2d([[0, 1, 2, 0], [1, 1, 1, 1]]);
    const values = sampledSoftmaxLoss().perSample(tf.tensor1d([2, 0]), logits);
    const row0 = -2 + Math.log(1 + Math.E + Math.exp(2) + 1);
    expectTensorsClose(values, [row0, Math.log(4)], { atol: 1e-5 });
  });

  it('names an out-of-range or fractional positive column', () => {
    const logits = tf.zeros([2, 3]);
    expect(() => sampledSoftmaxLoss().perSample(tf.tensor1d([0, 3]), logits)).toThrow(
      "Invalid value for `yTrue` in sampledSoftmaxLoss. Expected integer column indices in [0, 3). Received: '3 at row 1'.",
    );
    expect(() => sampledSoftmaxLoss().perSample(tf.tensor1d([0.5, 1]), logits)).toThrow(/Received: '0.5 at row 0'/);
  });
});
