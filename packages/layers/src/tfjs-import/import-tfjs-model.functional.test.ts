// Functional tfjs-layers models (several inputs and outputs, shared layers, merge layers)
// import as Loom FunctionalModels that predict what tfjs-layers predicts.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { FunctionalModel } from '../functional/functional-model.js';
import { deserializeModel, serializeModel } from '../serialization/portable.js';
import { importTfjsModel } from './import-tfjs-model.js';
import type { TfjsModelArtifacts } from './tfjs-artifacts.js';
import { randomizeWeights, saveToMemory } from './tfjs-layers-fixtures.js';

// Reference: tfjs-layers' own predict() on the cpu backend. Different float32 op orders, so
// the outputs agree to float32 rounding: atol 1e-5, rtol 1e-4 (as for the Sequential imports).
const TOLERANCE = { atol: 1e-5, rtol: 1e-4 };

/** User and item ids → embeddings → one shared Dense tower → cosine, plus a concatenated head. */
function twoTowerTfjs(): tfl.LayersModel {
  const user = tfl.input({ shape: [1], name: 'user', dtype: 'int32' });
  const item = tfl.input({ shape: [1], name: 'item', dtype: 'int32' });
  const u = tfl.layers.flatten({ name: 'user_vector' }).apply(tfl.layers.embedding({ inputDim: 7, outputDim: 4, name: 'user_table' }).apply(user)) as tfl.SymbolicTensor;
  const v = tfl.layers.flatten({ name: 'item_vector' }).apply(tfl.layers.embedding({ inputDim: 9, outputDim: 4, name: 'item_table' }).apply(item)) as tfl.SymbolicTensor;
  const tower = tfl.layers.dense({ units: 3, activation: 'tanh', name: 'tower' });
  const tu = tower.apply(u) as tfl.SymbolicTensor;
  const tv = tower.apply(v) as tfl.SymbolicTensor;
  const cosine = tfl.layers.dot({ axes: 1, normalize: true, name: 'cosine' }).apply([tu, tv]) as tfl.SymbolicTensor;
  const joined = tfl.layers.concatenate({ name: 'joined' }).apply([tu, tv]) as tfl.SymbolicTensor;
  const rating = tfl.layers.dense({ units: 1, activation: 'sigmoid', name: 'rating' }).apply(joined) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [user, item], outputs: [cosine, rating], name: 'two_tower' });
}

/** Every merge layer tfjs-layers and Loom share, on two float inputs (tfjs-layers has no Subtract: see below). */
function everyMergeTfjs(): tfl.LayersModel {
  const a = tfl.input({ shape: [4], name: 'a' });
  const b = tfl.input({ shape: [4], name: 'b' });
  const ha = tfl.layers.dense({ units: 3, name: 'ha' }).apply(a) as tfl.SymbolicTensor;
  const hb = tfl.layers.dense({ units: 3, name: 'hb' }).apply(b) as tfl.SymbolicTensor;
  const pair = [ha, hb];
  const merged = tfl.layers.concatenate({ axis: -1, name: 'all' }).apply([
    tfl.layers.add({ name: 'sum' }).apply(pair) as tfl.SymbolicTensor,
    tfl.layers.multiply({ name: 'product' }).apply(pair) as tfl.SymbolicTensor,
    tfl.layers.average({ name: 'mean' }).apply(pair) as tfl.SymbolicTensor,
    tfl.layers.maximum({ name: 'largest' }).apply(pair) as tfl.SymbolicTensor,
    tfl.layers.minimum({ name: 'smallest' }).apply(pair) as tfl.SymbolicTensor,
    tfl.layers.dot({ axes: [1, 1], name: 'inner' }).apply(pair) as tfl.SymbolicTensor,
  ]) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [a, b], outputs: tfl.layers.dense({ units: 2, name: 'head' }).apply(merged) as tfl.SymbolicTensor, name: 'every_merge' });
}

function ids(): tf.Tensor[] {
  return [tf.tensor2d([[0], [3], [6], [1]], undefined, 'int32'), tf.tensor2d([[8], [0], [4], [4]], undefined, 'int32')];
}

function floats(): tf.Tensor[] {
  return [tf.randomNormal([5, 4], 0, 1, 'float32', 21), tf.randomNormal([5, 4], 0, 1, 'float32', 22)];
}

async function expectSamePredictions(build: () => tfl.LayersModel, makeInputs: () => tf.Tensor[], transform = (a: TfjsModelArtifacts) => a): Promise<FunctionalModel> {
  const reference = build();
  randomizeWeights(reference, 3);
  const artifacts = transform(await saveToMemory(reference));
  const model = await importTfjsModel<FunctionalModel>(artifacts);
  expect(model).toBeInstanceOf(FunctionalModel);
  const inputs = makeInputs();
  const expected = [reference.predict(inputs)].flat() as tf.Tensor[];
  const actual = [model.apply(inputs)].flat();
  expect(actual.map((t) => t.shape)).toEqual(expected.map((t) => t.shape));
  actual.forEach((t, i) => expectTensorsClose(t, expected[i]!, TOLERANCE));
  tf.dispose([...inputs, ...expected, ...actual]);
  reference.dispose();
  return model;
}

/** Rewrites tfjs-layers' inbound nodes in the Keras 3 form (`{ args, kwargs }` with `__keras_tensor__`s). */
function asKeras3(artifacts: TfjsModelArtifacts): TfjsModelArtifacts {
  const topology = structuredClone(artifacts.modelTopology) as { class_name: string; config: { layers: { inbound_nodes: unknown[][] }[] } };
  topology.class_name = 'Functional';
  for (const layer of topology.config.layers) {
    layer.inbound_nodes = layer.inbound_nodes.map((call) => {
      const tensors = (call as [string, number, number][]).map(([name, node, tensor]) => ({ class_name: '__keras_tensor__', config: { shape: null, dtype: 'float32', keras_history: [name, node, tensor] } }));
      return { args: tensors.length === 1 ? tensors : [tensors], kwargs: {} } as never;
    });
  }
  return { ...artifacts, modelTopology: topology };
}

describe('importTfjsModel with functional models', () => {
  it('a two-input, two-output recommender with a shared tower, dot(normalize) and concatenate', async () => {
    const model = await expectSamePredictions(twoTowerTfjs, ids);
    expect(model.name).toBe('two_tower');
    expect(model.inputs.map((t) => [t.name, t.dtype])).toEqual([['user', 'int32'], ['item', 'int32']]);
    expect(model.layers.filter((l) => l.name === 'tower')).toHaveLength(1);
    expect(model.getConfig().nodes.filter((n) => n.layer === 'tower')).toHaveLength(2);
    expect(model.outputShapes).toEqual([[null, 1], [null, 1]]);
    model.dispose();
  });

  it('every merge layer tfjs-layers has (add, multiply, average, maximum, minimum, concatenate, dot)', async () => {
    const model = await expectSamePredictions(everyMergeTfjs, floats);
    expect(model.layers.map((l) => l.className).sort()).toEqual(['Add', 'Average', 'Concatenate', 'Dense', 'Dense', 'Dense', 'Dot', 'Maximum', 'Minimum', 'Multiply']);
    model.dispose();
  });

  it('Keras Subtract (which tfjs-layers cannot build): equals the difference of tfjs-layers\' own outputs', async () => {
    // tfjs-layers saves an Add; renamed to Subtract, Loom must compute ha - hb, checked against
    // ha and hb as tfjs-layers predicts them.
    const a = tfl.input({ shape: [4], name: 'a' });
    const b = tfl.input({ shape: [4], name: 'b' });
    const ha = tfl.layers.dense({ units: 3, name: 'ha' }).apply(a) as tfl.SymbolicTensor;
    const hb = tfl.layers.dense({ units: 3, name: 'hb' }).apply(b) as tfl.SymbolicTensor;
    const merged = tfl.layers.add({ name: 'difference' }).apply([ha, hb]) as tfl.SymbolicTensor;
    const reference = tfl.model({ inputs: [a, b], outputs: [merged, ha, hb] });
    randomizeWeights(reference, 5);
    const artifacts = await saveToMemory(reference);
    const topology = structuredClone(artifacts.modelTopology) as { config: { layers: { name: string; class_name: string }[] } };
    topology.config.layers.find((l) => l.name === 'difference')!.class_name = 'Subtract';
    const model = await importTfjsModel<FunctionalModel>({ ...artifacts, modelTopology: topology });
    const inputs = floats();
    const tfjsOutputs = reference.predict(inputs) as tf.Tensor[];
    const loomOutputs = model.apply(inputs) as tf.Tensor[];
    const expected = tf.sub(tfjsOutputs[1]!, tfjsOutputs[2]!);
    expectTensorsClose(loomOutputs[0]!, expected, TOLERANCE);
    expectTensorsClose(loomOutputs[1]!, tfjsOutputs[1]!, TOLERANCE);
    tf.dispose([...inputs, ...tfjsOutputs, ...loomOutputs, expected]);
    model.dispose();
    reference.dispose();
  });

  it('the Keras 3 topology form (class Functional, inbound nodes as { args, kwargs })', async () => {
    const model = await expectSamePredictions(twoTowerTfjs, ids, asKeras3);
    model.dispose();
  });

  it('a one-input functional model with an open sequence length, fixed by options.inputShape', async () => {
    const sequence = tfl.input({ shape: [null, 3], name: 'sequence' });
    const encoded = tfl.layers.simpleRNN({ units: 2, returnSequences: true, name: 'rnn', recurrentInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }).apply(sequence) as tfl.SymbolicTensor;
    const residual = tfl.layers.add({ name: 'residual' }).apply([encoded, tfl.layers.dense({ units: 2, name: 'skip' }).apply(sequence) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
    const reference = tfl.model({ inputs: sequence, outputs: residual, name: 'open_length' });
    randomizeWeights(reference, 9);
    const artifacts = await saveToMemory(reference);
    await expect(importTfjsModel(artifacts)).rejects.toThrow(
      "Invalid value for `batch_input_shape` in InputLayer 'sequence'. Expected a fully known input shape (for a one-input model pass options.inputShape, e.g. { inputShape: [100] }). Received: [null, null, 3].",
    );
    const model = await importTfjsModel<FunctionalModel>(artifacts, { inputShape: [5, 3] });
    expect(model.inputShape).toEqual([5, 3]);
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 23);
    const expected = reference.predict(x) as tf.Tensor;
    const actual = model.apply(x) as tf.Tensor;
    expectTensorsClose(actual, expected, TOLERANCE);
    tf.dispose([x, expected, actual]);
    model.dispose();
    reference.dispose();
  });

  it('an imported functional model saves and loads with Loom with identical predictions', async () => {
    const model = await expectSamePredictions(everyMergeTfjs, floats);
    const copy = deserializeModel<FunctionalModel>(await serializeModel(model));
    const inputs = floats();
    const [expected, actual] = [model.apply(inputs) as tf.Tensor, copy.apply(inputs) as tf.Tensor];
    expectTensorsClose(actual, expected, { rtol: 0, atol: 0 });
    tf.dispose([...inputs, expected, actual]);
    model.dispose();
    copy.dispose();
  });

  it('refuses what it cannot rebuild, naming the layer and field, and leaks nothing', async () => {
    const reference = twoTowerTfjs();
    const artifacts = await saveToMemory(reference);
    reference.dispose();
    const edit = (change: (layers: { name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }[]) => void): TfjsModelArtifacts => {
      const topology = structuredClone(artifacts.modelTopology) as { config: { layers: { name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }[] } };
      change(topology.config.layers);
      return { ...artifacts, modelTopology: topology };
    };
    const layer = (layers: { name: string }[], name: string) => layers.find((l) => l.name === name)! as { name: string; config: Record<string, unknown>; inbound_nodes: unknown[] };
    await expectNoLeakedTensors(async () => {
      await expect(importTfjsModel(edit((layers) => { layer(layers, 'cosine').inbound_nodes = [[['tower', 0, 0, {}], ['nowhere', 0, 0, {}]]]; }))).rejects.toThrow(
        "Invalid value for `inbound_nodes` in Dot 'cosine'. Expected calls on tensors of the model (its inputs or other layers' calls). Received: [['tower', 0, 0], ['nowhere', 0, 0]].",
      );
      await expect(importTfjsModel(edit((layers) => { layer(layers, 'rating').inbound_nodes = [[['joined', 0, 0, { mask: 'x' }]]]; }))).rejects.toThrow(
        "Invalid value for `inbound_nodes` in Dense 'rating'. Expected calls without keyword arguments such as mask (Loom layers take only their inputs). Received: {\"mask\":\"x\"}.",
      );
      await expect(importTfjsModel(edit((layers) => { layer(layers, 'rating').inbound_nodes = [[['joined', 0, 1, {}]]]; }))).rejects.toThrow(
        "Invalid value for `inbound_nodes` in Dense 'rating'. Expected tensor index 0 (Loom layers have one output). Received: ['joined', 0, 1].",
      );
      await expect(importTfjsModel(edit((layers) => { layer(layers, 'user').config.dtype = 'string'; }))).rejects.toThrow(
        "Invalid value for `dtype` in InputLayer 'user'. Expected 'float32' or 'int32'. Received: 'string'.",
      );
      await expect(importTfjsModel(edit((layers) => { layer(layers, 'joined').config.axis = 0; }))).rejects.toThrow(
        "Invalid value for `axis` in Concatenate 'joined'. Expected a non-zero integer (axis 0 is the batch). Received: 0.",
      );
      // A valid graph whose shapes do not fit: the tower's second call sees a different width.
      await expect(importTfjsModel(edit((layers) => { layer(layers, 'item_table').config.output_dim = 5; }))).rejects.toThrow(
        "Dense 'tower' expected input of shape [null,4], received shape [null,5].",
      );
      await expect(importTfjsModel(artifacts, { inputShape: [1] })).rejects.toThrow(
        'Invalid value for `inputShape` in importTfjsModel. Expected no inputShape for a model with 2 inputs (their saved shapes must be fully known). Received: [1].',
      );
    });
  });
});
