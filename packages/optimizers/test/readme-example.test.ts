import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Optimizer, adamw, chain, clipByGlobalNorm, decayMatricesOnly, warmupCosineDecaySchedule } from '../src/index.js';

// The README example's training loop (with the loss written out), checked: the loss falls tenfold,
// nothing leaks, the state round-trips through JSON. tools/readme-examples runs the README block
// itself as a user would, from the packed packages.
describe('README example', () => {
  it('fits a linear model and round-trips the optimizer state through JSON', async () => {
    const kernel = tf.variable(tf.randomNormal([3, 1], 0, 0.1, 'float32', 1), true, 'readme/kernel');
    const bias = tf.variable(tf.zeros([1]), true, 'readme/bias');
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const y = tf.tensor2d([[1], [2]]);
    const learningRate = warmupCosineDecaySchedule({ peakValue: 1e-2, warmupSteps: 10, decaySteps: 200 });
    const optimizer = new Optimizer(chain(clipByGlobalNorm(1), adamw({ learningRate, weightDecay: 1e-2, mask: decayMatricesOnly })), [
      kernel,
      bias,
    ]);
    const loss = (): tf.Scalar => tf.mean(tf.square(tf.sub(y, tf.add(tf.matMul(x, kernel), bias))));
    const initial = tf.tidy(() => loss().dataSync()[0] as number);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 200; step++) {
      const { value, grads } = tf.variableGrads(loss);
      optimizer.step(grads);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    const final = tf.tidy(() => loss().dataSync()[0] as number);
    expect(final).toBeLessThan(initial / 10);
    const checkpoint = JSON.stringify(await optimizer.getState());
    optimizer.setState(JSON.parse(checkpoint));
    expect(optimizer.stepCount).toBe(200);
    optimizer.dispose();
    tf.dispose([kernel, bias, x, y]);
  });
});
