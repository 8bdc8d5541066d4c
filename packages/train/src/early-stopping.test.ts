import * as tf from '@tensorflow/tfjs-core';
import { sgd } from '@loom-ml/optimizers';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { meanSquaredError, mlp } from '../test/doubles.js';
import { earlyStopping, fit, type Callback, type TrainingContext } from './index.js';

function fakeContext(model = mlp([1, 1])): TrainingContext & { model: ReturnType<typeof mlp> } {
  return { model, optimizer: {} as never, epochs: 100, stepsPerEpoch: 1, samplesPerEpoch: 1, initialEpoch: 0, stopTraining: false };
}

describe('earlyStopping', () => {
  it('stops after `patience` epochs without an improvement larger than minDelta', () => {
    const callback = earlyStopping({ monitor: 'val_loss', patience: 2, minDelta: 0.01 });
    const context = fakeContext();
    callback.onTrainBegin!(context);
    const losses = [1.0, 0.8, 0.795, 0.79, 0.7];
    let stoppedAt = -1;
    losses.forEach((value, epoch) => {
      if (stoppedAt >= 0) return;
      callback.onEpochEnd!(epoch, { val_loss: value }, context);
      if (context.stopTraining) stoppedAt = epoch;
    });
    // 0.795 and 0.79 beat 0.8 by less than minDelta (wait 1, 2), then 0.7 improves and resets it.
    expect(stoppedAt).toBe(-1);
    callback.onEpochEnd!(5, { val_loss: 0.75 }, context);
    callback.onEpochEnd!(6, { val_loss: 0.75 }, context);
    expect(context.stopTraining).toBe(false);
    callback.onEpochEnd!(7, { val_loss: 0.75 }, context);
    expect(context.stopTraining).toBe(true);
    expect(callback.stoppedEpoch).toBe(7);
    expect(callback.bestEpoch).toBe(4);
    expect(callback.bestValue).toBe(0.7);
    context.model.dispose();
  });

  it("maximises accuracy-like names in 'auto' mode", () => {
    const callback = earlyStopping({ monitor: 'val_accuracy' });
    const context = fakeContext();
    callback.onTrainBegin!(context);
    callback.onEpochEnd!(0, { val_accuracy: 0.5 }, context);
    callback.onEpochEnd!(1, { val_accuracy: 0.6 }, context);
    expect(context.stopTraining).toBe(false);
    callback.onEpochEnd!(2, { val_accuracy: 0.55 }, context);
    expect(context.stopTraining).toBe(true);
    expect(callback.bestEpoch).toBe(1);
    context.model.dispose();
  });

  it('restores the best epoch weights at the end of fit, without leaking', async () => {
    const model = mlp([1, 1], { seed: 1 });
    const x = tf.tensor2d([[1], [2]]);
    const y = tf.tensor2d([[1], [2]]);
    // A fake monitored value that is best at epoch 1, so the weights after epoch 1 must come back.
    const fakeValues = [3, 1, 2, 2, 2];
    let weightsAfterEpoch1: number[] = [];
    const injector: Callback = {
      onEpochEnd(epoch, logs) {
        logs.score = fakeValues[epoch]!;
        if (epoch === 1) weightsAfterEpoch1 = model.trainableWeights.flatMap((w) => Array.from(w.dataSync()));
      },
    };
    const stopper = earlyStopping({ monitor: 'score', mode: 'min', patience: 1, restoreBestWeights: true });
    await expectNoLeakedTensors(() => fit(model, { x, y }, { loss: meanSquaredError, optimizer: sgd({ learningRate: 0.1 }), epochs: 5, callbacks: [injector, stopper] }));
    expect(stopper.stoppedEpoch).toBe(3);
    expect(model.trainableWeights.flatMap((w) => Array.from(w.dataSync()))).toEqual(weightsAfterEpoch1);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('names a missing monitored value and lists the available ones', () => {
    const callback = earlyStopping();
    const context = fakeContext();
    expect(() => callback.onEpochEnd!(0, { loss: 1 }, context)).toThrow(
      "Invalid value for `monitor` in earlyStopping. Expected one of the epoch values ('loss'). Received: 'val_loss'.",
    );
    context.model.dispose();
  });

  it('validates its options', () => {
    expect(() => earlyStopping({ patience: -1 })).toThrow('Invalid value for `patience` in earlyStopping. Expected a non-negative integer. Received: -1.');
    expect(() => earlyStopping({ mode: 'up' as never })).toThrow("Invalid value for `mode` in earlyStopping. Expected 'min', 'max' or 'auto'. Received: 'up'.");
    expect(() => earlyStopping({ minDelta: -0.1 })).toThrow('Invalid value for `minDelta` in earlyStopping. Expected a non-negative number. Received: -0.1.');
  });
});
