import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { expect, it } from 'vitest';
import { bprLoss } from './bpr-loss.js';

it('equals −log σ(positive − negative), hand-computed (tolerance 1e-6)', () => {
  const positive = tf.tensor1d([2, 0, -1, 0.5]);
  const negative = tf.tensor1d([0, 0, 1, 0.5]);
  const expected = [2, 0, -2, 0].map((gap) => -Math.log(1 / (1 + Math.exp(-gap))));
  const loss = bprLoss(positive, negative);
  expectTensorsClose(loss, tf.tensor1d(expected), { atol: 1e-6, rtol: 0 });
  tf.dispose([positive, negative, loss]);
});

it('stays finite for large gaps: ≈ gap when the negative wins by far, ≈ 0 the other way', () => {
  const loss = bprLoss(tf.tensor1d([0, 100]), tf.tensor1d([100, 0]));
  const [bad, good] = loss.dataSync();
  expect(bad).toBeCloseTo(100, 4);
  expect(good).toBeLessThan(1e-30 + 1e-6);
  expect(good).toBeGreaterThanOrEqual(0);
  loss.dispose();
});

it('disposes its intermediates', () => {
  const positive = tf.tensor1d([1, 2]);
  const negative = tf.tensor1d([0, 3]);
  const loss = expectNoLeakedTensors(() => {
    const result = bprLoss(positive, negative);
    result.dispose();
    return null;
  });
  expect(loss).toBeNull();
  tf.dispose([positive, negative]);
});
