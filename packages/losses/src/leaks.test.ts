import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { expect, it } from 'vitest';
import { computeLoss, getLoss, LOSS_NAMES, type Reduction } from './index.js';

/** Valid (yTrue, yPred) for each loss: batch 3, 4 classes or outputs. */
function inputsFor(name: string): [tf.Tensor, tf.Tensor] {
  const scores = tf.tensor2d([[0.1, 0.6, 0.2, 0.1], [0.3, 0.3, 0.2, 0.2], [0.05, 0.05, 0.8, 0.1]]);
  if (name === 'sparseCategoricalCrossentropy' || name === 'sampledSoftmaxLoss') return [tf.tensor1d([1, 0, 2], 'int32'), scores];
  if (name === 'bprLoss') return [tf.zeros([3]), tf.tensor2d([[1, 0], [0.2, 0.5], [3, -1]])];
  // Teacher logits, then the class label.
  if (name === 'distillationLoss') return [tf.tensor2d([[1, 2, 0, -1, 1], [0, 0, 3, 1, 2], [2, -2, 0, 0, 0]]), scores];
  return [tf.oneHot(tf.tensor1d([1, 0, 2], 'int32'), 4), scores];
}

it('no loss leaks tensors through perSample or computeLoss under any reduction', () => {
  const reductions: Reduction[] = ['mean', 'sum', 'none', 'sumOverBatchSize'];
  for (const name of LOSS_NAMES) {
    const loss = getLoss(name);
    const [yTrue, yPred] = inputsFor(loss.name);
    const sampleWeight = tf.tensor1d([1, 0.5, 2]);
    expectNoLeakedTensors(() => {
      for (let step = 0; step < 5; step++) {
        loss.perSample(yTrue, yPred).dispose();
        for (const reduction of reductions) computeLoss(loss, yTrue, yPred, { reduction, sampleWeight }).dispose();
      }
    }, name);
    // Errors thrown mid-computation must not leak either.
    const [badTrue, badPred] = [tf.zeros([3, 4, 5]), tf.zeros([3, 4])];
    expectNoLeakedTensors(() => expect(() => loss.perSample(badTrue, badPred).dispose()).toThrow(/Invalid value for `\w+` in \w+\./), `${name} (error)`);
    tf.dispose([yTrue, yPred, sampleWeight, badTrue, badPred]);
  }
});

it('every named loss round-trips its configured options through getConfig and getLoss', () => {
  const configured = [
    getLoss({ name: 'huber', config: { delta: 0.5 } }),
    getLoss({ name: 'binaryCrossentropy', config: { fromLogits: true, labelSmoothing: 0.1, classWeights: [1, 2] } }),
    getLoss({ name: 'categoricalCrossentropy', config: { fromLogits: true, labelSmoothing: 0.2, classWeights: { 3: 2 } } }),
    getLoss({ name: 'sparseCategoricalCrossentropy', config: { fromLogits: true, classWeights: [1, 1, 2, 1] } }),
    getLoss({ name: 'binaryFocalCrossentropy', config: { gamma: 1.5, alpha: 0.3, fromLogits: true } }),
    getLoss({ name: 'categoricalFocalCrossentropy', config: { gamma: 1, alpha: [0.1, 0.2, 0.3, 0.4] } }),
    getLoss({ name: 'sampledSoftmaxLoss', config: { logSamplingProbabilities: [-1, -2, -1.5, -1] } }),
    ...LOSS_NAMES.map((name) => getLoss(name)),
  ];
  for (const loss of configured) {
    const saved = JSON.parse(JSON.stringify({ name: loss.name, config: loss.getConfig() }));
    const copy = getLoss(saved);
    expect(copy.name).toBe(loss.name);
    expect(copy.getConfig()).toEqual(loss.getConfig());
    const [yTrue, yPred] = inputsFor(loss.name);
    const original = loss.perSample(yTrue, yPred);
    const restored = copy.perSample(yTrue, yPred);
    expect(Array.from(restored.dataSync()), loss.name).toEqual(Array.from(original.dataSync()));
    tf.dispose([yTrue, yPred, original, restored]);
  }
});
