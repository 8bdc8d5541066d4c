// Functional models: summary(), and save/load through every path (serializeModel, saveModel
// to a directory and to a .loom file) with identical predictions and the graph preserved.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { dense } from '../core/layers/dense.js';
import { dropout } from '../core/layers/dropout.js';
import { embedding } from '../core/layers/embedding.js';
import { add, average, maximum, minimum, multiply, subtract } from '../core/layers/merge.js';
import { concatenate } from '../core/layers/merge-concatenate.js';
import { dot } from '../core/layers/merge-dot.js';
import { flatten } from '../core/layers/reshaping.js';
import { loadModel, saveModel } from '../node/files.js';
import { deserializeModel, modelContainerParts, modelFromArtifacts, serializeModel } from '../serialization/portable.js';
import { FunctionalModel, model } from './functional-model.js';
import { input } from './symbolic-tensor.js';

/** User and item ids → embeddings → one shared Dense tower → cosine. */
function twoTower() {
  const user = input({ shape: [1], name: 'user', dtype: 'int32' });
  const item = input({ shape: [1], name: 'item', dtype: 'int32' });
  const u = flatten({ name: 'user_vector' }).connect(embedding({ inputDim: 10, outputDim: 4, name: 'user_table', embeddingsInitializer: { name: 'randomNormal', seed: 1 } }).connect(user));
  const v = flatten({ name: 'item_vector' }).connect(embedding({ inputDim: 20, outputDim: 4, name: 'item_table', embeddingsInitializer: { name: 'randomNormal', seed: 2 } }).connect(item));
  const tower = dense({ units: 4, name: 'tower', kernelInitializer: { name: 'glorotUniform', seed: 3 } });
  const score = dot({ axes: 1, normalize: true, name: 'cosine' }).connect([tower.connect(u), tower.connect(v)]);
  return model({ inputs: [user, item], outputs: score, name: 'two_tower' });
}

/** Every merge layer in one graph, two outputs, a dropout that is inactive at inference. */
function everyMerge() {
  const a = input({ shape: [3], name: 'a' });
  const b = input({ shape: [3], name: 'b' });
  const ha = dense({ units: 3, activation: 'tanh', kernelInitializer: { name: 'glorotUniform', seed: 4 } }).connect(a);
  const hb = dense({ units: 3, activation: 'tanh', kernelInitializer: { name: 'glorotUniform', seed: 5 } }).connect(dropout({ rate: 0.3, seed: 1 }).connect(b));
  const merged = concatenate().connect([
    add().connect([ha, hb]), subtract().connect([ha, hb]), multiply().connect([ha, hb]),
    average().connect([ha, hb]), maximum().connect([ha, hb]), minimum().connect([ha, hb]),
  ]);
  const score = dense({ units: 1, kernelInitializer: { name: 'glorotUniform', seed: 6 } }).connect(merged);
  const similarity = dot({ axes: -1 }).connect([ha, hb]);
  return model({ inputs: [a, b], outputs: [score, similarity], name: 'every_merge' });
}

function sampleIds() {
  return [tf.tensor2d([[0], [3], [9]], undefined, 'int32'), tf.tensor2d([[19], [0], [7]], undefined, 'int32')];
}

describe('FunctionalModel.summary', () => {
  it('lists inputs and layers with output shapes, params and what each is connected to', () => {
    const recommender = twoTower();
    const lines = recommender.summary().split('\n');
    expect(lines[0]).toBe('Model: two_tower (Functional)');
    expect(lines[2]).toMatch(/^Layer \(type\)\s+Output shape\s+Params {2}Connected to$/);
    const row = (name: string) => lines.find((l) => l.startsWith(`${name} (`))!.split(/\s{2,}/);
    expect(row('user')).toEqual(['user (InputLayer)', '[null,1]', '0']);
    expect(row('user_table')).toEqual(['user_table (Embedding)', '[null,1,4]', '40', 'user[0]']);
    // The shared tower: both calls listed, its 4*4 + 4 parameters counted once.
    expect(row('tower')).toEqual(['tower (Dense)', '[null,4]', '20', 'user_vector[0]; item_vector[0]']);
    expect(row('cosine')).toEqual(['cosine (Dot)', '[null,1]', '0', 'tower[0], tower[1]']);
    expect(lines).toContain('Total params: 140'); // 10*4 + 20*4 + 20
    recommender.dispose();
  });
});

describe('FunctionalModel save / load', () => {
  it('stores the graph in its config: inputs, each layer once, calls and outputs', () => {
    const recommender = twoTower();
    const config = recommender.getConfig();
    expect(config.inputs).toEqual([{ name: 'user', shape: [1], dtype: 'int32' }, { name: 'item', shape: [1], dtype: 'int32' }]);
    expect(config.layers.map((l) => l.config.name)).toEqual(['user_table', 'user_vector', 'tower', 'item_table', 'item_vector', 'cosine']);
    expect(config.nodes.filter((n) => n.layer === 'tower').map((n) => n.inbound)).toEqual([[['user_vector', 0]], [['item_vector', 0]]]);
    expect(config.nodes.at(-1)).toEqual({ layer: 'cosine', inbound: [['tower', 0], ['tower', 1]] });
    expect(config.outputs).toEqual([['cosine', 0]]);
    recommender.dispose();
  });

  it.each([
    ['two-tower with a shared layer', twoTower, sampleIds],
    ['every merge layer, two outputs', everyMerge, () => [tf.randomNormal([4, 3], 0, 1, 'float32', 7), tf.randomNormal([4, 3], 0, 1, 'float32', 8)]],
  ])('%s: serializeModel / deserializeModel give identical predictions and config', async (_label, make, makeInputs) => {
    const original = make();
    const inputs = makeInputs();
    const copy = deserializeModel<FunctionalModel>(await serializeModel(original));
    expect(copy).toBeInstanceOf(FunctionalModel);
    expect(copy.getConfig()).toEqual(original.getConfig());
    expect(copy.layers.length).toBe(original.layers.length);
    expect(copy.weights.map((w) => w.path)).toEqual(original.weights.map((w) => w.path));
    const expected = [original.apply(inputs)].flat();
    const actual = [copy.apply(inputs)].flat();
    expect(actual.length).toBe(expected.length);
    actual.forEach((t, i) => expectTensorsClose(t, expected[i]!, { rtol: 0, atol: 0 }));
    tf.dispose([...inputs, ...expected, ...actual]);
    original.dispose();
    copy.dispose();
  });

  it('loads a shared layer as one layer called twice', async () => {
    const original = twoTower();
    const copy = deserializeModel<FunctionalModel>(await serializeModel(original));
    original.dispose();
    const towers = copy.layers.filter((l) => l.name === 'tower');
    expect(towers).toHaveLength(1);
    expect(copy.getConfig().nodes.filter((n) => n.layer === 'tower')).toHaveLength(2);
    copy.dispose();
  });

  it('saves to a directory and to a .loom file and loads identical predictions', async () => {
    const recommender = twoTower();
    const inputs = sampleIds();
    const expected = recommender.apply(inputs) as tf.Tensor;
    const dir = mkdtempSync(join(tmpdir(), 'loom-functional-'));
    for (const path of [join(dir, 'two-tower'), join(dir, 'two-tower.loom')]) {
      await saveModel(recommender, path);
      const loaded = await loadModel<FunctionalModel>(path);
      expect(loaded.inputShapes).toEqual([[1], [1]]);
      const actual = loaded.apply(inputs) as tf.Tensor;
      expectTensorsClose(actual, expected, { rtol: 0, atol: 0 });
      tf.dispose(actual);
      loaded.dispose();
    }
    tf.dispose([...inputs, expected]);
    recommender.dispose();
  });

  it('refuses a broken graph with a clear error and leaks nothing', async () => {
    const recommender = twoTower();
    const { header, payload: data } = await modelContainerParts(recommender);
    recommender.dispose();
    const broken = structuredClone(header);
    ((broken.metadata as { model: { nodes: unknown } }).model.nodes as { layer: string }[])[2]!.layer = 'missing_tower';
    expectNoLeakedTensors(() => {
      expect(() => modelFromArtifacts(broken, data)).toThrow("Invalid value for `nodes[2].layer` in the saved Functional 'two_tower'. Expected the name of one of its layers. Received: 'missing_tower'.");
    });
    const dangling = structuredClone(header);
    ((dangling.metadata as { model: { nodes: unknown } }).model.nodes as { inbound: unknown }[])[0]!.inbound = [['nobody', 0]];
    expect(() => modelFromArtifacts(dangling, data)).toThrow(/Invalid value for `nodes\[0\].inbound` in the saved Functional 'two_tower'. Expected references \[name, call\] to inputs or to earlier calls. Received: \[\['nobody', 0\]\]./);
    const truncated = data.slice(0, 16);
    expectNoLeakedTensors(() => {
      expect(() => modelFromArtifacts(header, truncated)).toThrow(/The file is truncated/);
    });
  });
});
