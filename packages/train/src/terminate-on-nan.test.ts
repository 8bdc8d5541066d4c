import * as tf from '@tensorflow/tfjs-core';
import { sgd } from '@loom-ml/optimizers';
import { describe, expect, it } from 'vitest';
import { meanSquaredError, mlp } from '../test/doubles.js';
import { fit, terminateOnNaN } from './index.js';

describe('terminateOnNaN', () => {
  it('stops fit at the first batch whose loss is not finite', async () => {
    const model = mlp([1, 1], { seed: 1 });
    // A learning rate of 1e3 on y = 1000 x makes the weights blow up to Infinity, then NaN.
    const x = tf.tensor2d([[100], [200]]);
    const y = tf.tensor2d([[1e5], [2e5]]);
    const guard = terminateOnNaN();
    const history = await fit(model, { x, y }, { loss: meanSquaredError, optimizer: sgd({ learningRate: 1e3 }), epochs: 50, batchSize: 1, shuffle: false, callbacks: [guard] });
    expect(guard.terminatedAt).toBeDefined();
    expect(history.epochs.length).toBe(guard.terminatedAt!.epoch + 1);
    expect(history.epochs.length).toBeLessThan(50);
    expect(Number.isFinite(history.values.loss!.at(-1)!)).toBe(false);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('does nothing while losses are finite', () => {
    const guard = terminateOnNaN();
    const context = { stopTraining: false } as never as { stopTraining: boolean };
    guard.onBatchEnd!(0, { size: 1, loss: 3 }, context as never);
    expect(context.stopTraining).toBe(false);
    guard.onBatchEnd!(1, { size: 1, loss: Number.NaN }, context as never);
    expect(context.stopTraining).toBe(true);
    expect(guard.terminatedAt).toEqual({ epoch: 0, batch: 1 });
  });
});
