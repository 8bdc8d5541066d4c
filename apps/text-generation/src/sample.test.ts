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

/**
 * The ids greedy decoding gives `prompt` alone when the window moves on as generateBatch moves it
 * (keeping the prompt's first id, then the last half-context of ids), each step computed by
 * `generate` on the whole window without the cache.
 */
async function movingWindowReference(model: ReturnType<typeof buildModel>, prompt: number[], newTokens: number, context: number): Promise<number[]> {
  const all = [...prompt];
  let window = [...prompt];
  for (let step = 0; step < newTokens; step++) {
    const [next] = await generate(model, window, { maxNewTokens: 1, temperature: 0, useCache: false });
    all.push(next!);
    window = window.length + 1 > context ? [prompt[0]!, ...all.slice(-Math.floor(context / 2))] : [...window, next!];
  }
  return all.slice(prompt.length);
}

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
    for (let row = 0; row < prompts.length; row++) expect(batched[row]).toEqual(await movingWindowReference(model, prompts[row]!, 20, 8));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  // Regression (the recorded full run of 2026-12-03 crashed here): a row that had stopped with
  // fewer ids than half the context got a shorter window than the others when the window moved,
  // and the batch's tensor could not be built.
  it('moves the window of a row that stopped early with fewer ids than half the context, while the other rows go on past the context', async () => {
    const model = buildModel({ vocabularySize: 40, context: 8, embeddingDim: 8, layers: 1, heads: 1, dropout: 0 }, 5);
    const before = tf.memory().numTensors;
    // Row 0 stops at its first new id (prompt + 1 id = 3 ids, under the half-context of 4); row 1
    // is the first prompt (in a fixed order) whose 12 greedy ids never hit that stop id, so it
    // runs on past the context (8) and the window moves while row 0 is stopped.
    const stopped = [3, 1];
    const [stopId] = await generate(model, stopped, { maxNewTokens: 1, temperature: 0, useCache: false });
    let going: { prompt: number[]; expected: number[] } | undefined;
    for (let id = 5; id < 40 && going === undefined; id++) {
      const expected = await movingWindowReference(model, [4, id], 12, 8);
      if (!expected.includes(stopId!)) going = { prompt: [4, id], expected };
    }
    expect(going).toBeDefined();
    const batched = await generateBatch(model, [stopped, going!.prompt], { maxNewTokens: 12, temperature: 0, seed: 1, keepPrefix: 1, stopId });
    expect(batched).toEqual([[stopId], going!.expected]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
