import * as tf from '@tensorflow/tfjs-core';
import { generate } from '@loom-ml/layers';
import { describe, expect, it } from 'vitest';
import { buildModel } from './model.js';
import { generateBatch, pickToken } from './sample.js';
import { seededRandom } from '@loom-ml/core';

describe('pickToken', () => {
  it('is greedy at temperature 0 (ties to the lowest id) and never leaves the top k', () => {
    expect(pickToken(Float32Array.of(0, 3, 3, 1), { temperature: 0 }, Math.random)).toBe(1);
    const random = seededRandom(1);
    const drawn = new Set(Array.from({ length: 500 }, () => pickToken(Float32Array.of(0, 2, 1.5, 3, -1), { temperature: 1, topK: 2 }, random)));
    expect([...drawn].sort()).toEqual([1, 3]);
  });

  it('draws in proportion to softmax(logits / temperature) (2,000 seeded draws, 4 standard errors)', () => {
    const logits = Float32Array.of(1, 0, 2);
    const random = seededRandom(7);
    const counts = [0, 0, 0];
    for (let i = 0; i < 2000; i++) counts[pickToken(logits, { temperature: 2 }, random)]!++;
    const weights = Array.from(logits, (l) => Math.exp(l / 2));
    const total = weights.reduce((a, b) => a + b, 0);
    weights.forEach((w, i) => {
      const p = w / total;
      expect(Math.abs(counts[i]! / 2000 - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / 2000));
    });
  });
});

describe('generateBatch', () => {
  it('gives each row the tokens generate gives its prompt alone (greedy, key/value cache vs recomputed windows), without leaking tensors', async () => {
    const model = buildModel({ vocabularySize: 40, context: 16, embeddingDim: 16, layers: 2, heads: 2, dropout: 0 }, 3);
    const before = tf.memory().numTensors;
    const prompts = [[3, 1, 7], [4, 1, 9], [3, 1, 30]];
    const batched = await generateBatch(model, prompts, { maxNewTokens: 12, temperature: 0, seed: 1 });
    for (let row = 0; row < prompts.length; row++) {
      expect(batched[row]).toEqual(await generate(model, prompts[row]!, { maxNewTokens: 12, temperature: 0, useCache: false }));
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('stops a row after its stop id and refuses a prompt that leaves no room in the window', async () => {
    const model = buildModel({ vocabularySize: 40, context: 8, embeddingDim: 8, layers: 1, heads: 1, dropout: 0 }, 5);
    const [free] = await generateBatch(model, [[3, 1]], { maxNewTokens: 6, temperature: 0, seed: 1 });
    const [stopped] = await generateBatch(model, [[3, 1]], { maxNewTokens: 6, temperature: 0, seed: 1, stopId: free![2] });
    expect(stopped).toEqual(free!.slice(0, free!.indexOf(free![2]!) + 1));
    await expect(generateBatch(model, [[3, 1, 5, 6]], { maxNewTokens: 8, temperature: 0, seed: 1 })).rejects.toThrow("A prompt of 4 ids (keeping 4 when the window moves on) does not fit the model's context of 8.");
    model.dispose();
  });

  it('writes past the context by moving the window as the training rows do: the kept prefix, then the last half-context of ids (greedy, against generate on each window)', async () => {
    const model = buildModel({ vocabularySize: 40, context: 8, embeddingDim: 8, layers: 1, heads: 1, dropout: 0 }, 5);
    const before = tf.memory().numTensors;
    const prompts = [[3, 1], [4, 1]];
    const batched = await generateBatch(model, prompts, { maxNewTokens: 20, temperature: 0, seed: 1, keepPrefix: 1 });
    for (let row = 0; row < prompts.length; row++) {
      const all = [...prompts[row]!];
      let window = [...prompts[row]!];
      for (let step = 0; step < 20; step++) {
        const [next] = await generate(model, window, { maxNewTokens: 1, temperature: 0, useCache: false });
        all.push(next!);
        window = window.length + 1 > 8 ? [prompts[row]![0]!, ...all.slice(-4)] : [...window, next!];
      }
      expect(batched[row]).toEqual(all.slice(2));
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
