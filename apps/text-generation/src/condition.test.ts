import * as tf from '@tensorflow/tfjs-core';
import { deserializeModel, generate, serializeModel } from '@loom-ml/layers';
import { describe, expect, it } from 'vitest';
import { CUSTOM_LAYERS, prefixBroadcast } from './condition.js';
import { buildModel } from './model.js';
import { generateBatch } from './sample.js';

/** Sets every PrefixBroadcast gate of `model` to `values` (they start at zero). */
function setGates(model: { layers: readonly { className: string; weights: readonly { variable: tf.Variable }[] }[] }, values: number[]): void {
  for (const layer of model.layers) if (layer.className === 'PrefixBroadcast') layer.weights[0]!.variable.assign(tf.tensor1d(values));
}

describe('PrefixBroadcast', () => {
  it('adds the first position times the gate to every position, and starts as the identity (against hand-computed values)', () => {
    const x = tf.tensor3d([[[1, 2], [3, 4], [5, 6]], [[-1, 0], [0, 1], [2, 2]]]);
    const layer = prefixBroadcast();
    const before = layer.apply(x);
    expect(Array.from(before.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(layer.trainableWeights.map((w) => w.shape)).toEqual([[2]]);
    layer.trainableWeights[0]!.assign(tf.tensor1d([1, 0.5]));
    const after = layer.apply(x);
    expect(Array.from(after.dataSync())).toEqual([2, 3, 4, 5, 6, 7, -2, 0, -1, 1, 1, 2]);
    tf.dispose([x, before, after]);
    layer.trainableWeights[0]!.dispose();
  });

  it('with the gate open, makes the sentiment token change later outputs far more than attention alone does (same weights otherwise)', () => {
    const ids = (head: number) => tf.tensor2d([[head, 1, 7, 8, 9, 10, 11, 12]], [1, 8], 'int32');
    const spread = (broadcastPrefix: boolean) => {
      const model = buildModel({ vocabularySize: 40, context: 8, embeddingDim: 16, layers: 1, heads: 2, dropout: 0, broadcastPrefix }, 4);
      setGates(model, Array.from({ length: 16 }, () => 1));
      const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(model.apply(ids(3)), [0, 7, 0], [1, 1, 40]), tf.slice(model.apply(ids(4)), [0, 7, 0], [1, 1, 40])))).dataSync()[0]!);
      model.dispose();
      return gap;
    };
    expect(spread(true)).toBeGreaterThan(5 * spread(false));
  });

  it('decodes with the key/value cache exactly as without it, and survives saving and loading with CUSTOM_LAYERS, without leaking tensors', async () => {
    const model = buildModel({ vocabularySize: 40, context: 16, embeddingDim: 16, layers: 2, heads: 2, dropout: 0, broadcastPrefix: true }, 3);
    setGates(model, Array.from({ length: 16 }, (_, i) => 0.5 + 0.1 * i));
    const before = tf.memory().numTensors;
    const prompts = [[3, 1, 7], [4, 1, 7]];
    const batched = await generateBatch(model, prompts, { maxNewTokens: 10, temperature: 0, seed: 1 });
    for (let row = 0; row < 2; row++) {
      expect(batched[row]).toEqual(await generate(model, prompts[row]!, { maxNewTokens: 10, temperature: 0, useCache: false }));
      expect(await generate(model, prompts[row]!, { maxNewTokens: 10, temperature: 0, useCache: true })).toEqual(batched[row]);
    }
    expect(batched[0]).not.toEqual(batched[1]);
    const loaded = deserializeModel(await serializeModel(model), { customLayers: CUSTOM_LAYERS });
    expect(loaded.layers.map((l) => l.className)).toContain('PrefixBroadcast');
    expect(await generate(loaded, prompts[1]!, { maxNewTokens: 10, temperature: 0 })).toEqual(batched[1]);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
