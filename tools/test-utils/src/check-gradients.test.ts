import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradients } from './check-gradients.js';
import { expectNoLeakedTensors } from './expect-no-leaked-tensors.js';

describe('checkGradients', () => {
  it('agrees with the hand-computed gradient of sum(x^3) (3x^2)', () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const result = checkGradients((v) => tf.sum(tf.pow(v, 3)), [x], { epsilon: 1e-2, rtol: 1e-2, atol: 1e-3 });
    expect(result.checked).toBe(3);
    // Central differences on x^3 have truncation error h^2 = 1e-4 per element.
    expect(result.maxAbsError).toBeLessThan(5e-3);
    x.dispose();
  });

  it('checks several inputs (matMul) without leaking', () => {
    const a = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    const b = tf.randomNormal([4, 2], 0, 1, 'float32', 2);
    expectNoLeakedTensors(() => checkGradients((p, q) => tf.sum(tf.square(tf.matMul(p, q))), [a, b]));
    tf.dispose([a, b]);
  });

  it('detects a wrong gradient', () => {
    // customGrad with a deliberately wrong derivative (2x instead of 3x^2).
    const wrongCube = tf.customGrad((x) => {
      const input = x as tf.Tensor;
      return { value: tf.pow(input, 3), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.mul(input, 2)) };
    });
    const x = tf.tensor1d([2, 3]);
    expect(() => checkGradients((v) => tf.sum(wrongCube(v) as tf.Tensor), [x])).toThrow(
      /Gradient check failed for 2 of 2 elements/,
    );
    x.dispose();
  });

  it('samples a fixed subset of large inputs', () => {
    const x = tf.randomUniform([1000], -1, 1, 'float32', 3);
    const result = checkGradients((v) => tf.sum(tf.mul(v, v)), [x], { maxElementsPerInput: 10 });
    expect(result.checked).toBe(10);
    x.dispose();
  });
});
