import * as tf from '@tensorflow/tfjs-core';
import protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import {
  activation, add, average, avgPool1d, avgPool2d, batchNormalization, bidirectional, concatenate, conv1d, conv2d, dense, dot, dropout, embedding,
  flatten, globalAveragePooling, globalMaxPooling, gru, input, Layer, layerNormalization, lstm, maxPool1d, maxPool2d, maximum, minimum,
  model as functionalModel, multiHeadAttention, multiply, positionalEmbedding, reshape, sequential, simpleRnn, subtract, transformerEncoder, type Model,
  type Shape,
} from '@loom-ml/layers';
import { ExportError } from '../errors.js';
import { fraudMlp, mnistCnn, mnistMlp, randomIds, randomizeWeights, sentimentLstm, sentimentTransformer } from '../test-models.js';
import { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from './export-onnx.js';
import { ONNX_DESCRIPTOR } from './onnx-schema.js';
import { onnxNames, runOnnx } from './onnxruntime-node-helpers.js';

// Reference: Loom's own apply() (float32, cpu backend). onnxruntime computes the same graph
// with other kernels and op orders: outputs agree to 1e-4 (the tolerance).
const TOLERANCE = { atol: 1e-4, rtol: 0 };

/** Exports `model`, runs it in onnxruntime-web (wasm) on each batch of `batches`, compares with Loom. */
async function expectSameInOnnx(model: Model, batches: (tf.Tensor | tf.Tensor[])[], seed = 5, scale = 0.5): Promise<Uint8Array> {
  // scale 0 keeps the model's own weights.
  if (scale > 0) randomizeWeights(model, seed, scale);
  const bytes = await expectNoLeakedTensors(() => exportOnnx(model));
  for (const batch of batches) {
    const inputs = Array.isArray(batch) ? batch : [batch];
    const expected = model.apply(inputs, { training: false });
    const actual = await runOnnx(bytes, inputs);
    const list = Array.isArray(expected) ? expected : [expected];
    expect(actual.length).toBe(list.length);
    list.forEach((e, k) => expectTensorsClose(actual[k]!, e, TOLERANCE));
    tf.dispose([expected, actual, inputs]);
  }
  model.dispose();
  return bytes;
}

const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
const uniform = (shape: number[], seed: number) => tf.randomUniform(shape, 0, 1, 'float32', seed);

describe('exportOnnx: onnxruntime-web (wasm, Node.js) predicts what Loom predicts (atol 1e-4), batch 1 and larger', () => {
  it('the MNIST MLP (apps/mnist)', async () => {
    const bytes = await expectSameInOnnx(mnistMlp(), [uniform([1, 784], 1), uniform([7, 784], 2)]);
    expect(await onnxNames(bytes)).toEqual({ inputs: ['input'], outputs: ['output'] });
  });

  it('the MNIST CNN (apps/mnist)', async () => {
    // Weights in [-0.1, 0.1] keep the logits near 1 (with 0.5 they reach ~300, where 1e-4 is float32 rounding).
    await expectSameInOnnx(mnistCnn(), [uniform([1, 28, 28, 1], 3), uniform([4, 28, 28, 1], 4)], 5, 0.1);
  });

  it('the sentiment LSTM (apps/sentiment, 200 steps)', async () => {
    await expectSameInOnnx(sentimentLstm(1000, 200), [randomIds(1, 200, 1000, 5), randomIds(3, 200, 1000, 6)]);
  });

  it('the sentiment Transformer (apps/sentiment, 200 steps)', async () => {
    await expectSameInOnnx(sentimentTransformer(1000, 200), [randomIds(1, 200, 1000, 7), randomIds(3, 200, 1000, 8)]);
  });

  it("a fraud-scoring MLP (fraud-detection's MlpClassifier network from toModel(): Dense-ReLU, Dropout, logit, sigmoid)", async () => {
    const model = fraudMlp(30, [64, 32], 3);
    const bytes = await expectSameInOnnx(model, [normal([1, 30], 23), normal([256, 30], 24)], 0, 0);
    expect(bytes.byteLength).toBeGreaterThan(4 * (30 * 64 + 64 * 32 + 32));
  });

  it('layers built with a seed (it only chose the initial weights): Dense, Dropout, LSTM, TransformerEncoder', async () => {
    const model = sequential(
      [lstm({ units: 4, returnSequences: true, seed: 1 }), transformerEncoder({ numHeads: 2, feedForwardDim: 8, dropout: 0.1, seed: 2 }), globalAveragePooling(), dropout({ rate: 0.2, seed: 3 }), dense({ units: 2, seed: 4 })],
      { inputShape: [3, 4] },
    );
    await expectSameInOnnx(model, [normal([2, 3, 4], 1)], 5, 0);
  });

  it('every activation (Dense, Activation), Dense on sequences', async () => {
    const activations = ['linear', 'relu', 'relu6', 'gelu', 'sigmoid', 'tanh', 'softmax', 'leakyRelu', 'elu', 'swish', 'softplus'] as const;
    await expectSameInOnnx(
      sequential([dense({ units: 6, inputShape: [3, 5] }), ...activations.map((a, i) => dense({ units: 6, activation: a, useBias: i % 2 === 0 })), activation({ activation: 'softmax' })]),
      [normal([1, 3, 5], 9), normal([4, 3, 5], 10)],
      5,
      1,
    );
  });

  it('Conv1D (same, valid, strides, dilation), 1D pooling, BatchNormalization on sequences, global max pooling', async () => {
    await expectSameInOnnx(
      sequential([
        conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [17, 3] }),
        maxPool1d({ poolSize: 2 }),
        conv1d({ filters: 5, kernelSize: 2, strides: 2, activation: 'softmax' }),
        batchNormalization(),
        avgPool1d({ poolSize: 3, strides: 1, padding: 'same' }),
        conv1d({ filters: 3, kernelSize: 2, dilationRate: 2, useBias: false }),
        globalMaxPooling(),
      ]),
      [normal([1, 17, 3], 11), normal([3, 17, 3], 12)],
    );
  });

  it('Conv2D (same, strided, dilated, no bias), 2D pooling, BatchNormalization, Dropout, Activation, global pooling', async () => {
    await expectSameInOnnx(
      sequential([
        conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'elu', inputShape: [9, 8, 2] }),
        batchNormalization({ epsilon: 0.01 }),
        avgPool2d({ poolSize: 2, padding: 'same' }),
        dropout({ rate: 0.5 }),
        conv2d({ filters: 3, kernelSize: [2, 3], strides: [1, 2], useBias: false }),
        batchNormalization({ center: false, scale: false }),
        activation({ activation: 'softmax' }),
        maxPool2d({ poolSize: [2, 1], strides: 1, padding: 'same' }),
        conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, padding: 'same', activation: 'gelu' }),
        globalAveragePooling(),
      ]),
      [normal([1, 9, 8, 2], 13), normal([2, 9, 8, 2], 14)],
    );
  });

  it('Reshape, Flatten after a convolution (channels-last order), LayerNormalization, BatchNormalization on vectors, global pooling of rank 5', async () => {
    await expectSameInOnnx(
      sequential([
        conv2d({ filters: 3, kernelSize: 2, inputShape: [4, 5, 2] }),
        flatten(),
        batchNormalization(),
        reshape({ targetShape: [3, -1] }),
        layerNormalization({ epsilon: 1e-5 }),
        reshape({ targetShape: [2, 2, 3, 3] }),
        globalAveragePooling(),
        dense({ units: 2 }),
      ]),
      [normal([1, 4, 5, 2], 15), normal([5, 4, 5, 2], 16)],
    );
  });

  it('SimpleRNN, LSTM, GRU (sequences, go backwards, relu) and Bidirectional LSTM, GRU, SimpleRNN', async () => {
    await expectSameInOnnx(
      sequential([
        simpleRnn({ units: 4, returnSequences: true, inputShape: [6, 3] }),
        lstm({ units: 5, returnSequences: true, goBackwards: true }),
        gru({ units: 4, returnSequences: true, activation: 'relu' }),
        bidirectional({ layer: lstm({ units: 3, returnSequences: true, goBackwards: true }) }),
        bidirectional({ layer: gru({ units: 3, returnSequences: true, useBias: false }) }),
        gru({ units: 3, returnSequences: true, goBackwards: true, recurrentActivation: 'tanh' }),
        bidirectional({ layer: simpleRnn({ units: 2, activation: 'relu' }) }),
        dense({ units: 2 }),
      ]),
      [normal([1, 6, 3], 17), normal([3, 6, 3], 18)],
    );
  });

  it('MultiHeadAttention (causal and not, with and without bias, keyDim), TransformerEncoder (gelu, causal)', async () => {
    await expectSameInOnnx(
      sequential([
        positionalEmbedding({ inputDim: 20, outputDim: 8, sequenceLength: 9, inputShape: [7] }),
        multiHeadAttention({ numHeads: 2 }),
        multiHeadAttention({ numHeads: 3, keyDim: 5, useCausalMask: true, useBias: false }),
        transformerEncoder({ numHeads: 4, feedForwardDim: 16, activation: 'gelu', causal: true, epsilon: 1e-3 }),
        globalAveragePooling(),
      ]),
      [randomIds(1, 7, 20, 19), randomIds(4, 7, 20, 20)],
    );
  });

  it('a functional graph: two inputs (one int32), a shared layer, every merge, Dot on vectors and sequences, two outputs', async () => {
    const a = input({ shape: [4], name: 'a' });
    const ids = input({ shape: [3], name: 'ids', dtype: 'int32' });
    const shared = dense({ units: 4, activation: 'tanh', name: 'shared' });
    const x = shared.connect(a);
    const y = shared.connect(shared.connect(a));
    const e4 = dense({ units: 4 }).connect(flatten().connect(embedding({ inputDim: 10, outputDim: 2 }).connect(ids)));
    const merged = [add(), multiply(), average(), maximum(), minimum()].map((m) => m.connect([x, y, e4]));
    const joined = concatenate({ axis: -1 }).connect([...merged, subtract().connect([x, e4])]);
    const seq = reshape({ targetShape: [6, 4] }).connect(joined);
    const attention = dot({ axes: [2, 2], normalize: true }).connect([seq, seq]);
    const similarity = dot({ axes: 1, normalize: true, name: 'similarity' }).connect([x, e4]);
    const out = dense({ units: 2, activation: 'softmax', name: 'probabilities' }).connect(flatten().connect(dot({ axes: [1, 1] }).connect([attention, seq])));
    const model = functionalModel({ inputs: [a, ids], outputs: [out, similarity], name: 'two_heads' });
    const idBatch = (rows: number[][]) => tf.tensor2d(rows, [rows.length, 3], 'int32');
    const bytes = await expectSameInOnnx(model, [[normal([1, 4], 21), idBatch([[1, 2, 3]])], [normal([2, 4], 22), idBatch([[9, 0, 4], [5, 5, 5]])]]);
    expect(await onnxNames(bytes)).toEqual({ inputs: ['a', 'ids'], outputs: ['probabilities', 'similarity'] });
  });
});

describe('exportOnnx: the file', () => {
  it('is an ONNX model of opset 17, IR version 8, with a dynamic batch dimension and the weights as initializers', async () => {
    const model = mnistMlp();
    const [first, , last] = model.layers.map((l) => l.name);
    const bytes = await exportOnnx(model, { docString: 'digits' });
    model.dispose();
    const decoded = protobuf.Root.fromJSON(ONNX_DESCRIPTOR).lookupType('onnx.ModelProto').toObject(
      protobuf.Root.fromJSON(ONNX_DESCRIPTOR).lookupType('onnx.ModelProto').decode(bytes),
      { longs: Number },
    ) as { irVersion: number; opsetImport: { version: number }[]; docString: string; graph: { input: { type: { tensorType: { shape: { dim: { dimParam?: string; dimValue?: number }[] } } } }[]; initializer: { name: string; dims: number[] }[]; node: { opType: string }[] } };
    expect(ONNX_OPSET).toBe(17);
    expect(decoded.irVersion).toBe(ONNX_IR_VERSION);
    expect(decoded.opsetImport.map((o) => o.version)).toEqual([17]);
    expect(decoded.docString).toBe('digits');
    expect(decoded.graph.input[0]!.type.tensorType.shape.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 784 }]);
    expect(decoded.graph.initializer.map((i) => [i.name, i.dims])).toEqual([
      [`${first}/kernel`, [784, 128]],
      [`${first}/bias`, [128]],
      [`${last}/kernel`, [128, 10]],
      [`${last}/bias`, [10]],
    ]);
    expect(decoded.graph.node.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Gemm', 'Identity']);
  });
});

describe('exportOnnx: what ONNX cannot express is named', () => {
  it('a layer class the exporter does not know', async () => {
    class Doubling extends Layer {
      readonly className = 'Doubling';
      constructor() {
        super({ name: 'twice' }, 'doubling');
      }
      computeOutputShape(shape: Shape): Shape {
        return shape;
      }
      protected call(x: tf.Tensor): tf.Tensor {
        return tf.mul(x, 2);
      }
      getConfig(): Record<string, unknown> {
        return this.baseConfig();
      }
    }
    const model = sequential([new Doubling()], { inputShape: [2] });
    await expect(exportOnnx(model)).rejects.toThrow(/^exportOnnx cannot write Doubling 'twice': it has no ONNX counterpart that Loom knows of\. Layers it can write: Dense, Conv1D/);
    await expect(exportOnnx(model)).rejects.toBeInstanceOf(ExportError);
  });

  it('a recurrent activation ONNX recurrent ops do not have', async () => {
    const model = sequential([lstm({ units: 2, activation: 'gelu', name: 'odd' })], { inputShape: [3, 2] });
    await expect(exportOnnx(model)).rejects.toThrow("Invalid value for `activation` in LSTM 'odd' (exportOnnx). Expected an activation ONNX recurrent ops take: sigmoid, tanh, relu. Received: 'gelu'.");
    model.dispose();
  });

  it('an option the exporter does not know', async () => {
    class CachedAttention extends (multiHeadAttention({ numHeads: 1 }).constructor as typeof import('@loom-ml/layers').MultiHeadAttention) {
      override getConfig(): Record<string, unknown> {
        return { ...super.getConfig(), attentionMask: 'padding' };
      }
    }
    const model = sequential([new CachedAttention({ numHeads: 2, name: 'masked' })], { inputShape: [3, 4] });
    await expect(exportOnnx(model)).rejects.toThrow("exportOnnx cannot write `attentionMask` of MultiHeadAttention 'masked' ('padding'): the exporter does not know this option.");
    model.dispose();
  });
});
