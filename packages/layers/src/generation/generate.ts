import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, LayersError } from '../errors.js';
import type { Model } from '../model/model.js';
import { Sequential } from '../model/sequential.js';
import { DecodeCache } from './decode-cache.js';
import { pickToken, seededRandom, type SamplingOptions } from './sampling.js';

/** Options of `generate`. Only `maxNewTokens` is required. */
export interface GenerateOptions {
  /** Most tokens to produce (fewer when a stop token comes first). */
  maxNewTokens: number;
  /** Softmax temperature: 0 is greedy (the most likely token every time), 1 samples the model's distribution, higher flattens it. Default 1. */
  temperature?: number;
  /** Sample among the `topK` most likely tokens only (tokens tied with the k-th stay in). Default: all. */
  topK?: number;
  /** Nucleus sampling: the fewest most likely tokens whose probabilities add up to at least `topP`. In (0, 1]; default 1 (all). */
  topP?: number;
  /** > 1 discourages tokens already in the prompt or the output (CTRL: positive logits divided, negative multiplied). Default 1 (off). */
  repetitionPenalty?: number;
  /** Stop after producing any of these ids (it is the last id returned). */
  stopTokens?: readonly number[];
  /** Seed of the sampler: the same seed, model and prompt give the same tokens. Default: `Math.random`. */
  seed?: number;
  /**
   * Decode incrementally with a key/value cache (each new token costs one step, not the whole
   * window) when every layer supports it (`callWithCache`); otherwise, or with false, every
   * token recomputes the window. Same tokens either way. Default true.
   */
  useCache?: boolean;
  /**
   * How many of the prompt's first ids stay at the start of the window the model sees once the
   * sequence is longer than its context (a conditioning or control token, a task prefix):
   * the window is then those ids followed by the latest ones. An integer from 0 to the prompt's
   * length, below the context. Default 0: the window keeps only the latest ids.
   *
   * @example
   * // ids[0] is a sentiment token: keep it however long the review gets.
   * await generate(model, [sentimentId, bosId, ...tokenizer.encode('The movie')], { maxNewTokens: 500, keepPrefix: 1 });
   */
  keepPrefix?: number;
}

interface CheckedOptions extends SamplingOptions {
  maxNewTokens: number;
  stopTokens: Set<number>;
  seed: number | undefined;
  useCache: boolean;
  keepPrefix: number;
}

const WHERE = 'generate';

function checkOptions(options: GenerateOptions, vocabulary: number): CheckedOptions {
  if (options === null || typeof options !== 'object') throw invalidValue('options', WHERE, '{ maxNewTokens, temperature?, topK?, topP?, repetitionPenalty?, stopTokens?, seed?, useCache?, keepPrefix? }', options);
  const { maxNewTokens, temperature = 1, topK, topP = 1, repetitionPenalty = 1, stopTokens = [], seed, useCache = true, keepPrefix = 0 } = options;
  if (!(Number.isSafeInteger(maxNewTokens) && maxNewTokens > 0)) throw invalidValue('maxNewTokens', WHERE, 'a positive integer', maxNewTokens);
  if (!(typeof temperature === 'number' && Number.isFinite(temperature) && temperature >= 0)) throw invalidValue('temperature', WHERE, 'a finite number >= 0 (0 is greedy)', temperature);
  if (topK !== undefined && !(Number.isSafeInteger(topK) && topK > 0)) throw invalidValue('topK', WHERE, 'a positive integer', topK);
  if (!(typeof topP === 'number' && topP > 0 && topP <= 1)) throw invalidValue('topP', WHERE, 'a number in (0, 1]', topP);
  if (!(typeof repetitionPenalty === 'number' && Number.isFinite(repetitionPenalty) && repetitionPenalty > 0)) throw invalidValue('repetitionPenalty', WHERE, 'a positive number (1 is off)', repetitionPenalty);
  if (!Array.isArray(stopTokens) || !stopTokens.every((id) => Number.isInteger(id) && id >= 0 && id < vocabulary)) {
    throw invalidValue('stopTokens', WHERE, `a list of token ids in [0, ${vocabulary})`, Array.isArray(stopTokens) ? stopTokens.slice(0, 10) : stopTokens);
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw invalidValue('seed', WHERE, 'an integer', seed);
  if (typeof useCache !== 'boolean') throw invalidValue('useCache', WHERE, 'a boolean', useCache);
  return { maxNewTokens, temperature, topK, topP, repetitionPenalty, stopTokens: new Set(stopTokens), seed, useCache, keepPrefix };
}

/** The context length and vocabulary of a language model: input `[time]` of ids, output `[null, time, vocabulary]`. */
function languageModelShape(model: Model): { context: number; vocabulary: number } {
  const inputs = model?.inputShapes;
  const outputs = model?.outputShapes;
  if (!Array.isArray(inputs) || typeof model.apply !== 'function') throw invalidValue('model', WHERE, 'a model from @loom-ml/layers (sequential or model())', typeof model);
  const [input] = inputs;
  const [output] = outputs;
  if (inputs.length !== 1 || input!.length !== 1 || outputs.length !== 1 || output!.length !== 3 || output![1] !== input![0]) {
    throw new LayersError(
      `generate needs a language model: one input of ids [batch, time] and one output of logits [batch, time, vocabulary]; ${model.className} '${model.name}' takes ${JSON.stringify(inputs)} and returns ${JSON.stringify(outputs)}.`,
    );
  }
  return { context: input![0]!, vocabulary: output![2] as number };
}

/**
 * Runs `model` on ids `[1, n]` one layer at a time with the cache (`callWithCache`), returning
 * the last step's logits `[vocabulary]`, or null when a layer cannot decode incrementally.
 */
function cachedLogits(model: Sequential, ids: number[], cache: DecodeCache): tf.Tensor1D | null {
  const logits = tf.tidy(() => {
    let x: tf.Tensor | null = tf.tensor2d(ids, [1, ids.length], 'int32');
    for (const layer of model.layers) {
      x = layer.callWithCache(x, cache);
      if (x === null) return [];
    }
    const [, time, vocabulary] = x.shape as [number, number, number];
    return [tf.reshape(tf.slice(x, [0, time - 1, 0], [1, 1, vocabulary]), [vocabulary]) as tf.Tensor1D];
  });
  if (logits.length === 0) return null;
  cache.advance(ids.length);
  return logits[0]!;
}

/** The whole window through `model.apply`, padded on the right to the context (a causal model ignores the padding), returning the last real step's logits. */
function windowLogits(model: Model, window: number[], context: number): tf.Tensor1D {
  return tf.tidy(() => {
    const padded = new Int32Array(context);
    padded.set(window);
    const output = model.apply(tf.tensor2d(padded, [1, context], 'int32')) as tf.Tensor;
    const vocabulary = output.shape[2]!;
    return tf.reshape(tf.slice(output, [0, window.length - 1, 0], [1, 1, vocabulary]), [vocabulary]) as tf.Tensor1D;
  });
}

async function* decode(model: Model, prompt: number[], options: CheckedOptions, context: number, vocabulary: number): AsyncGenerator<number, void, undefined> {
  const tokens = [...prompt];
  const random = options.seed === undefined ? Math.random : seededRandom(options.seed);
  let cache = options.useCache && model instanceof Sequential ? new DecodeCache() : null;
  // The window the model sees, at most `context` tokens: the prompt's first `keep` ids, then
  // tokens[windowStart..] (windowStart >= keep). When it is full, the part after the kept ids
  // restarts from the last half of its room, so that both paths (cached or not) see exactly the
  // same tokens at each step. With keep 0 this is the last half of the context.
  const keep = options.keepPrefix;
  const room = context - keep;
  let windowStart = Math.max(keep, tokens.length - room);
  const window = () => (keep === 0 ? tokens.slice(windowStart) : [...tokens.slice(0, keep), ...tokens.slice(windowStart)]);
  // window().slice(position) without building the whole window (the cached path, every token).
  const windowFrom = (position: number) => (position >= keep ? tokens.slice(windowStart + position - keep) : window().slice(position));
  try {
    for (let produced = 0; produced < options.maxNewTokens; produced++) {
      if (tokens.length - windowStart > room) {
        windowStart = tokens.length - Math.max(1, Math.floor(room / 2));
        cache?.reset();
      }
      let logits: tf.Tensor1D | null = null;
      if (cache !== null) {
        const fresh = windowFrom(cache.position);
        logits = cachedLogits(model as Sequential, fresh, cache);
        if (logits === null) {
          cache.dispose(); // a layer without incremental decoding: recompute every step instead
          cache = null;
        }
      }
      logits ??= windowLogits(model, window(), context);
      let values: Float32Array;
      try {
        values = (await logits.data()) as Float32Array;
      } finally {
        logits.dispose();
      }
      if (values.some((v) => Number.isNaN(v))) throw new LayersError(`generate: ${model.className} '${model.name}' produced NaN logits for new token ${produced + 1}.`);
      const next = pickToken(values, tokens, options, random);
      if (next >= vocabulary) throw new LayersError(`generate: token ${next} is outside the vocabulary of ${vocabulary}.`);
      tokens.push(next);
      yield next;
      if (options.stopTokens.has(next)) return;
    }
  } finally {
    cache?.dispose();
  }
}

/**
 * The tokens a `generate` call produces: iterate it (`for await`) to receive each id as soon as
 * it is chosen, or `await` it for all of them at once. Either, once; the work starts then.
 * Breaking out of the loop stops generating and frees the cache.
 */
export class Generation implements AsyncIterable<number>, PromiseLike<number[]> {
  private claimed: 'iterator' | 'promise' | null = null;
  private result: Promise<number[]> | null = null;

  /** @internal Use `generate`. */
  constructor(private readonly start: () => AsyncGenerator<number, void, undefined>) {}

  private claim(how: 'iterator' | 'promise'): void {
    if (this.claimed !== null) {
      throw new LayersError(`This generation was already ${this.claimed === 'iterator' ? 'iterated' : 'awaited'}; call generate again to ${how === 'iterator' ? 'stream' : 'await'} another.`);
    }
    this.claimed = how;
  }

  /** Streams the new token ids one by one (`for await`); only once per generation. */
  [Symbol.asyncIterator](): AsyncIterator<number> {
    this.claim('iterator');
    return this.start();
  }

  then<A = number[], B = never>(onFulfilled?: ((ids: number[]) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    if (this.result === null) {
      this.claim('promise');
      this.result = (async () => {
        const ids: number[] = [];
        for await (const id of this.start()) ids.push(id);
        return ids;
      })();
    }
    return this.result.then(onFulfilled, onRejected);
  }
}

/**
 * Continues `promptIds` with up to `maxNewTokens` tokens from a language model (ids
 * `[batch, time]` in, logits `[batch, time, vocabulary]` out, causal), sampling each token
 * from the last step's logits: greedy at temperature 0, otherwise softmax(logits /
 * temperature) narrowed by `topK` and `topP`, after the repetition penalty. Returns only the
 * new ids. A `Sequential` whose layers all decode incrementally (token and position
 * embeddings, `transformerDecoder`, causal `multiHeadAttention`, dense, normalisation,
 * dropout, `tiedLogits`) keeps a key/value cache internally, so each token costs one step;
 * other models recompute the window each time. Sequences longer than the model's context
 * continue from the last half of it; with `keepPrefix: n` the prompt's first n ids stay at the
 * start of every window (e.g. a sentiment or control token) and the rest continues from the
 * last half of the room left after them.
 *
 * @example
 * const ids = await generate(model, tokenizer.encode('The movie'), { maxNewTokens: 50, temperature: 0.8, topK: 40, seed: 1 });
 * for await (const id of generate(model, prompt, { maxNewTokens: 50, temperature: 0 })) output.textContent += tokenizer.decode([id]);
 */
export function generate(model: Model, promptIds: ArrayLike<number>, options: GenerateOptions): Generation {
  const { context, vocabulary } = languageModelShape(model);
  const checked = checkOptions(options, vocabulary);
  const prompt = promptIds !== null && typeof promptIds === 'object' && typeof promptIds.length === 'number' ? Array.from(promptIds) : null;
  if (prompt === null || prompt.length === 0 || !prompt.every((id) => Number.isInteger(id) && id >= 0 && id < vocabulary)) {
    throw invalidValue('promptIds', WHERE, `a non-empty list of token ids in [0, ${vocabulary})`, prompt === null ? typeof promptIds : prompt.slice(0, 10));
  }
  const keep = checked.keepPrefix;
  if (!(Number.isSafeInteger(keep) && keep >= 0 && keep < context && keep <= prompt.length)) {
    throw invalidValue('keepPrefix', WHERE, `an integer from 0 to the prompt's length (${prompt.length}), below the model's context of ${context}`, keep);
  }
  return new Generation(() => decode(model, prompt, checked, context, vocabulary));
}
