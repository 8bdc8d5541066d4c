import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { LayersError, LoomError } from '../errors.js';
import { importTfjsModel } from './import-tfjs-model.js';
import type { TfjsModelArtifacts } from './tfjs-artifacts.js';
import { randomizeWeights, saveToMemory, seeded } from './tfjs-layers-fixtures.js';

async function artifactsOf(layers: tfl.layers.Layer[], name = 'model'): Promise<TfjsModelArtifacts> {
  const model = tfl.sequential({ layers, name });
  const artifacts = await saveToMemory(model);
  model.dispose();
  return artifacts;
}

const mlp = (): Promise<TfjsModelArtifacts> => artifactsOf([tfl.layers.dense({ units: 3, inputShape: [4], name: 'dense' })]);

describe('importTfjsModel errors name the layer, its class and the field', () => {
  it('an unsupported layer class', async () => {
    const artifacts = await artifactsOf([tfl.layers.dense({ units: 2, inputShape: [3], name: 'dense' }), tfl.layers.leakyReLU({ name: 'leaky' })]);
    const error = await importTfjsModel(artifacts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LayersError);
    expect(LoomError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^Invalid value for `class_name` in LeakyReLU 'leaky'\. Expected one of Dense, Conv1D, Conv2D, .*, Bidirectional, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot\. Received: 'LeakyReLU'\.$/);
  });

  it('channels_first', async () => {
    const artifacts = await artifactsOf([tfl.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst', inputShape: [1, 5, 5], name: 'conv2d_1' })]);
    await expect(importTfjsModel(artifacts)).rejects.toThrow("Invalid value for `data_format` in Conv2D 'conv2d_1'. Expected 'channels_last'. Received: 'channels_first'.");
  });

  it("tfjs' default hard_sigmoid recurrent activation, and an activation Loom computes differently (erf gelu)", async () => {
    const lstm = await artifactsOf([tfl.layers.lstm({ units: 2, inputShape: [3, 2], recurrentInitializer: seeded(1), name: 'lstm' })]);
    await expect(importTfjsModel(lstm)).rejects.toThrow(/^Invalid value for `recurrent_activation` in LSTM 'lstm'\. Expected one of 'linear', 'relu', .*'gelu_new' \(the activations Loom computes identically\)\. Received: 'hard_sigmoid'\.$/);
    const dense = await artifactsOf([tfl.layers.dense({ units: 2, activation: 'gelu', inputShape: [3], name: 'dense' })]);
    await expect(importTfjsModel(dense)).rejects.toThrow(/^Invalid value for `activation` in Dense 'dense'\. Expected one of .*Received: 'gelu'\.$/);
  });

  it('options Loom has no counterpart of: recurrent dropout, merge_mode, noise_shape, causal padding, a normalisation axis other than the last', async () => {
    const dropout = await artifactsOf([tfl.layers.simpleRNN({ units: 2, recurrentDropout: 0.2, inputShape: [3, 2], recurrentInitializer: seeded(2), name: 'rnn' })]);
    await expect(importTfjsModel(dropout)).rejects.toThrow("Invalid value for `recurrent_dropout` in SimpleRNN 'rnn'. Expected 0 (Loom recurrent layers have no recurrent dropout). Received: 0.2.");
    const sum = await artifactsOf([tfl.layers.bidirectional({ layer: tfl.layers.simpleRNN({ units: 2, recurrentInitializer: seeded(3) }) as tfl.RNN, mergeMode: 'sum', inputShape: [3, 2], name: 'bi' })]);
    await expect(importTfjsModel(sum)).rejects.toThrow("Invalid value for `merge_mode` in Bidirectional 'bi'. Expected 'concat'. Received: 'sum'.");
    const list = structuredClone(sum);
    const biConfig = (list.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers[0]!.config;
    biConfig.merge_mode = null;
    await expect(importTfjsModel(list)).rejects.toThrow("Invalid value for `merge_mode` in Bidirectional 'bi'. Expected 'concat'. Received: null.");
    const noise = await artifactsOf([tfl.layers.dropout({ rate: 0.2, noiseShape: [1, 3], inputShape: [3], name: 'drop' })]);
    await expect(importTfjsModel(noise)).rejects.toThrow("Invalid value for `noise_shape` in Dropout 'drop'. Expected null (Loom drops each value independently). Received: [1, 3].");
    const causal = await artifactsOf([tfl.layers.conv1d({ filters: 2, kernelSize: 2, padding: 'causal', inputShape: [5, 2], name: 'causal' })]);
    await expect(importTfjsModel(causal)).rejects.toThrow("Invalid value for `padding` in Conv1D 'causal'. Expected 'valid' or 'same'. Received: 'causal'.");
    const axis = await artifactsOf([tfl.layers.batchNormalization({ axis: 1, inputShape: [3, 2], name: 'bn' })]);
    await expect(importTfjsModel(axis)).rejects.toThrow("Invalid value for `axis` in BatchNormalization 'bn'. Expected -1 or 2 (the last axis). Received: 1.");
  });

  it('a weight of the wrong shape (expected vs received)', async () => {
    const artifacts = await mlp();
    artifacts.weightSpecs![0] = { ...artifacts.weightSpecs![0]!, shape: [3, 4] };
    const before = tf.memory().numTensors;
    await expect(importTfjsModel(artifacts)).rejects.toThrow("Invalid value for `kernel` in Dense 'dense'. Expected a weight of shape [4, 3]. Received: [3, 4].");
    // The half-built model is disposed: a failed import leaks no variables.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a weight of the wrong dtype, and a quantization Loom cannot decode', async () => {
    const artifacts = await mlp();
    artifacts.weightSpecs![0] = { ...artifacts.weightSpecs![0]!, dtype: 'int32' };
    await expect(importTfjsModel(artifacts)).rejects.toThrow("Invalid value for `dtype` of weight `dense/kernel` in Dense 'dense'. Expected 'float32'. Received: 'int32'.");
    const halves = await mlp();
    halves.weightSpecs = halves.weightSpecs!.map((spec) => ({ ...spec, quantization: { dtype: 'float16' } }));
    halves.weightData = new ArrayBuffer(2 * 15);
    await expect(importTfjsModel(halves)).rejects.toThrow('Invalid value for `quantization` of weight `dense/kernel` in Dense \'dense\'. Expected none, or uint8/uint16 with scale and min. Received: {"dtype":"float16"}.');
  });

  it('weight bytes that do not add up, a missing weight and a weight no layer owns', async () => {
    const short = await mlp();
    short.weightData = (short.weightData as ArrayBuffer).slice(4);
    await expect(importTfjsModel(short)).rejects.toThrow('Invalid value for `weightData` in the tfjs model. Expected 60 bytes (the sum of the weightSpecs\' sizes). Received: 56 bytes.');
    const missing = await mlp();
    missing.weightSpecs = missing.weightSpecs!.slice(0, 1);
    missing.weightData = (missing.weightData as ArrayBuffer).slice(0, 48);
    await expect(importTfjsModel(missing)).rejects.toThrow("Invalid value for `bias` in Dense 'dense'. Expected a weight 'dense/…/bias' of shape [3] in the weight manifest. Received: none.");
    const extra = await mlp();
    extra.weightSpecs = [...extra.weightSpecs!, { name: 'ghost/kernel', shape: [1], dtype: 'float32' }];
    extra.weightData = new Uint8Array([...new Uint8Array(extra.weightData as ArrayBuffer), 0, 0, 0, 0]).buffer;
    await expect(importTfjsModel(extra)).rejects.toThrow("Invalid value for `weightSpecs` in Sequential 'model'. Expected only weights of its layers. Received: ['ghost/kernel'].");
  });

  it('an unknown model class, a graph model and something that is not a model', async () => {
    const artifacts = await mlp();
    const topology = artifacts.modelTopology as { class_name: string; config: { name: string } };
    const renamed = { ...artifacts, modelTopology: { ...topology, class_name: 'Subclassed', config: { ...topology.config, name: 'custom' } } };
    await expect(importTfjsModel(renamed)).rejects.toThrow("Invalid value for `class_name` in the tfjs model Subclassed 'custom'. Expected 'Sequential', 'Model' or 'Functional'. Received: 'Subclassed'.");
    await expect(importTfjsModel({ ...(await mlp()), format: 'graph-model' })).rejects.toThrow("Invalid value for `format` in the tfjs model. Expected 'layers-model' (graph models from tfjs-converter have no layers to import). Received: 'graph-model'.");
    await expect(importTfjsModel(42 as never)).rejects.toThrow('Invalid value for `artifacts` in importTfjsModel. Expected { modelTopology, weightSpecs, weightData } or a tfjs io handler. Received: 42.');
    await expect(importTfjsModel('exported/model.json' as never)).rejects.toThrow("for a model.json path in Node.js use importTfjsModel(await readTfjsModel(path)) with readTfjsModel from '@loom-ml/layers/node'. Received: 'exported/model.json'.");
  });

  it('an open input dimension needs options.inputShape; with it the predictions match tfjs-layers', async () => {
    const reference = tfl.sequential({ layers: [tfl.layers.simpleRNN({ units: 2, inputShape: [null, 3], recurrentInitializer: seeded(4), name: 'rnn' })] });
    randomizeWeights(reference, 7);
    const artifacts = await saveToMemory(reference);
    await expect(importTfjsModel(artifacts)).rejects.toThrow(
      "Invalid value for `batch_input_shape` in SimpleRNN 'rnn'. Expected a fully known input shape (pass options.inputShape, e.g. { inputShape: [100] }, to fix open dimensions). Received: [null, null, 3].",
    );
    await expect(importTfjsModel(artifacts, { inputShape: [0, 3] })).rejects.toThrow('Invalid value for `inputShape` in importTfjsModel. Expected an array of positive integers without the batch dimension. Received: [0, 3].');
    const model = await importTfjsModel(artifacts, { inputShape: [4, 3] });
    const x = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 5);
    const expected = reference.predict(x) as tf.Tensor;
    const actual = model.apply(x);
    expectTensorsClose(actual, expected, { atol: 1e-5, rtol: 1e-4 });
    tf.dispose([x, expected, actual]);
    model.dispose();
    reference.dispose();
  });

});
