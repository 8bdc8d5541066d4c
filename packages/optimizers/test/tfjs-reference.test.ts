import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adagrad } from '../src/adagrad.js';
import { adam } from '../src/adam.js';
import { Optimizer } from '../src/optimizer.js';
import { rmsprop } from '../src/rmsprop.js';
import { sgd } from '../src/sgd.js';
import type { GradientTransformation } from '../src/types.js';

// Independent reference: tfjs-core's own tf.train optimizers on the cpu backend implement the
// same update rules. Ten steps on seeded random gradients must agree to float32 rounding.
const cases: [string, () => GradientTransformation, () => tf.Optimizer][] = [
  ['sgd', () => sgd({ learningRate: 0.1 }), () => tf.train.sgd(0.1)],
  ['momentum', () => sgd({ learningRate: 0.1, momentum: 0.9 }), () => tf.train.momentum(0.1, 0.9)],
  ['nesterov', () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), () => tf.train.momentum(0.1, 0.9, true)],
  ['adam', () => adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-7 }), () => tf.train.adam(0.01, 0.8, 0.99, 1e-7)],
  ['rmsprop', () => rmsprop({ learningRate: 0.01, decay: 0.9, epsilon: 1e-7 }), () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7)],
  // tfjs-core 4.22's centered RMSprop computes sqrt(ms - (mg^2 + epsilon)), subtracting epsilon
  // (rmsprop_optimizer.js, line 92), where optax and Keras add it; with epsilon 0 both agree.
  [
    'rmsprop centered + momentum',
    () => rmsprop({ learningRate: 0.01, decay: 0.9, epsilon: 0, centered: true, momentum: 0.5 }),
    () => tf.train.rmsprop(0.01, 0.9, 0.5, 0, true),
  ],
  ['adagrad', () => adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.1, epsilon: 1e-7 }), () => tf.train.adagrad(0.1, 0.1)],
];

describe.each(cases)('%s agrees with tf.train over 10 steps', (name, ours, theirs) => {
  it('same parameters after each step (atol 1e-6, rtol 1e-5)', () => {
    const start = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    const a = tf.variable(start, true, `ref-${name}/ours`);
    const b = tf.variable(start, true, `ref-${name}/tfjs`);
    const optimizer = new Optimizer(ours(), [a]);
    const reference = theirs();
    for (let step = 0; step < 10; step++) {
      const g = tf.randomNormal([3, 4], 0, 1, 'float32', 100 + step);
      optimizer.step({ [a.name]: g });
      reference.applyGradients({ [b.name]: g });
      g.dispose();
      const x = a.dataSync();
      const y = b.dataSync();
      y.forEach((expected, i) => {
        expect(Math.abs((x[i] as number) - expected)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(expected));
      });
    }
    optimizer.dispose();
    reference.dispose();
    tf.dispose([start, a, b]);
  });
});
