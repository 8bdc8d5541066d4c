import * as tf from '@tensorflow/tfjs-core';
import { checkGradients, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossentropy,
  binaryFocalCrossentropy,
  bprLoss,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  sampledSoftmaxLoss,
  sparseCategoricalCrossentropy,
  type Loss,
} from './index.js';

/** Loss summed over the batch and its gradient w.r.t. yPred, both read back as numbers. */
function valueAndGradient(loss: Loss, yTrue: tf.Tensor, yPred: tf.Tensor): { value: number; gradient: Float32Array } {
  return tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => tf.sum(loss.perSample(yTrue, x)) as tf.Scalar)(yPred);
    return { value: value.dataSync()[0]!, gradient: grad.dataSync() as Float32Array };
  });
}

const extremeBinary = tf.tensor2d([[1e4, -1e4], [-1e4, 1e4]]);
const extremeRows = tf.tensor2d([[1e4, -1e4, 0], [-1e4, 1e4, 5e3]]);

describe('logits of ±1e4 give finite losses and gradients', () => {
  it('binary cross-entropy: wrong answers cost |x| (softplus), right ones 0; gradient σ(x) - y', () => {
    // y = [[0, 1], [0, 1]]: row 0 is confidently wrong on both elements (1e4 each), row 1 right (0).
    const y = tf.tensor2d([[0, 1], [0, 1]]);
    const { value, gradient } = valueAndGradient(binaryCrossentropy({ fromLogits: true }), y, extremeBinary);
    expect(value).toBeCloseTo(1e4, 0); // row mean (1e4 + 1e4) / 2 + 0
    // d/dx of the row mean: (σ(x) - y) / 2 → [0.5, -0.5, 0, 0].
    expectTensorsClose(gradient, [0.5, -0.5, 0, 0], { atol: 1e-6 });
  });

  it('binary focal: finite value and gradient, zero gradient where confidently right', () => {
    const y = tf.tensor2d([[0, 1], [0, 1]]);
    const { value, gradient } = valueAndGradient(binaryFocalCrossentropy({ fromLogits: true, gamma: 2, alpha: 0.25 }), y, extremeBinary);
    // Wrong answers: (1 - p_t)^2 = 1, α_t 0.75 and 0.25, BCE 1e4: (0.75 + 0.25) * 1e4 / 2.
    expect(value).toBeCloseTo(5e3, 0);
    expect(Array.from(gradient).every(Number.isFinite)).toBe(true);
    expectTensorsClose(gradient.slice(2), [0, 0], { atol: 1e-6 });
  });

  it('categorical, sparse (float labels), categorical focal and sampled softmax: finite, gradient = softmax - y', () => {
    const labels = tf.tensor1d([1, 0]); // float labels are accepted
    const oneHot = tf.oneHot(tf.tensor1d([1, 0], 'int32'), 3);
    const softmaxMinusY = tf.sub(tf.softmax(extremeRows), oneHot);
    for (const [loss, yTrue] of [
      [categoricalCrossentropy({ fromLogits: true }), oneHot],
      [sparseCategoricalCrossentropy({ fromLogits: true }), labels],
      [sampledSoftmaxLoss(), labels],
    ] as const) {
      const { value, gradient } = valueAndGradient(loss, yTrue, extremeRows);
      // Row 0 wrong by 2e4, row 1 wrong by 2e4: 4e4 in total.
      expect(value, loss.name).toBeCloseTo(4e4, 0);
      expectTensorsClose(gradient, softmaxMinusY, { atol: 1e-6 });
    }
    const focal = valueAndGradient(categoricalFocalCrossentropy({ fromLogits: true }), oneHot, extremeRows);
    expect(focal.value).toBeCloseTo(0.25 * 4e4, 0);
    expect(Array.from(focal.gradient).every(Number.isFinite)).toBe(true);
  });

  it('BPR: softplus(-1e4) = 0 and softplus(1e4) = 1e4, gradient finite', () => {
    const { value, gradient } = valueAndGradient(bprLoss(), tf.zeros([2]), tf.tensor2d([[1e4, -1e4], [-1e4, 1e4]]));
    expect(value).toBeCloseTo(2e4, 0);
    // d/d[pos, neg] of softplus(neg - pos) = σ(neg - pos) * [-1, 1].
    expectTensorsClose(gradient, [0, 0, -1, 1], { atol: 1e-6 });
  });
});

describe('finite-difference gradient checks of the logits forms (checkGradients defaults: rtol 2e-2, atol 2e-3)', () => {
  const logits = tf.tensor2d([[0.3, -1.1, 0.8], [1.5, 0.2, -0.4]]);

  it('sparse categorical with label smoothing and class weights', () => {
    const loss = sparseCategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1, classWeights: [1, 2, 0.5] });
    expect(checkGradients((x) => tf.sum(loss.perSample(tf.tensor1d([2, 0], 'int32'), x!)), [logits]).checked).toBe(6);
  });

  it('categorical focal (gamma 2, per-class alpha)', () => {
    const loss = categoricalFocalCrossentropy({ fromLogits: true, gamma: 2, alpha: [0.2, 0.5, 0.3] });
    const targets = tf.tensor2d([[0, 0, 1], [1, 0, 0]]);
    expect(checkGradients((x) => tf.sum(loss.perSample(targets, x!)), [logits]).checked).toBe(6);
  });

  it('binary cross-entropy with label smoothing', () => {
    const loss = binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.2 });
    const targets = tf.tensor2d([[1, 0, 1], [0, 0, 1]]);
    expect(checkGradients((x) => tf.sum(loss.perSample(targets, x!)), [logits]).checked).toBe(6);
  });

  it('sampled softmax with log-q correction, [batch, candidates] logits', () => {
    const loss = sampledSoftmaxLoss({ logSamplingProbabilities: [Math.log(0.5), Math.log(0.3), Math.log(0.2)] });
    expect(checkGradients((x) => tf.sum(loss.perSample(tf.tensor1d([0, 1], 'int32'), x!)), [logits]).checked).toBe(6);
  });

  it('BPR from score differences', () => {
    expect(checkGradients((d) => tf.sum(bprLoss().perSample(tf.zeros([3]), d!)), [tf.tensor1d([-2, 0.1, 3])]).checked).toBe(3);
  });
});
