import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectTensorsClose } from './expect-tensors-close.js';

describe('expectTensorsClose', () => {
  it('accepts values within atol + rtol * |expected|', () => {
    const a = tf.tensor1d([1, 100, -3]);
    // 100.5 is within 0 + 1e-2 * 100 = 1 of 100; 1.0005 within 1e-3 of 1.
    expect(() => expectTensorsClose(a, [1.0005, 100.5, -3], { rtol: 1e-2, atol: 1e-3 })).not.toThrow();
    a.dispose();
  });

  it('rejects a value just outside the tolerance and names the worst index', () => {
    const a = tf.tensor1d([1, 2, 3]);
    expect(() => expectTensorsClose(a, [1, 2, 3.2], { rtol: 0, atol: 0.1 })).toThrow(
      /1 of 3 values differ.*flat index 2: expected 3\.2, received 3/,
    );
    a.dispose();
  });

  it('rejects a shape mismatch even when the values agree', () => {
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    expect(() => expectTensorsClose(a, [1, 2, 3, 4])).toThrow('Shape mismatch. Expected: [4]. Received: [2, 2].');
    a.dispose();
  });

  it('compares nested arrays and typed arrays', () => {
    expect(() => expectTensorsClose([[1, 2], [3, 4]], [[1, 2], [3, 4]])).not.toThrow();
    expect(() => expectTensorsClose(new Float32Array([0.1]), [0.1])).not.toThrow();
  });

  it('treats NaN as equal only to NaN and infinities exactly', () => {
    expect(() => expectTensorsClose([NaN, Infinity], [NaN, Infinity])).not.toThrow();
    expect(() => expectTensorsClose([NaN], [0])).toThrow(/1 of 1/);
    expect(() => expectTensorsClose([Infinity], [1e30], { rtol: 1 })).toThrow(/1 of 1/);
  });
});
