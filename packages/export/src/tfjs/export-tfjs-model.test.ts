import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import {
  activation, add, average, avgPool1d, avgPool2d, batchNormalization, bidirectional, concatenate, conv1d, conv2d, dense, dot, dropout, embedding,
  flatten, globalAveragePooling, globalMaxPooling, gru, importTfjsModel, input, layerNormalization, lstm, maxPool1d, maxPool2d, maximum, minimum,
  model as functionalModel, multiHeadAttention, multiply, reshape, sequential, simpleRnn, subtract, type Layer, type Model,
} from '@loom-ml/layers';
import { ExportError } from '../errors.js';
import { fraudMlp, mnistCnn, mnistMlp, randomIds, randomizeWeights, sentimentLstm, sentimentTransformer } from '../test-models.js';
import { exportTfjsModel, tfjsModelJson, type TfjsExportArtifacts } from './export-tfjs-model.js';

// Reference: tfjs-layers' own predict() on the model it loaded from the exported artifacts.
// Both run float32 on the cpu backend with different op orders: atol 1e-5 (as the issue asks).
const TOLERANCE = { atol: 1e-5, rtol: 0 };

async function loadInTfjs(artifacts: TfjsExportArtifacts): Promise<tfl.LayersModel> {
  // What a model.json + weights file hold survives JSON: check that form, not the objects.
  const json = JSON.parse(JSON.stringify(tfjsModelJson(artifacts, 'weights.bin'))) as { modelTopology: object; weightsManifest: [{ weights: tf.io.WeightsManifestEntry[] }] };
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: artifacts.weightData }));
}

/** Exports `model`, loads it with tfjs-layers and compares predictions on `inputs`. */
async function expectSameInTfjs(model: Model, inputs: tf.Tensor | tf.Tensor[], seed = 7): Promise<void> {
  randomizeWeights(model, seed);
  const expected = model.apply(inputs, { training: false });
  const artifacts = await expectNoLeakedTensors(() => exportTfjsModel(model));
  // tfjs-layers names its variables after the layers, and tfjs-core refuses a second live
  // variable of one name: the Loom model goes before tfjs loads its copy.
  model.dispose();
  const loaded = await loadInTfjs(artifacts);
  const actual = loaded.predict(inputs);
  const list = (x: tf.Tensor | tf.Tensor[]) => (Array.isArray(x) ? x : [x]);
  expect(list(actual).length).toBe(list(expected).length);
  list(expected).forEach((e, i) => expectTensorsClose(list(actual)[i]!, e, TOLERANCE));
  tf.dispose([expected, actual]);
  loaded.dispose();
  tf.dispose(inputs);
}

const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

describe('exportTfjsModel: tf.loadLayersModel predicts what Loom predicts (atol 1e-5)', () => {
  it('the MNIST MLP (apps/mnist: Dense relu, Dropout, Dense)', async () => {
    await expectSameInTfjs(mnistMlp(), tf.randomUniform([5, 784], 0, 1, 'float32', 1));
  });

  it('the MNIST CNN (apps/mnist: Conv2D, MaxPool2D, Flatten, Dense)', async () => {
    await expectSameInTfjs(mnistCnn(), tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 2));
  });

  it('the sentiment LSTM (apps/sentiment: Embedding, LSTM, Dense sigmoid)', async () => {
    await expectSameInTfjs(sentimentLstm(200, 12), randomIds(4, 12, 200, 3));
  });

  it("a fraud-scoring MLP (fraud-detection's MlpClassifier network from toModel())", async () => {
    await expectSameInTfjs(fraudMlp(12, [16, 8], 2), tf.randomNormal([6, 12], 0, 1, 'float32', 17));
  });

  it('layers built with a seed (it only chose the initial weights): Dense, Dropout, LSTM', async () => {
    const model = sequential([lstm({ units: 4, seed: 1 }), dropout({ rate: 0.2, seed: 2 }), dense({ units: 2, seed: 3 })], { inputShape: [3, 4] });
    await expectSameInTfjs(model, normal([2, 3, 4], 1));
  });

  it('every Dense activation with a tfjs counterpart, with and without bias', async () => {
    const activations = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'elu', 'softplus', 'swish'] as const;
    await expectSameInTfjs(
      sequential([dense({ units: 6, inputShape: [5] }), ...activations.map((a, i) => dense({ units: 6, activation: a, useBias: i % 2 === 0 })), activation({ activation: 'tanh' })]),
      normal([4, 5], 4),
    );
  });

  it('Conv1D (same, valid, strides, dilation) with 1D max and average pooling, global pooling', async () => {
    await expectSameInTfjs(
      sequential([
        conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [17, 3] }),
        maxPool1d({ poolSize: 2 }),
        conv1d({ filters: 5, kernelSize: 2, strides: 2, activation: 'sigmoid' }),
        avgPool1d({ poolSize: 3, strides: 1, padding: 'same' }),
        conv1d({ filters: 3, kernelSize: 2, dilationRate: 2, useBias: false }),
        globalMaxPooling(),
      ]),
      normal([3, 17, 3], 5),
    );
  });

  it('Conv2D (same, strided, dilated, no bias), 2D pooling, BatchNormalization, global average pooling', async () => {
    await expectSameInTfjs(
      sequential([
        conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'elu', inputShape: [9, 8, 2] }),
        batchNormalization({ epsilon: 0.01 }),
        avgPool2d({ poolSize: 2, padding: 'same' }),
        conv2d({ filters: 3, kernelSize: [2, 3], strides: [1, 2], useBias: false }),
        batchNormalization({ center: false }),
        maxPool2d({ poolSize: [2, 1], strides: 1 }),
        conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, padding: 'same' }),
        globalAveragePooling(),
      ]),
      normal([2, 9, 8, 2], 6),
    );
  });

  it('Reshape, Flatten, LayerNormalization, BatchNormalization without scale', async () => {
    await expectSameInTfjs(
      sequential([dense({ units: 12, inputShape: [4] }), reshape({ targetShape: [3, -1] }), layerNormalization({ epsilon: 1e-5 }), batchNormalization({ scale: false }), flatten(), dense({ units: 2 })]),
      normal([5, 4], 7),
    );
  });

  it('SimpleRNN and LSTM (sequences, go backwards, sigmoid/tanh/relu) and Bidirectional LSTM and SimpleRNN', async () => {
    await expectSameInTfjs(
      sequential([
        simpleRnn({ units: 4, returnSequences: true, inputShape: [6, 3] }),
        lstm({ units: 5, returnSequences: true, goBackwards: true }),
        bidirectional({ layer: lstm({ units: 3, returnSequences: true, activation: 'relu' }) }),
        bidirectional({ layer: simpleRnn({ units: 2, goBackwards: true }) }),
        dense({ units: 2 }),
      ]),
      normal([3, 6, 3], 8),
    );
  });

  it('a functional graph: two inputs (one int32), a shared layer, every merge, two outputs', async () => {
    const a = input({ shape: [4], name: 'a' });
    const ids = input({ shape: [3], name: 'ids', dtype: 'int32' });
    const shared = dense({ units: 4, activation: 'tanh', name: 'shared' });
    const x = shared.connect(a);
    const y = shared.connect(shared.connect(a));
    const e = flatten().connect(embedding({ inputDim: 10, outputDim: 2 }).connect(ids));
    const e4 = dense({ units: 4 }).connect(e);
    const merged = [add(), multiply(), average(), maximum(), minimum()].map((m) => m.connect([x, y, e4]));
    const joined = concatenate({ axis: -1 }).connect(merged);
    const seq = reshape({ targetShape: [5, 4] }).connect(joined);
    const attention = dot({ axes: [2, 2] }).connect([seq, seq]);
    const similarity = dot({ axes: 1, normalize: true }).connect([x, e4]);
    const out = dense({ units: 2, activation: 'softmax' }).connect(flatten().connect(attention));
    const model = functionalModel({ inputs: [a, ids], outputs: [out, similarity], name: 'two_heads' });
    const ids_ = tf.tensor2d([[1, 2, 3], [9, 0, 4]], [2, 3], 'int32');
    await expectSameInTfjs(model, [normal([2, 4], 9), ids_]);
  });
});

describe('exportTfjsModel: Loom -> tfjs -> Loom (importTfjsModel) is the same model', () => {
  // Initializers are not read back by importTfjsModel (the weights replace them); a layer's
  // inputShape becomes the Sequential's (compared at the top level); the import writes Dense's
  // default useBias: true explicitly. Everything else must be equal.
  const withoutInitializers = (config: unknown): unknown =>
    JSON.parse(
      JSON.stringify(config, function (this: Record<string, unknown>, key, value: unknown) {
        if (/Initializer$/.test(key)) return undefined;
        if (key === 'config' && typeof value === 'object' && value !== null) {
          const { inputShape: _, ...rest } = value as Record<string, unknown>;
          return rest.useBias === true ? { ...rest, useBias: undefined } : rest;
        }
        return value;
      }),
    );

  async function roundTrip(model: Model, inputs: tf.Tensor | tf.Tensor[]): Promise<void> {
    randomizeWeights(model, 11);
    const before = tf.memory().numTensors;
    const back = await importTfjsModel<Model>(await exportTfjsModel(model));
    expect(withoutInitializers(back.getConfig())).toEqual(withoutInitializers(model.getConfig()));
    expect(back.weights.map((w) => w.path)).toEqual(model.weights.map((w) => w.path));
    model.weights.forEach((w, i) => expect(back.weights[i]!.variable.dataSync()).toEqual(w.variable.dataSync()));
    const expected = model.apply(inputs) as tf.Tensor;
    const actual = back.apply(inputs) as tf.Tensor;
    expect(actual.dataSync()).toEqual(expected.dataSync());
    tf.dispose([expected, actual]);
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    tf.dispose(inputs);
  }

  it('the MNIST CNN', async () => {
    await roundTrip(mnistCnn(), tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 12));
  });

  it('the sentiment LSTM', async () => {
    await roundTrip(sentimentLstm(50, 6), randomIds(3, 6, 50, 13));
  });

  it('layers with options: regularizers, frozen layers, Bidirectional, BatchNormalization, Conv1D and pooling', async () => {
    await roundTrip(
      sequential(
        [
          conv1d({ filters: 3, kernelSize: 2, padding: 'same', inputShape: [8, 2], kernelRegularizer: { l2: 1e-3 } }),
          batchNormalization({ momentum: 0.9, trainable: false }),
          maxPool1d({ poolSize: 2 }),
          bidirectional({ layer: simpleRnn({ units: 2, returnSequences: true }) }),
          globalAveragePooling(),
          dropout({ rate: 0.3, seed: 4 }),
          dense({ units: 2, activation: 'softmax', kernelRegularizer: { l1: 1e-4, l2: 1e-3 } }),
        ],
        { name: 'options' },
      ),
      normal([2, 8, 2], 14),
    );
  });

  it('a functional graph with a shared layer and a merge', async () => {
    const a = input({ shape: [3], name: 'a' });
    const b = input({ shape: [3], name: 'b' });
    const shared = dense({ units: 2, name: 'tower' });
    const model = functionalModel({ inputs: [a, b], outputs: dot({ axes: 1 }).connect([shared.connect(a), shared.connect(b)]), name: 'siamese' });
    await roundTrip(model, [normal([2, 3], 15), normal([2, 3], 16)]);
  });
});

describe('exportTfjsModel: layers without a tfjs-layers counterpart are named', () => {
  async function expectRefused(layers: Layer[], inputShape: number[], message: RegExp): Promise<void> {
    const model = sequential(layers, { inputShape });
    await expectNoLeakedTensors(async () => {
      const error = await exportTfjsModel(model).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExportError);
      expect((error as Error).message).toMatch(message);
    });
    model.dispose();
  }

  it('MultiHeadAttention, TransformerEncoder and PositionalEmbedding (the sentiment Transformer)', async () => {
    const model = sentimentTransformer(30, 5);
    await expect(exportTfjsModel(model)).rejects.toThrow(/exportTfjsModel cannot write PositionalEmbedding '.+': tfjs-layers 4.22 has no layer adding learned position embeddings\. Export the model to ONNX instead/);
    model.dispose();
    await expectRefused([multiHeadAttention({ numHeads: 2, name: 'mha' })], [4, 6], /MultiHeadAttention 'mha': tfjs-layers 4\.22 has no MultiHeadAttention layer/);
  });

  it("GRU, alone and in Bidirectional (tfjs-layers' GRU is reset_after=false)", async () => {
    await expectRefused([gru({ units: 3, name: 'g' })], [4, 2], /exportTfjsModel cannot write GRU 'g': tfjs-layers' GRU only has reset_after=false/);
    await expectRefused([bidirectional({ layer: gru({ units: 3, name: 'inner' }), name: 'bi' })], [4, 2], /cannot write GRU 'inner'/);
  });

  it('activations tfjs-layers cannot load (leakyRelu, gelu)', async () => {
    await expectRefused([dense({ units: 2, activation: 'gelu', name: 'g' })], [3], /Invalid value for `activation` in Dense 'g' \(exportTfjsModel\)\. .*tfjs-layers 4\.22 cannot load its 'gelu_new'.* Received: 'gelu'\./);
    await expectRefused(
      [dense({ units: 2, activation: 'leakyRelu', name: 'leaky' })],
      [3],
      /Invalid value for `activation` in Dense 'leaky' \(exportTfjsModel\)\. Expected an activation tfjs-layers computes identically: .*LeakyReLU only as a layer.* Received: 'leakyRelu'\./,
    );
  });

  it('Subtract (tfjs-layers 4.22 has none)', async () => {
    const a = input({ shape: [2] });
    const model = functionalModel({ inputs: a, outputs: subtract({ name: 'minus' }).connect([a, dense({ units: 2 }).connect(a)]) });
    await expect(exportTfjsModel(model)).rejects.toThrow(/exportTfjsModel cannot write Subtract 'minus': tfjs-layers 4\.22 has no Subtract layer/);
    model.dispose();
  });

  it('global pooling over three axes', async () => {
    await expectRefused([globalAveragePooling({ name: 'gp' })], [2, 2, 2, 3], /cannot write GlobalPooling 'gp' on inputs of rank 5/);
  });

  it('an option the exporter does not know (a layer class extended with one)', async () => {
    class MaskedEmbedding extends (embedding({ inputDim: 2, outputDim: 2 }).constructor as typeof import('@loom-ml/layers').Embedding) {
      override getConfig(): Record<string, unknown> {
        return { ...super.getConfig(), maskZero: true };
      }
    }
    await expectRefused([new MaskedEmbedding({ inputDim: 5, outputDim: 2, name: 'masked' })], [3], /exportTfjsModel cannot write `maskZero` of Embedding 'masked' \(true\): the exporter does not know this option/);
  });
});
