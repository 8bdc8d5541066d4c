import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { deserializeModel, serializeModel } from '../serialization/portable.js';
import { importTfjsModel } from './import-tfjs-model.js';
import { randomizeWeights, saveToMemory, seeded } from './tfjs-layers-fixtures.js';

// Reference: tfjs-layers' own predict() on the model it saved. Both run float32 on the cpu
// backend with different op orders, so outputs agree to float32 rounding: atol 1e-5, rtol 1e-4.
const TOLERANCE = { atol: 1e-5, rtol: 1e-4 };

async function expectSamePredictions(build: () => tfl.LayersModel, input: tf.Tensor, seed = 1): Promise<void> {
  const reference = build();
  randomizeWeights(reference, seed);
  const artifacts = await saveToMemory(reference);
  const before = tf.memory().numTensors;
  const model = await importTfjsModel(artifacts);
  const expected = reference.predict(input) as tf.Tensor;
  const actual = model.apply(input, { training: false });
  expectTensorsClose(actual, expected, TOLERANCE);
  tf.dispose([actual, expected]);
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
  reference.dispose();
  input.dispose();
}

function sequential(layers: tfl.layers.Layer[]): tfl.Sequential {
  return tfl.sequential({ layers });
}

describe('importTfjsModel matches tfjs-layers predict()', () => {
  it('an MLP (Dense with relu, softmax, no-bias, Dropout, Activation)', async () => {
    await expectSamePredictions(
      () =>
        sequential([
          tfl.layers.dense({ units: 5, activation: 'relu', inputShape: [4] }),
          tfl.layers.dropout({ rate: 0.3 }),
          tfl.layers.dense({ units: 3, useBias: false, activation: 'tanh' }),
          tfl.layers.activation({ activation: 'elu' }),
          tfl.layers.dense({ units: 2, activation: 'softmax' }),
        ]),
      tf.randomNormal([6, 4], 0, 1, 'float32', 11),
    );
  });

  it('a small CNN (Conv2D same/valid/strided, max and average pooling, Flatten, Dense)', async () => {
    await expectSamePredictions(
      () =>
        sequential([
          tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 2] }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.conv2d({ filters: 4, kernelSize: [2, 3], strides: [1, 2], activation: 'sigmoid' }),
          tfl.layers.averagePooling2d({ poolSize: [2, 1], padding: 'same' }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 2 }),
        ]),
      tf.randomNormal([3, 8, 8, 2], 0, 1, 'float32', 12),
    );
  });

  it('Conv2D dilated, GlobalMaxPooling2D and GlobalAveragePooling2D after a Reshape', async () => {
    await expectSamePredictions(
      () =>
        sequential([
          tfl.layers.reshape({ targetShape: [6, 6, 1], inputShape: [36] }),
          tfl.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2 }),
          tfl.layers.globalMaxPooling2d({}),
        ]),
      tf.randomNormal([2, 36], 0, 1, 'float32', 13),
    );
    await expectSamePredictions(
      () => sequential([tfl.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 3] }), tfl.layers.globalAveragePooling2d({})]),
      tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 14),
    );
  });

  it('Conv1D with 1D max/average pooling and GlobalMaxPooling1D', async () => {
    await expectSamePredictions(
      () =>
        sequential([
          tfl.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [10, 3] }),
          tfl.layers.maxPooling1d({ poolSize: 2 }),
          tfl.layers.conv1d({ filters: 3, kernelSize: 2, strides: 2 }),
          tfl.layers.averagePooling1d({ poolSize: 2, strides: 1 }),
          tfl.layers.globalMaxPooling1d({}),
        ]),
      tf.randomNormal([2, 10, 3], 0, 1, 'float32', 15),
    );
  });

  it('Embedding + GlobalAveragePooling1D + Dense', async () => {
    await expectSamePredictions(
      () =>
        sequential([
          tfl.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6 }),
          tfl.layers.globalAveragePooling1d({}),
          tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
        ]),
      tf.tensor2d([[1, 2, 3, 4, 5, 6], [19, 0, 0, 7, 7, 3]], [2, 6], 'float32'),
    );
  });

  it('Embedding with mask_zero: the LSTMs keep their state over padded steps (ids 0 at the end and in the middle), as tfjs-layers', async () => {
    await expectSamePredictions(
      () =>
        sequential([
          tfl.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: 6, maskZero: true }),
          tfl.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true, recurrentInitializer: seeded(6) }),
          tfl.layers.lstm({ units: 2, recurrentActivation: 'sigmoid', recurrentInitializer: seeded(7) }),
        ]),
      tf.tensor2d([[1, 2, 3, 4, 0, 0], [19, 0, 5, 7, 7, 3], [0, 0, 0, 9, 8, 0]], [3, 6], 'float32'),
    );
  });

  it('BatchNormalization in inference mode (moving statistics), and LayerNormalization', async () => {
    await expectSamePredictions(
      () =>
        sequential([
          tfl.layers.dense({ units: 4, inputShape: [3] }),
          tfl.layers.batchNormalization({ epsilon: 0.01 }),
          tfl.layers.layerNormalization({ epsilon: 1e-5 }),
          tfl.layers.batchNormalization({ center: false }),
        ]),
      tf.randomNormal([5, 3], 0, 1, 'float32', 16),
    );
    await expectSamePredictions(
      () => sequential([tfl.layers.conv2d({ filters: 2, kernelSize: 1, inputShape: [3, 3, 2] }), tfl.layers.batchNormalization({ axis: 3 }), tfl.layers.layerNormalization({ center: false, scale: false })]),
      tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 17),
    );
  });

  it('an LSTM (sigmoid gates) returning sequences, then one returning the last step backwards', async () => {
    await expectSamePredictions(
      () =>
        sequential([
          tfl.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', returnSequences: true, recurrentInitializer: seeded(1), inputShape: [5, 3] }),
          tfl.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', goBackwards: true, recurrentInitializer: seeded(2) }),
        ]),
      tf.randomNormal([2, 5, 3], 0, 1, 'float32', 18),
    );
  });

  it('a SimpleRNN and a Bidirectional LSTM (both directions, returning sequences)', async () => {
    await expectSamePredictions(
      () =>
        sequential([
          tfl.layers.simpleRNN({ units: 3, activation: 'relu', returnSequences: true, recurrentInitializer: seeded(3), inputShape: [4, 2] }),
          tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 2, recurrentActivation: 'sigmoid', returnSequences: true, recurrentInitializer: seeded(4) }) as tfl.RNN }),
          tfl.layers.bidirectional({ layer: tfl.layers.simpleRNN({ units: 2, recurrentInitializer: seeded(5) }) as tfl.RNN }),
        ]),
      tf.randomNormal([3, 4, 2], 0, 1, 'float32', 19),
    );
  });

  it('keeps tf.memory().numTensors flat over repeated imports', async () => {
    const reference = sequential([tfl.layers.dense({ units: 3, inputShape: [2] }), tfl.layers.batchNormalization()]);
    const artifacts = await saveToMemory(reference);
    reference.dispose();
    const first = await importTfjsModel(artifacts);
    first.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) (await importTfjsModel(artifacts)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    const model = await importTfjsModel(artifacts);
    const input = tf.ones([1, 2]);
    expectNoLeakedTensors(() => tf.dispose(model.apply(input)), 'apply on an imported model');
    input.dispose();
    model.dispose();
  });

  it('carries regularizers and trainable: false over, and the result saves and loads as a Loom model', async () => {
    const reference = sequential([
      tfl.layers.dense({ units: 3, inputShape: [2], kernelRegularizer: tfl.regularizers.l2({ l2: 0.01 }), name: 'regularized' }),
      tfl.layers.dense({ units: 2, trainable: false, name: 'frozen' }),
    ]);
    randomizeWeights(reference, 3);
    const model = await importTfjsModel(await saveToMemory(reference), { name: 'imported' });
    expect(model.name).toBe('imported');
    expect(model.layers[0]!.getConfig()).toMatchObject({ kernelRegularizer: { l2: 0.01 } });
    expect(model.trainableWeights.map((w) => w.shape)).toEqual([[2, 3], [3]]);
    expect(model.nonTrainableWeights.map((w) => w.shape)).toEqual([[3, 2], [2]]);
    const copy = deserializeModel(await serializeModel(model));
    const x = tf.randomNormal([4, 2], 0, 1, 'float32', 21);
    const expected = reference.predict(x) as tf.Tensor;
    const actual = copy.apply(x);
    expectTensorsClose(actual, expected, TOLERANCE);
    tf.dispose([x, expected, actual]);
    model.dispose();
    copy.dispose();
    reference.dispose();
  });
});
