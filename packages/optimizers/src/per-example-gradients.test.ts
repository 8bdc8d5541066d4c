import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../test/helpers.js';
import { perExampleGradients } from './per-example-gradients.js';

describe('perExampleGradients', () => {
  it('stacks one gradient per example: d/dw 0.5 (w.x_i - y_i)^2 = (w.x_i - y_i) x_i', () => {
    const w = tf.variable(tf.tensor1d([1, -1]), true, 'pe/w');
    const b = tf.variable(tf.scalar(0.5), true, 'pe/b');
    const xs = [[1, 2], [3, 0]];
    const ys = [0, 1];
    const out = perExampleGradients(
      (i) =>
        tf.tidy(() => {
          const residual = tf.sub(tf.add(tf.sum(tf.mul(w, tf.tensor1d(xs[i] as number[]))), b), ys[i] as number);
          return tf.mul(0.5, tf.square(residual)) as tf.Scalar;
        }),
      [w, b],
      2,
    );
    // Example 0: residual = 1 - 2 + 0.5 - 0 = -0.5 -> dw = [-0.5, -1], db = -0.5
    // Example 1: residual = 3 - 0 + 0.5 - 1 = 2.5  -> dw = [7.5, 0],   db = 2.5
    expect(out['pe/w']?.shape).toEqual([2, 2]);
    expect(out['pe/b']?.shape).toEqual([2]);
    expectClose(Array.from(out['pe/w']?.dataSync() ?? []), [-0.5, -1, 7.5, 0]);
    expectClose(Array.from(out['pe/b']?.dataSync() ?? []), [-0.5, 2.5]);
    tf.dispose([...Object.values(out)]);
    // Leak check: only the returned tensors remain.
    expectNoLeakedTensors(() => {
      const again = perExampleGradients((i) => tf.tidy(() => tf.sum(tf.mul(w, i + 1)) as tf.Scalar), [w, b], 3);
      expectClose(Array.from(again['pe/b']?.dataSync() ?? []), [0, 0, 0]); // b unused: zero gradients
      tf.dispose(Object.values(again));
    });
    tf.dispose([w, b]);
  });

  it('rejects a non-positive batch size', () => {
    const w = tf.variable(tf.scalar(1), true, 'pe/w2');
    expect(() => perExampleGradients(() => tf.scalar(0), [w], 0)).toThrow(
      'Invalid value for `batchSize` in perExampleGradients. Expected a positive integer. Received: 0.',
    );
    w.dispose();
  });
});
