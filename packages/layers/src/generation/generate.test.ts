// generate: the cached path gives the same tokens (and logits) as recomputing the window, across
// context shifts; seeds reproduce; streaming equals awaiting; stop tokens; fallbacks for models
// that cannot decode incrementally; no leaked tensors; errors.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dense, dropout, generate, input, layerNormalization, lstm, model, multiHeadAttention, positionalEmbedding, sequential, tiedLogits,
  tokenAndPositionEmbedding, transformerDecoder, type GenerateOptions, type Model, type Sequential,
} from '../index.js';
import { DecodeCache } from './decode-cache.js';

const VOCABULARY = 13;
const CONTEXT = 8;

/** Peaked logits (large initial weights) so that greedy choices are far from ties. */
function decoderModel(options: { tied: boolean; normalizeFirst: boolean; seed: number }): Sequential {
  const embed = tokenAndPositionEmbedding({ vocabularySize: VOCABULARY, sequenceLength: CONTEXT, embeddingDim: 8, embeddingsInitializer: { name: 'randomNormal', seed: options.seed, stddev: options.tied ? 0.5 : 1 }, inputShape: [CONTEXT] });
  return sequential([
    embed,
    transformerDecoder({ numHeads: 2, feedForwardDim: 16, normalizeFirst: options.normalizeFirst, activation: options.normalizeFirst ? 'gelu' : 'relu', dropout: 0.1, kernelInitializer: { name: 'glorotUniform', seed: options.seed + 1 } }),
    transformerDecoder({ numHeads: 4, keyDim: 3, feedForwardDim: 16, normalizeFirst: options.normalizeFirst, kernelInitializer: { name: 'glorotUniform', seed: options.seed + 2 } }),
    dropout({ rate: 0.2 }),
    layerNormalization(),
    options.tied ? tiedLogits({ embedding: embed, useBias: true }) : dense({ units: VOCABULARY, kernelInitializer: { name: 'glorotUniform', seed: options.seed + 3 } }),
  ]);
}

/** Attention and dense layers directly (no decoder block): causal MHA + residual-free stack. */
function attentionModel(): Sequential {
  return sequential([
    positionalEmbedding({ inputDim: VOCABULARY, outputDim: 6, sequenceLength: CONTEXT, embeddingsInitializer: { name: 'randomNormal', seed: 70, stddev: 1 }, inputShape: [CONTEXT] }),
    multiHeadAttention({ numHeads: 2, useCausalMask: true, kernelInitializer: { name: 'glorotUniform', seed: 71 } }),
    dense({ units: 12, activation: 'gelu', kernelInitializer: { name: 'glorotUniform', seed: 72 } }),
    dense({ units: VOCABULARY, kernelInitializer: { name: 'glorotUniform', seed: 73 } }),
  ]);
}

const models = {
  'pre-norm, tied logits': decoderModel({ tied: true, normalizeFirst: true, seed: 60 }),
  'post-norm, dense logits': decoderModel({ tied: false, normalizeFirst: false, seed: 64 }),
  'causal multiHeadAttention and dense layers': attentionModel(),
};
afterAll(() => Object.values(models).forEach((m) => m.dispose()));

const collect = async (iterable: AsyncIterable<number>) => {
  const ids: number[] = [];
  for await (const id of iterable) ids.push(id);
  return ids;
};

describe.each(Object.entries(models))('generate with %s', (_label, lm) => {
  it('the cache gives the logits of recomputing the window at every step (rtol 1e-4, atol 1e-5)', () => {
    const cache = new DecodeCache();
    const tokens = [1, 5, 2];
    tf.tidy(() => {
      let x: tf.Tensor = tf.tensor2d([tokens], [1, 3], 'int32');
      for (let step = 0; step < CONTEXT - 3; step++) {
        for (const layer of lm.layers) x = layer.callWithCache(x, cache)!;
        cache.advance(x.shape[1]!);
        const padded = [...tokens, ...new Array(CONTEXT - tokens.length).fill(0)];
        const full = lm.apply(tf.tensor2d([padded], [1, CONTEXT], 'int32')) as tf.Tensor;
        expectTensorsClose(tf.slice(x, [0, x.shape[1]! - 1, 0], [1, 1, VOCABULARY]), tf.slice(full, [0, tokens.length - 1, 0], [1, 1, VOCABULARY]), { rtol: 1e-4, atol: 1e-5 });
        const next = (step * 7 + 3) % VOCABULARY;
        tokens.push(next);
        x = tf.tensor2d([[next]], [1, 1], 'int32');
      }
    });
    cache.dispose();
  });

  it('greedy: the same tokens with and without the cache, past the context window (3 + 21 tokens, context 8)', async () => {
    // The penalty keeps a tied model from repeating one token, so the test sees varied steps.
    const options: GenerateOptions = { maxNewTokens: 21, temperature: 0, repetitionPenalty: 1.5 };
    const cached = await generate(lm, [1, 5, 2], options);
    const uncached = await generate(lm, [1, 5, 2], { ...options, useCache: false });
    expect(cached).toHaveLength(21);
    expect(cached).toEqual(uncached);
    expect(new Set(cached).size).toBeGreaterThan(1);
  });

  it('sampling with a seed: reproducible, the same with and without the cache, different for another seed', async () => {
    const options: GenerateOptions = { maxNewTokens: 20, temperature: 1.2, topK: 8, topP: 0.95, repetitionPenalty: 1.3, seed: 11 };
    const first = await generate(lm, [3], options);
    expect(await generate(lm, [3], options)).toEqual(first);
    expect(await generate(lm, [3], { ...options, useCache: false })).toEqual(first);
    expect(await generate(lm, [3], { ...options, seed: 12 })).not.toEqual(first);
  });

  it('streams the same ids it returns, and frees everything when the loop stops early', async () => {
    const options: GenerateOptions = { maxNewTokens: 12, temperature: 0.9, seed: 5 };
    const awaited = await generate(lm, [4, 4], options);
    expect(await collect(generate(lm, [4, 4], options))).toEqual(awaited);
    await expectNoLeakedTensors(async () => {
      const streamed: number[] = [];
      for await (const id of generate(lm, [4, 4], options)) {
        streamed.push(id);
        if (streamed.length === 5) break;
      }
      expect(streamed).toEqual(awaited.slice(0, 5));
      await generate(lm, [4, 4], options);
      await generate(lm, [4, 4], { ...options, useCache: false });
    });
  });
});

describe('generate', () => {
  const lm = models['pre-norm, tied logits'];

  it('stops after a stop token, which is the last id returned', async () => {
    const free = await generate(lm, [2], { maxNewTokens: 12, temperature: 0 });
    const stop = free[3]!;
    const stopped = await generate(lm, [2], { maxNewTokens: 12, temperature: 0, stopTokens: [stop] });
    expect(stopped).toEqual(free.slice(0, free.indexOf(stop) + 1));
  });

  it('a prompt longer than the context keeps its last tokens', async () => {
    const long = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    expect(await generate(lm, long, { maxNewTokens: 3, temperature: 0 })).toEqual(await generate(lm, long.slice(-CONTEXT), { maxNewTokens: 3, temperature: 0 }));
  });

  it('models that cannot decode incrementally (an LSTM; a functional model) recompute the window, with the same results as useCache: false', async () => {
    const recurrent = sequential([
      positionalEmbedding({ inputDim: VOCABULARY, outputDim: 4, sequenceLength: CONTEXT, embeddingsInitializer: { name: 'randomNormal', seed: 80, stddev: 1 }, inputShape: [CONTEXT] }),
      lstm({ units: 6, returnSequences: true, kernelInitializer: { name: 'glorotUniform', seed: 81 }, recurrentInitializer: { name: 'orthogonal', seed: 82 } }),
      dense({ units: VOCABULARY, kernelInitializer: { name: 'glorotUniform', seed: 83 } }),
    ]);
    const ids = input({ shape: [CONTEXT], dtype: 'int32' });
    const embed = tokenAndPositionEmbedding({ vocabularySize: VOCABULARY, sequenceLength: CONTEXT, embeddingDim: 6, embeddingsInitializer: { name: 'randomNormal', seed: 84, stddev: 1 } });
    const functional = model({ inputs: ids, outputs: tiedLogits({ embedding: embed }).connect(transformerDecoder({ numHeads: 2, feedForwardDim: 8 }).connect(embed.connect(ids))) });
    for (const m of [recurrent, functional] as Model[]) {
      await expectNoLeakedTensors(async () => {
        const cached = await generate(m, [1, 2], { maxNewTokens: 10, temperature: 0.8, seed: 2 });
        expect(cached).toEqual(await generate(m, [1, 2], { maxNewTokens: 10, temperature: 0.8, seed: 2, useCache: false }));
      });
      m.dispose();
    }
  });

  it('a generation is consumed once', async () => {
    const generation = generate(lm, [1], { maxNewTokens: 2, temperature: 0 });
    const ids = await generation;
    expect(await generation).toEqual(ids); // awaiting again reads the same result
    expect(() => generation[Symbol.asyncIterator]()).toThrow('This generation was already awaited; call generate again to stream another.');
    const streamed = generate(lm, [1], { maxNewTokens: 2, temperature: 0 });
    await collect(streamed);
    expect(() => streamed.then(() => {})).toThrow('This generation was already iterated; call generate again to await another.');
  });

  it('names bad options, prompts and models', () => {
    const bad = (options: Partial<GenerateOptions>, prompt: number[] = [1]) => () => generate(lm, prompt, { maxNewTokens: 1, ...options });
    expect(bad({ maxNewTokens: 0 })).toThrow('Invalid value for `maxNewTokens` in generate. Expected a positive integer. Received: 0.');
    expect(bad({ temperature: -1 })).toThrow('Invalid value for `temperature` in generate. Expected a finite number >= 0 (0 is greedy). Received: -1.');
    expect(bad({ topK: 1.5 })).toThrow('Invalid value for `topK` in generate. Expected a positive integer. Received: 1.5.');
    expect(bad({ topP: 0 })).toThrow('Invalid value for `topP` in generate. Expected a number in (0, 1]. Received: 0.');
    expect(bad({ repetitionPenalty: 0 })).toThrow('Invalid value for `repetitionPenalty` in generate. Expected a positive number (1 is off). Received: 0.');
    expect(bad({ stopTokens: [13] })).toThrow('Invalid value for `stopTokens` in generate. Expected a list of token ids in [0, 13). Received: [13].');
    expect(bad({ seed: 0.5 })).toThrow('Invalid value for `seed` in generate. Expected an integer. Received: 0.5.');
    expect(bad({}, [])).toThrow('Invalid value for `promptIds` in generate. Expected a non-empty list of token ids in [0, 13). Received: [].');
    expect(bad({}, [1, 13])).toThrow('Received: [1, 13].');
    const classifier = sequential([dense({ units: 2, inputShape: [4], name: 'd' })], { name: 'clf' });
    expect(() => generate(classifier, [1], { maxNewTokens: 1 })).toThrow(
      "generate needs a language model: one input of ids [batch, time] and one output of logits [batch, time, vocabulary]; Sequential 'clf' takes [[4]] and returns [[null,2]].",
    );
    classifier.dispose();
  });
});
