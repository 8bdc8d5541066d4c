import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { avgPool1d, maxPool1d } from '../../index.js';

describe('1D pooling', () => {
  // Hand-computed windows over steps [1, 5, 2, 4, 3, 0] (one channel), pool 2, stride 2.
  it('takes the max and the mean of each window (exact in float32)', () => {
    const x = tf.tensor3d([1, 5, 2, 4, 3, 0], [1, 6, 1]);
    const max = maxPool1d({ poolSize: 2 }).apply(x) as tf.Tensor;
    const avg = avgPool1d({ poolSize: 2 }).apply(x) as tf.Tensor;
    expect(max.shape).toEqual([1, 3, 1]);
    expect(Array.from(max.dataSync())).toEqual([5, 4, 3]);
    expect(Array.from(avg.dataSync())).toEqual([3, 3, 1.5]);
    tf.dispose([x, max, avg]);
  });

  // Edge windows average only the in-bounds steps (Keras/tfjs semantics): [1,5,2] -> [3, 8/3, 3.5].
  it("averages only in-bounds steps with 'same' padding", () => {
    const x = tf.tensor3d([1, 5, 2], [1, 3, 1]);
    const avg = avgPool1d({ poolSize: 3, strides: 1, padding: 'same' }).apply(x) as tf.Tensor;
    const values = Array.from(avg.dataSync());
    [3, 8 / 3, 3.5].forEach((expected, i) => expect(values[i]).toBeCloseTo(expected, 5));
    tf.dispose([x, avg]);
  });

  it('rejects an input of the wrong rank, naming the layer', () => {
    const layer = maxPool1d({ poolSize: 2, name: 'pool_a' });
    const x = tf.zeros([2, 4]);
    expect(() => layer.apply(x)).toThrow("MaxPool1D 'pool_a' expected input of rank 3 [batch, steps, channels], received shape [null,4].");
    x.dispose();
  });

  it('rejects a bad pool size', () => {
    expect(() => maxPool1d({ poolSize: 0, name: 'pool_b' })).toThrow(
      "Invalid value for `poolSize` in MaxPool1D 'pool_b'. Expected a positive integer or 1 positive integers. Received: 0.",
    );
  });
});
