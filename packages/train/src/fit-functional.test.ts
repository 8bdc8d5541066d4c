// A two-input @loom-ml/layers functional model trains, evaluates and predicts through the
// fit loop with x given as an array of tensors, and leaks no tensors.
import * as tf from '@tensorflow/tfjs-core';
import { concatenate, dense, embedding, flatten, input, model } from '@loom-ml/layers';
import { adam } from '@loom-ml/optimizers';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { meanSquaredError } from '../test/doubles.js';
import { evaluate, fit, predict } from './index.js';

/** Item ids and a numeric feature → one score: an embedding tower and a dense tower, concatenated. */
function twoInputRegressor() {
  const item = input({ shape: [1], name: 'item', dtype: 'int32' });
  const features = input({ shape: [2], name: 'features' });
  const itemVector = flatten().connect(embedding({ inputDim: 5, outputDim: 3, embeddingsInitializer: { name: 'randomNormal', seed: 1, stddev: 0.1 } }).connect(item));
  const featureVector = dense({ units: 4, activation: 'tanh', kernelInitializer: { name: 'glorotUniform', seed: 2 } }).connect(features);
  const joined = concatenate().connect([itemVector, featureVector]);
  const score = dense({ units: 1, kernelInitializer: { name: 'glorotUniform', seed: 3 } }).connect(joined);
  return model({ inputs: [item, features], outputs: score, name: 'item_and_features' });
}

/** y = offset[item] + 0.5 a - b: learnable exactly by the model (the embedding carries the offset). */
function data(samples: number) {
  const offsets = [1, -1, 0.5, 2, -0.5];
  const itemIds = Array.from({ length: samples }, (_, i) => i % 5);
  const features = tf.randomUniform([samples, 2], -1, 1, 'float32', 4);
  const rows = features.arraySync() as number[][];
  const y = tf.tensor2d(rows.map(([a, b], i) => [offsets[itemIds[i]!]! + 0.5 * a! - b!]));
  return { x: [tf.tensor2d(itemIds, [samples, 1], 'int32'), features], y };
}

describe('fit / evaluate / predict with a two-input functional model', () => {
  // About 1-2 s alone; the timeout leaves room for a loaded 2-core machine (no speed is asserted).
  it('lowers the loss, and predict agrees with model.apply; no leaked tensors', { timeout: 30_000 }, async () => {
    const regressor = twoInputRegressor();
    const train = data(40);
    const before = await evaluate(regressor, train, { loss: meanSquaredError });
    const history = await expectNoLeakedTensors(() =>
      fit(regressor, train, { loss: meanSquaredError, optimizer: adam({ learningRate: 0.05 }), epochs: 30, batchSize: 20, seed: 1 }),
    );
    const after = await evaluate(regressor, train, { loss: meanSquaredError });
    const losses = history.values.loss!;
    expect(losses).toHaveLength(30);
    // Measured: 2.19 before, about 4e-3 after 30 epochs of Adam (noise-free target the model can fit).
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 10);
    expect(after.loss).toBeLessThan(0.05);
    expect(after.loss).toBeLessThan(before.loss! / 20);

    const predictions = await expectNoLeakedTensors(async () => {
      const output = (await predict(regressor, train.x, { batchSize: 16 })) as tf.Tensor;
      const direct = regressor.apply(train.x) as tf.Tensor;
      // Batches of 16 vs one pass: the same float32 ops per row.
      expectTensorsClose(output, direct, { rtol: 1e-6, atol: 1e-6 });
      const shape = output.shape;
      tf.dispose([output, direct]);
      return shape;
    });
    expect(predictions).toEqual([40, 1]);
    tf.dispose([...train.x, train.y]);
    regressor.dispose();
  });
});
