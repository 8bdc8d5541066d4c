import * as tf from '@tensorflow/tfjs-core';
import { generate } from '@loom-ml/layers';
import { describe, expect, it } from 'vitest';
import { buildModel } from './model.js';
import { generateBatch, guidedLogits, pickToken } from './sample.js';
import { seededRandom } from '@loom-ml/core';

describe('pickToken', () => {
  it('is greedy at temperature 0 (ties to the lowest id) and never leaves the top k', () => {
    expect(pickToken(Float32Array.of(0, 3, 3, 1), { temperature: 0 }, Math.random)).toBe(1);
    const random = seededRandom(1);
    const drawn = new Set(Array.from({ length: 500 }, () => pickToken(Float32Array.of(0, 2, 1.5, 3, -1), { temperature: 1, topK: 2 }, random)));
    expect([...drawn].sort()).toEqual([1, 3]);
  });

  it('keeps the fewest most likely ids reaching top-p, and penalises repeated ids as generate in @loom-ml/layers does', () => {
    // Temperature 1: shares 0.1, 0.3, 0.6 of ids 0, 1, 2.
    const logits = Float64Array.of(0, Math.log(3), Math.log(6));
    const random = seededRandom(3);
    const draws = (topP: number) => [...new Set(Array.from({ length: 300 }, () => pickToken(logits, { temperature: 1, topP }, random)))].sort();
    expect(draws(0.5)).toEqual([2]);
    expect(draws(0.8)).toEqual([1, 2]);
    expect(draws(0.95)).toEqual([0, 1, 2]);
    // 2 / 1.1 = 1.82 < 1.9; -1 * 1.1 = -1.1 < -1.05.
    expect(pickToken(Float32Array.of(2, 1.9), { temperature: 0, repetitionPenalty: 1.1 }, Math.random, [0])).toBe(1);
    expect(pickToken(Float32Array.of(-1, -1.05), { temperature: 0, repetitionPenalty: 1.1 }, Math.random, [0, 0])).toBe(1);
    expect(pickToken(Float32Array.of(-1, -1.05), { temperature: 0, repetitionPenalty: 1.1 }, Math.random, [1])).toBe(0);
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

describe('contrastive guidance', () => {
  it('samples from asked + g * (asked - opposite): a hand-computed case, and g = 0 returns the asked logits themselves', () => {
    // g = 2: [1 + 2(1 - 0), 2 + 2(2 - 3), 0 + 2(0 - 0.5)] = [3, 0, -1]
    expect(Array.from(guidedLogits(Float32Array.of(1, 2, 0), Float32Array.of(0, 3, 0.5), 2))).toEqual([3, 0, -1]);
    // g = 0.5: [-1 + 0.5(-1 - 1), 4 + 0.5(4 - 4)] = [-2, 4]
    expect(Array.from(guidedLogits([-1, 4], [1, 4], 0.5))).toEqual([-2, 4]);
    const asked = Float32Array.of(0.25, -3);
    expect(guidedLogits(asked, Float32Array.of(9, 9), 0)).toBe(asked);
    expect(() => guidedLogits([1, 2], [1], 1)).toThrow('guidedLogits needs logits of one length; received 2 and 1.');
  });

  // The tokens below are what generateBatch gave on main before guidance existed (commit
  // 9398e1c, the same model, prompts and seed, sampled at temperature 0.8 with top-k 10, the
  // window moving past the context of 8): guidance 0 must leave the sampler bit for bit as it was.
  it('with guidance 0 gives exactly the tokens the sampler gave before guidance existed (seeded sampling, the window moving on)', async () => {
    const model = buildModel({ vocabularySize: 40, context: 8, embeddingDim: 8, layers: 1, heads: 1, dropout: 0 }, 5);
    const before = tf.memory().numTensors;
    const prompts = [[3, 1], [4, 1], [3, 1]];
    const options = { maxNewTokens: 20, temperature: 0.8, topK: 10, seed: 11, keepPrefix: 1, stopId: 2 };
    const recorded = [
      [14, 16, 18, 12, 14, 16, 22, 14, 33, 38, 18, 29, 0, 18, 16, 29, 39, 13, 37, 18],
      [3, 5, 16, 35, 0, 16, 31, 34, 24, 9, 29, 34, 33, 15, 39, 30, 31, 23, 14, 5],
      [14, 16, 14, 5, 2],
    ];
    expect(await generateBatch(model, prompts, options)).toEqual(recorded);
    expect(await generateBatch(model, prompts, { ...options, guidance: 0, oppositePrompts: [[4, 1], [3, 1], [4, 1]] })).toEqual(recorded);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  /**
   * Greedy guided decoding computed without the cache or the batch: at each step the whole
   * window of the asked row and of its opposite row (the same ids after their prompts) through
   * the model, the logits combined here, the most likely id taken. Within the context only.
   */
  function guidedReference(model: ReturnType<typeof buildModel>, prompt: number[], opposite: number[], guidance: number, newTokens: number, context: number): number[] {
    const all: number[] = [];
    const logitsOf = (ids: number[]) =>
      tf.tidy(() => {
        const padded = [...ids, ...Array<number>(context - ids.length).fill(0)];
        const out = model.apply(tf.tensor2d(padded, [1, context], 'int32')) as tf.Tensor;
        return Array.from(tf.slice(out, [0, ids.length - 1, 0], [1, 1, out.shape[2]!]).dataSync());
      });
    for (let step = 0; step < newTokens; step++) {
      const asked = logitsOf([...prompt, ...all]);
      const other = logitsOf([...opposite, ...all]);
      const combined = asked.map((a, i) => a + guidance * (a - other[i]!));
      let best = 0;
      for (let i = 1; i < combined.length; i++) if (combined[i]! > combined[best]!) best = i;
      all.push(best);
    }
    return all;
  }

  it('matches greedy decoding on the combined logits of the asked and the opposite windows computed whole (no cache), without leaking tensors', async () => {
    const model = buildModel({ vocabularySize: 40, context: 16, embeddingDim: 16, layers: 2, heads: 2, dropout: 0 }, 3);
    const before = tf.memory().numTensors;
    const prompts = [[3, 1, 7], [4, 1, 9]];
    const opposite = [[4, 1, 7], [3, 1, 9]];
    const guided = await generateBatch(model, prompts, { maxNewTokens: 10, temperature: 0, seed: 1, guidance: 2, oppositePrompts: opposite, keepPrefix: 1 });
    for (let row = 0; row < prompts.length; row++) expect(guided[row]).toEqual(guidedReference(model, prompts[row]!, opposite[row]!, 2, 10, 16));
    // Guidance changes what is written (else the test above would not test it).
    expect(guided).not.toEqual(await generateBatch(model, prompts, { maxNewTokens: 10, temperature: 0, seed: 1, keepPrefix: 1 }));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses guidance without one opposite prompt of the same length per prompt', async () => {
    const model = buildModel({ vocabularySize: 40, context: 8, embeddingDim: 8, layers: 1, heads: 1, dropout: 0 }, 5);
    await expect(generateBatch(model, [[3, 1]], { maxNewTokens: 2, temperature: 0, seed: 1, guidance: 1 })).rejects.toThrow('Guidance needs one opposite prompt of 2 ids per prompt (1); received 0 of lengths none.');
    await expect(generateBatch(model, [[3, 1]], { maxNewTokens: 2, temperature: 0, seed: 1, guidance: 1, oppositePrompts: [[4, 1, 1]] })).rejects.toThrow('Guidance needs one opposite prompt of 2 ids per prompt (1); received 1 of lengths 3.');
    model.dispose();
  });
});
