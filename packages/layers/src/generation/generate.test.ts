// generate: the cached path gives the same tokens (and logits) as recomputing the window, across
// context shifts; seeds reproduce; streaming equals awaiting; stop tokens; fallbacks for models
// that cannot decode incrementally; no leaked tensors; errors.
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dense, dropout, generate, input, Layer, LayersError, layerNormalization, lstm, model, multiHeadAttention, positionalEmbedding, sequential, tiedLogits,
  tokenAndPositionEmbedding, transformerDecoder, type GenerateOptions, type Model, type Sequential, type Shape,
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

/** A layer in front of a model that writes down the ids it is given (and where the cache is), then passes them on. */
class RecordIds extends Layer {
  readonly className = 'RecordIds';
  readonly fed: { position: number; ids: number[] }[] = [];
  constructor() {
    super({ inputShape: [CONTEXT] }, 'record_ids');
  }
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }
  protected call(inputs: tf.Tensor): tf.Tensor {
    this.fed.push({ position: 0, ids: Array.from(inputs.dataSync()) });
    return tf.clone(inputs);
  }
  override callWithCache(inputs: tf.Tensor, cache: DecodeCache): tf.Tensor {
    this.fed.push({ position: cache.position, ids: Array.from(inputs.dataSync()) });
    return tf.clone(inputs);
  }
  getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

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

  it('keepPrefix: the same tokens with and without the cache, past the context window several times', async () => {
    for (const keepPrefix of [1, 2, 3]) {
      const greedy: GenerateOptions = { maxNewTokens: 21, temperature: 0, repetitionPenalty: 1.5, keepPrefix };
      const cached = await generate(lm, [1, 5, 2], greedy);
      expect(cached).toHaveLength(21);
      expect(cached).toEqual(await generate(lm, [1, 5, 2], { ...greedy, useCache: false }));
      const sampled: GenerateOptions = { maxNewTokens: 20, temperature: 1.2, topK: 8, repetitionPenalty: 1.3, seed: 11, keepPrefix };
      expect(await generate(lm, [3, 9, 4], sampled)).toEqual(await generate(lm, [3, 9, 4], { ...sampled, useCache: false }));
    }
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
      await generate(lm, [4, 4], { ...options, keepPrefix: 1 });
      await generate(lm, [4, 4], { ...options, keepPrefix: 1, useCache: false });
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

  it('without keepPrefix, the tokens of a seeded run past the context are those generate gave before the option existed', async () => {
    const options: GenerateOptions = { maxNewTokens: 21, temperature: 0.9, topK: 6, seed: 3 };
    const expected = [4, 6, 6, 6, 0, 4, 4, 4, 12, 12, 12, 12, 7, 5, 12, 0, 6, 0, 12, 5, 12]; // recorded with main at 855108d
    expect(await generate(lm, [1, 5, 2], options)).toEqual(expected);
    expect(await generate(lm, [1, 5, 2], { ...options, keepPrefix: 0 })).toEqual(expected);
    expect(await generate(lm, [1, 5, 2], { ...options, keepPrefix: 0, useCache: false })).toEqual(expected);
  });

  it('keepPrefix: 1 keeps the prompt\'s first id at the start of every window the model sees (context 8, so 1 kept + 7 moving)', async () => {
    const recorder = new RecordIds();
    const recorded = sequential([recorder, ...lm.layers]);
    const prompt = [12, 1, 5];
    const options: GenerateOptions = { maxNewTokens: 12, temperature: 0, repetitionPenalty: 1.5, keepPrefix: 1 };
    const cached = await generate(recorded, prompt, options);
    const sequence = [...prompt, ...cached];
    const at = (indices: number[]) => indices.map((i) => sequence[i]!);
    // Worked out by hand: the window grows to 8 ids (0..7); for the 7th new id the sequence has
    // 9 ids, so the window becomes id 0 + the last floor(7 / 2) = 3 ids (6, 7, 8) and grows
    // again to 8 ids (0, 6..12); for the 12th new id it moves on to id 0 + ids 11, 12, 13.
    const windows = [
      [0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5, 6], [0, 1, 2, 3, 4, 5, 6, 7],
      [0, 6, 7, 8], [0, 6, 7, 8, 9], [0, 6, 7, 8, 9, 10], [0, 6, 7, 8, 9, 10, 11], [0, 6, 7, 8, 9, 10, 11, 12],
      [0, 11, 12, 13],
    ];
    // With the cache: the whole window after each move (from position 0), then one id per step.
    expect(recorder.fed).toEqual([
      { position: 0, ids: at(windows[0]!) }, ...[3, 4, 5, 6, 7].map((i) => ({ position: i, ids: at([i]) })),
      { position: 0, ids: at(windows[6]!) }, ...[9, 10, 11, 12].map((i, k) => ({ position: 4 + k, ids: at([i]) })),
      { position: 0, ids: at(windows[11]!) },
    ]);
    expect(recorder.fed.filter((f) => f.position === 0).every((f) => f.ids[0] === 12)).toBe(true);
    recorder.fed.length = 0;
    // Without it: every window, padded on the right to the context.
    expect(await generate(recorded, prompt, { ...options, useCache: false })).toEqual(cached);
    expect(recorder.fed).toEqual(windows.map((w) => ({ position: 0, ids: [...at(w), ...new Array(CONTEXT - w.length).fill(0)] })));
    recorder.dispose();
  });

  it('a prompt longer than the context keeps its last tokens (and its first keepPrefix ones)', async () => {
    const long = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    expect(await generate(lm, long, { maxNewTokens: 3, temperature: 0 })).toEqual(await generate(lm, long.slice(-CONTEXT), { maxNewTokens: 3, temperature: 0 }));
    const recorder = new RecordIds();
    const recorded = sequential([recorder, ...lm.layers]);
    for (const useCache of [true, false]) {
      recorder.fed.length = 0;
      await generate(recorded, long, { maxNewTokens: 1, temperature: 0, keepPrefix: 2, useCache });
      expect(recorder.fed).toEqual([{ position: 0, ids: [1, 2, 6, 7, 8, 9, 10, 11] }]);
    }
    recorder.dispose();
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
    const keepPrefix = (received: string, prompt = 3) => `Invalid value for \`keepPrefix\` in generate. Expected an integer from 0 to the prompt's length (${prompt}), below the model's context of 8. Received: ${received}.`;
    expect(bad({ keepPrefix: -1 }, [1, 2, 3])).toThrow(keepPrefix('-1'));
    expect(bad({ keepPrefix: 1.5 }, [1, 2, 3])).toThrow(keepPrefix('1.5'));
    expect(bad({ keepPrefix: 4 }, [1, 2, 3])).toThrow(keepPrefix('4'));
    expect(bad({ keepPrefix: 8 }, [1, 2, 3, 4, 5, 6, 7, 8, 9])).toThrow(keepPrefix('8', 9));
    expect(bad({ keepPrefix: '1' as unknown as number }, [1, 2, 3])).toThrow(keepPrefix("'1'"));
    expect(() => generate(lm, [1, 2, 3], { maxNewTokens: 1, keepPrefix: 4 })).toThrow(LayersError);
    const classifier = sequential([dense({ units: 2, inputShape: [4], name: 'd' })], { name: 'clf' });
    expect(() => generate(classifier, [1], { maxNewTokens: 1 })).toThrow(
      "generate needs a language model: one input of ids [batch, time] and one output of logits [batch, time, vocabulary]; Sequential 'clf' takes [[4]] and returns [[null,2]].",
    );
    classifier.dispose();
  });
});
