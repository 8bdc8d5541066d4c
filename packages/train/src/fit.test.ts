import * as tf from '@tensorflow/tfjs-core';
import { adam, Optimizer, sgd } from '@loom-ml/optimizers';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { binaryAccuracy, binaryCrossentropy, meanSquaredError, mlp, xorData } from '../test/doubles.js';
import { evaluate, fit, predict, type Batch, type Callback } from './index.js';

describe('fit', () => {
  it('learns XOR to 100% accuracy with a 2-8-1 MLP', async () => {
    const model = mlp([2, 8, 1], { seed: 3, outputActivation: 'sigmoid' });
    const data = xorData();
    const history = await fit(model, data, {
      loss: binaryCrossentropy, optimizer: adam({ learningRate: 0.05 }), metrics: [binaryAccuracy()], epochs: 150, batchSize: 4, seed: 1,
    });
    expect(history.epochs).toHaveLength(150);
    expect(history.values.loss!.at(-1)!).toBeLessThan(0.1);
    expect(history.values.loss!.at(-1)!).toBeLessThan(history.values.loss![0]!);
    expect(history.values.accuracy!.at(-1)).toBe(1);
    const probabilities = (await predict(model, data.x)) as tf.Tensor;
    expect(Array.from(probabilities.dataSync()).map((p) => (p > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    tf.dispose([probabilities, data.x, data.y]);
    model.dispose();
  });

  it('recovers a known linear regression solution (y = 2a - 3b + 0.5)', async () => {
    const model = mlp([2, 1], { seed: 5 });
    const x = tf.randomUniform([64, 2], -1, 1, 'float32', 7);
    const y = tf.tidy(() => tf.add(tf.matMul(x, tf.tensor2d([[2], [-3]])), 0.5));
    await fit(model, { x, y }, { loss: meanSquaredError, optimizer: sgd({ learningRate: 0.2 }), epochs: 60, batchSize: 16, seed: 2 });
    // Noise-free data: gradient descent converges to the exact solution; 1e-3 leaves room for float32.
    expect(Array.from(model.trainableWeights[0]!.dataSync())[0]).toBeCloseTo(2, 3);
    expect(Array.from(model.trainableWeights[0]!.dataSync())[1]).toBeCloseTo(-3, 3);
    expect(model.trainableWeights[1]!.dataSync()[0]).toBeCloseTo(0.5, 3);
    const { loss } = await evaluate(model, { x, y }, { loss: meanSquaredError });
    expect(loss).toBeLessThan(1e-6);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('reports the same epoch loss as a hand-computed full-batch step', async () => {
    // One epoch, one full batch, SGD lr 0.1 on y = w x: loss before the step is mean((w x - y)^2).
    const model = mlp([1, 1], { seed: 1 });
    const w0 = model.trainableWeights[0]!.dataSync()[0]!;
    const x = tf.tensor2d([[1], [2], [3]]);
    const y = tf.tensor2d([[2], [4], [6]]);
    const history = await fit(model, { x, y }, { loss: meanSquaredError, optimizer: sgd({ learningRate: 0.1 }), batchSize: 3, shuffle: false });
    const expectedLoss = [1, 2, 3].reduce((s, v) => s + (w0 * v - 2 * v) ** 2, 0) / 3;
    expect(history.values.loss![0]).toBeCloseTo(expectedLoss, 4);
    // dL/dw = 2/3 * sum((w v - 2v) v) = 2/3 * 14 (w - 2); dL/db = 2/3 * sum(w v - 2 v) = 2/3 * 6 (w - 2).
    expect(model.trainableWeights[0]!.dataSync()[0]).toBeCloseTo(w0 - 0.1 * (28 / 3) * (w0 - 2), 5);
    expect(model.trainableWeights[1]!.dataSync()[0]).toBeCloseTo(-0.1 * 4 * (w0 - 2), 5);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('keeps tf.memory().numTensors flat across epochs (validation, metrics, class weights, regulariser)', async () => {
    const model = mlp([2, 4, 1], { seed: 1, l2: 1e-3, outputActivation: 'sigmoid' });
    const x = tf.randomUniform([40, 2], 0, 1, 'float32', 1);
    const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, 1, true), 1), 'float32'));
    const counts: number[] = [];
    const recorder: Callback = { onEpochEnd: () => void counts.push(tf.memory().numTensors) };
    const optimizer = new Optimizer(adam({ learningRate: 0.01 }), model.trainableWeights);
    await expectNoLeakedTensors(() =>
      fit(model, { x, y }, { loss: binaryCrossentropy, optimizer, metrics: [binaryAccuracy()], epochs: 4, batchSize: 8, validation: 0.25, classWeight: { 0: 1, 1: 2 }, callbacks: [recorder] }),
    );
    expect(new Set(counts).size).toBe(1);
    optimizer.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });

  it('is deterministic given a seed, and a different seed shuffles differently', async () => {
    const run = async (seed: number) => {
      const model = mlp([3, 4, 1], { seed: 9 });
      const x = tf.randomNormal([30, 3], 0, 1, 'float32', 4);
      const y = tf.randomNormal([30, 1], 0, 1, 'float32', 5);
      await fit(model, { x, y }, { loss: meanSquaredError, optimizer: adam({ learningRate: 0.01 }), epochs: 3, batchSize: 7, seed });
      const values = model.trainableWeights.map((w) => Array.from(w.dataSync()));
      tf.dispose([x, y]);
      model.dispose();
      return values;
    };
    const first = await run(11);
    expect(await run(11)).toEqual(first);
    expect(await run(12)).not.toEqual(first);
  });

  it('trains from an async iterable of batches and disposes them; arrays stay the caller\'s', async () => {
    const model = mlp([1, 1], { seed: 2 });
    const makeBatch = (): Batch => ({ x: tf.tensor2d([[1], [2]]), y: tf.tensor2d([[3], [5]]) });
    const dataset = {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 3; i++) yield makeBatch();
      },
    };
    await expectNoLeakedTensors(() => fit(model, dataset, { loss: meanSquaredError, optimizer: sgd({ learningRate: 0.05 }), epochs: 2 }));
    const array = [makeBatch(), makeBatch()];
    const history = await fit(model, array, { loss: meanSquaredError, optimizer: 'sgd', epochs: 2 });
    expect(history.epochs).toEqual([0, 1]);
    expect(array.every((b) => !(b.x as tf.Tensor).isDisposed)).toBe(true);
    array.forEach((b) => tf.dispose([b.x as tf.Tensor, b.y]));
    model.dispose();
  });

  it('rejects a one-shot generator on the second epoch with a clear message', async () => {
    const model = mlp([1, 1]);
    function* once(): Generator<Batch> {
      yield { x: tf.tensor2d([[1]]), y: tf.tensor2d([[1]]) };
    }
    await expect(fit(model, once(), { loss: meanSquaredError, optimizer: 'sgd', epochs: 2 })).rejects.toThrow(
      'Invalid value for `data` in fit. Expected batches in every epoch (a re-iterable such as an array or a Dataset, not a one-shot generator). Received: no batches in epoch 2.',
    );
    model.dispose();
  });

  it('weights samples: a zero sample weight removes a point from the fit', async () => {
    const model = mlp([1, 1], { seed: 1 });
    // The outlier (x=3, y=100) has weight 0, so the fit is the exact line through the other points: y = 2x.
    const x = tf.tensor2d([[1], [2], [3], [-1]]);
    const y = tf.tensor2d([[2], [4], [100], [-2]]);
    const sampleWeight = tf.tensor1d([1, 1, 0, 1]);
    await fit(model, { x, y, sampleWeight }, { loss: meanSquaredError, optimizer: sgd({ learningRate: 0.1 }), epochs: 300, batchSize: 4 });
    expect(model.trainableWeights[0]!.dataSync()[0]).toBeCloseTo(2, 3);
    expect(model.trainableWeights[1]!.dataSync()[0]).toBeCloseTo(0, 3);
    tf.dispose([x, y, sampleWeight]);
    model.dispose();
  });

  it('reports validation values under val_ and matches evaluate on the held-out rows', async () => {
    const model = mlp([2, 1], { seed: 1 });
    const x = tf.tensor2d([[0, 1], [1, 0], [1, 1], [2, 1], [1, 2]]);
    const y = tf.tensor2d([[1], [1], [2], [3], [3]]);
    const history = await fit(model, { x, y }, { loss: meanSquaredError, optimizer: 'sgd', epochs: 2, validation: 0.4, batchSize: 2 });
    expect(history.keys).toEqual(['loss', 'val_loss']);
    const heldOut = { x: tf.slice(x, 3, 2), y: tf.slice(y, 3, 2) };
    const { loss } = await evaluate(model, heldOut, { loss: meanSquaredError });
    expect(history.values.val_loss!.at(-1)).toBeCloseTo(loss!, 6);
    tf.dispose([x, y, heldOut.x, heldOut.y]);
    model.dispose();
  });

  it('gives clear errors for bad options', async () => {
    const model = mlp([1, 1]);
    const data = { x: tf.tensor2d([[1]]), y: tf.tensor2d([[1]]) };
    await expect(fit(model, data, { loss: meanSquaredError, optimizer: 'sgd', epochs: 0 })).rejects.toThrow(
      'Invalid value for `epochs` in fit. Expected a positive integer. Received: 0.',
    );
    await expect(fit(model, data, { loss: meanSquaredError, optimizer: 'sgd', batchSize: 1.5 })).rejects.toThrow(
      'Invalid value for `batchSize` in fit. Expected a positive integer. Received: 1.5.',
    );
    await expect(fit(model, data, { loss: meanSquaredError, optimizer: 'sgd', validation: 0.5 })).rejects.toThrow(
      'Invalid value for `validation` in fit. Expected a fraction leaving at least one sample on each side of 1 samples. Received: 0.5.',
    );
    await expect(fit(model, { x: tf.zeros([2, 1]), y: data.y }, { loss: meanSquaredError, optimizer: 'sgd' })).rejects.toThrow(
      'Invalid value for `x` in fit. Expected 1 samples (as many as y). Received: \'shape [2, 1]\'.',
    );
    await expect(fit(model, data, { loss: 42 as never, optimizer: 'sgd' })).rejects.toThrow('Invalid value for `loss` in fit.');
    tf.dispose([data.x, data.y]);
    model.dispose();
  });
});

describe('fit with non-trainable state', () => {
  it('lets apply({ training: true }) update non-trainable variables (as batch norm does), without leaks', async () => {
    // A "centering" model: tracks the running mean of its inputs in a non-trainable variable
    // during training (momentum 0.5), and predicts w * (x - runningMean).
    const w = tf.variable(tf.zeros([1, 1]), true, 'center/w');
    const runningMean = tf.variable(tf.zeros([1]), false, 'center/running_mean');
    const modes: boolean[] = [];
    const model = {
      name: 'center',
      trainableWeights: [w],
      nonTrainableWeights: [runningMean],
      apply(x: tf.Tensor | tf.Tensor[], options?: { training?: boolean }) {
        modes.push(options?.training === true);
        return tf.tidy(() => {
          if (options?.training === true) runningMean.assign(tf.add(tf.mul(runningMean, 0.5), tf.mul(tf.mean(x as tf.Tensor, 0), 0.5)));
          return tf.matMul(tf.sub(x as tf.Tensor2D, runningMean), w);
        });
      },
      getWeights: () => [w, runningMean],
      setWeights: (values: tf.Tensor[]) => values.forEach((v, i) => [w, runningMean][i]!.assign(v)),
    };
    const x = tf.tensor2d([[4], [6]]);
    const y = tf.tensor2d([[-1], [1]]);
    await expectNoLeakedTensors(() => fit(model, { x, y }, { loss: meanSquaredError, optimizer: sgd({ learningRate: 0.1 }), epochs: 3, batchSize: 2, validation: { x, y } }));
    // Three training batches of mean 5: 0 -> 2.5 -> 3.75 -> 4.375; validation passes do not move it.
    expect(runningMean.dataSync()[0]).toBeCloseTo(4.375, 6);
    expect(modes.filter((m) => m)).toHaveLength(3);
    expect(modes.filter((m) => !m)).toHaveLength(3);
    tf.dispose([w, runningMean, x, y]);
  });
});
