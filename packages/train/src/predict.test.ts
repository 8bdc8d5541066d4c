import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { mlp } from '../test/doubles.js';
import { predict, type TrainableModel } from './index.js';

describe('predict', () => {
  it('batches the forward pass and matches one full pass, in inference mode', async () => {
    const model = mlp([3, 5, 2], { seed: 4 });
    const modes: (boolean | undefined)[] = [];
    const spy: TrainableModel = { ...model, apply: (x, options) => (modes.push(options?.training), model.apply(x, options)) };
    const x = tf.randomNormal([10, 3], 0, 1, 'float32', 1);
    const reference = model.apply(x) as tf.Tensor;
    const output = (await predict(spy, x, { batchSize: 4 })) as tf.Tensor;
    expect(output.shape).toEqual([10, 2]);
    expectTensorsClose(output, reference, { atol: 1e-6, rtol: 1e-6 });
    expect(modes.every((m) => m === false)).toBe(true);
    expect(modes).toHaveLength(3); // ceil(10 / 4) batches
    tf.dispose([x, reference, output]);
    model.dispose();
  });

  it('leaves only the result behind', async () => {
    const model = mlp([2, 2], { seed: 1 });
    const x = tf.ones([7, 2]);
    const before = tf.memory().numTensors;
    const output = (await predict(model, x, { batchSize: 3 })) as tf.Tensor;
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, output]);
    model.dispose();
  });

  it('slices every input of a multi-input model and returns every output', async () => {
    const twoTower: TrainableModel = {
      name: 'two_tower',
      trainableWeights: [],
      apply: (inputs) => {
        const [a, b] = inputs as tf.Tensor[];
        return [tf.add(a!, b!), tf.mul(a!, b!)];
      },
      getWeights: () => [],
      setWeights: () => undefined,
    };
    const a = tf.tensor2d([[1], [2], [3]]);
    const b = tf.tensor2d([[10], [20], [30]]);
    const [sum, product] = (await predict(twoTower, [a, b], { batchSize: 2 })) as tf.Tensor[];
    expect(Array.from(sum!.dataSync())).toEqual([11, 22, 33]);
    expect(Array.from(product!.dataSync())).toEqual([10, 40, 90]);
    tf.dispose([a, b, sum!, product!]);
  });

  it('rejects inputs with different sample counts', async () => {
    const model = mlp([1, 1]);
    const a = tf.zeros([2, 1]);
    const b = tf.zeros([3, 1]);
    await expect(predict(model, [a, b])).rejects.toThrow(
      "Invalid value for `inputs` in predict. Expected tensors with the same, non-zero number of samples. Received: ['[2, 1]', '[3, 1]'].",
    );
    await expect(predict(model, a, { batchSize: 0 })).rejects.toThrow('Invalid value for `batchSize` in predict. Expected a positive integer. Received: 0.');
    tf.dispose([a, b]);
    model.dispose();
  });
});
