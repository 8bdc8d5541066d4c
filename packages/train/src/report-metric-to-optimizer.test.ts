import * as tf from '@tensorflow/tfjs-core';
import { chain, Optimizer, reduceOnPlateau, sgd } from '@loom-ml/optimizers';
import { describe, expect, it } from 'vitest';
import { mlp } from '../test/doubles.js';
import { reportMetricToOptimizer, type TrainingContext } from './index.js';

describe('reportMetricToOptimizer', () => {
  it("drives reduceOnPlateau: the step size drops by `factor` after `patience` flat epochs", () => {
    const model = mlp([1, 1], { seed: 1 });
    const weight = model.trainableWeights[0]!;
    const optimizer = new Optimizer(chain(sgd({ learningRate: 1 }), reduceOnPlateau({ factor: 0.5, patience: 1 })), model.trainableWeights);
    const context = { model, optimizer } as unknown as TrainingContext;
    const callback = reportMetricToOptimizer({ monitor: 'val_loss' });
    const gradient = { [weight.name]: tf.ones(weight.shape), [model.trainableWeights[1]!.name]: tf.zeros([1]) };
    const stepSize = (): number => {
      const before = weight.dataSync()[0]!;
      optimizer.step(gradient);
      return before - weight.dataSync()[0]!;
    };
    // Epoch losses 1, 1, 1: the first sets the best, the second is a plateau of length 1 = patience.
    const sizes: number[] = [];
    for (const loss of [1, 1, 1]) {
      callback.onEpochEnd!(0, { val_loss: loss }, context);
      sizes.push(stepSize());
    }
    expect(sizes[0]).toBeCloseTo(1, 6);
    expect(sizes[1]).toBeCloseTo(0.5, 6);
    expect(sizes[2]).toBeCloseTo(0.25, 6);
    tf.dispose(Object.values(gradient));
    optimizer.dispose();
    model.dispose();
  });

  it('skips non-finite values and names a missing monitor', () => {
    const reported: number[] = [];
    const context = { optimizer: { reportMetric: (v: number) => void reported.push(v) } } as unknown as TrainingContext;
    const callback = reportMetricToOptimizer({ monitor: 'loss' });
    callback.onEpochEnd!(0, { loss: Number.NaN }, context);
    callback.onEpochEnd!(1, { loss: 0.5 }, context);
    expect(reported).toEqual([0.5]);
    expect(() => callback.onEpochEnd!(2, { accuracy: 1 }, context)).toThrow(
      "Invalid value for `monitor` in reportMetricToOptimizer. Expected one of the epoch values ('accuracy'). Received: 'loss'.",
    );
  });
});
