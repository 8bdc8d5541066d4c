// The README's "Quick start" code, run as a test so the documented example keeps working.
import * as tf from '@tensorflow/tfjs-core';
import { sgd } from '@loom-ml/optimizers';
import { expect, it } from 'vitest';
import { evaluate, fit, predict, type LossLike, type TrainableModel } from './index.js';

it('README quick start: fits y = 3x - 1 with a one-weight model', async () => {
  // --- README quick start begins ---
  const kernel = tf.variable(tf.zeros([1, 1]), true, 'line/kernel');
  const bias = tf.variable(tf.zeros([1]), true, 'line/bias');
  const line: TrainableModel = {
    name: 'line',
    trainableWeights: [kernel, bias],
    apply: (x) => tf.tidy(() => tf.add(tf.matMul(x as tf.Tensor2D, kernel), bias)),
    getWeights: () => [kernel, bias],
    setWeights: ([k, b]) => (kernel.assign(k!), bias.assign(b!)),
  };
  const squaredError: LossLike = {
    name: 'squaredError',
    perSample: (yTrue, yPred) => tf.tidy(() => tf.reshape(tf.square(tf.sub(yTrue, yPred)), [-1]) as tf.Tensor1D),
  };
  const x = tf.tensor2d([[-1], [0], [1], [2]]);
  const y = tf.tensor2d([[-4], [-1], [2], [5]]);
  const history = await fit(line, { x, y }, { loss: squaredError, optimizer: sgd({ learningRate: 0.1 }), epochs: 200, batchSize: 4, seed: 1 });
  const { loss } = await evaluate(line, { x, y }, { loss: squaredError });
  const xNew = tf.tensor2d([[10]]);
  const prediction = (await predict(line, xNew)) as tf.Tensor; // ~29
  // --- README quick start ends ---
  expect(history.values.loss).toHaveLength(200);
  expect(loss).toBeLessThan(1e-8);
  expect(prediction.dataSync()[0]).toBeCloseTo(29, 3);
  tf.dispose([kernel, bias, x, y, xNew, prediction]);
});
