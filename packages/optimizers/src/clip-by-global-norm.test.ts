import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, runUpdates } from '../test/helpers.js';
import { clipByGlobalNorm, globalNorm } from './clip-by-global-norm.js';
import { clipByValue } from './clip-by-value.js';

describe('clipByGlobalNorm', () => {
  it('rescales by maxNorm / norm when the global norm is larger', () => {
    // Global norm of {a: [3, 4], b: [12]} = sqrt(9 + 16 + 144) = 13; factor 2/13.
    const [u] = runUpdates(clipByGlobalNorm(2), { a: [0, 0], b: [0] }, [{ a: [3, 4], b: [12] }]);
    expectClose(u?.a, [6 / 13, 8 / 13]);
    expectClose(u?.b, [24 / 13]);
  });

  it('leaves updates unchanged at or below the threshold, and zero gradients as zeros', () => {
    const [u] = runUpdates(clipByGlobalNorm(5), { a: [0, 0] }, [{ a: [3, 4] }]);
    expectClose(u?.a, [3, 4], 0, 0);
    const [z] = runUpdates(clipByGlobalNorm(1), { a: [0, 0] }, [{ a: [0, 0] }]);
    expectClose(z?.a, [0, 0], 0, 0);
  });

  it('globalNorm is sqrt of the summed squares of every entry', () => {
    const tree = { a: tf.tensor1d([3, 4]), b: tf.tensor2d([[12]]) };
    const norm = globalNorm(tree);
    expect(norm.dataSync()[0]).toBeCloseTo(13, 5);
    tf.dispose([norm, ...Object.values(tree)]);
  });

  it('rejects a non-positive maxNorm', () => {
    expect(() => clipByGlobalNorm(0)).toThrow('Invalid value for `maxNorm` in clipByGlobalNorm. Expected a positive number. Received: 0.');
  });
});

describe('clipByValue', () => {
  it('clips each element to [-maxDelta, maxDelta]', () => {
    const [u] = runUpdates(clipByValue(1), { a: [0, 0, 0] }, [{ a: [-3, 0.5, 2] }]);
    expectClose(u?.a, [-1, 0.5, 1], 0, 0);
  });
});
