// Sampling many reviews at once for the conditioning evaluation: the batch version of
// `generate` from @loom-ml/layers (which continues one prompt), with the same key/value cache
// (`DecodeCache`, `layer.callWithCache`), so that each new token of every row costs one step.
import * as tf from '@tensorflow/tfjs-core';
import { DecodeCache, type Sequential } from '@loom-ml/layers';
import { seededRandom } from './train.js';

export interface SampleOptions {
  maxNewTokens: number;
  /** 0 is greedy. */
  temperature: number;
  /** Sample among the k most likely tokens only; 0 or undefined is all. */
  topK?: number;
  /** A row stops at this id (it is kept). */
  stopId?: number;
  seed: number;
}

/**
 * Picks one id from `logits`: the most likely at temperature 0 (ties to the lowest id),
 * otherwise a draw from softmax(logits / temperature) over the `topK` most likely ids.
 *
 * @example
 * pickToken(Float32Array.of(0, 3, 1), { temperature: 0 }, Math.random); // 1
 */
export function pickToken(logits: ArrayLike<number>, { temperature, topK }: Pick<SampleOptions, 'temperature' | 'topK'>, random: () => number): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature === 0) return best;
  let ids = Array.from({ length: logits.length }, (_, i) => i);
  if (topK !== undefined && topK > 0 && topK < ids.length) ids = ids.sort((a, b) => logits[b]! - logits[a]! || a - b).slice(0, topK);
  const weights = ids.map((id) => Math.exp((logits[id]! - logits[best]!) / temperature));
  let draw = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < ids.length; i++) {
    draw -= weights[i]!;
    if (draw <= 0) return ids[i]!;
  }
  return ids[ids.length - 1]!;
}

/**
 * Continues every prompt (all of one length) at once, with a key/value cache. Returns each
 * row's new ids, cut after `stopId`. The prompt plus `maxNewTokens` must fit the model's context.
 *
 * @example
 * const [positive, negative] = await generateBatch(model, [[3, 1], [4, 1]], { maxNewTokens: 60, temperature: 0.8, topK: 40, stopId: 2, seed: 1 });
 */
export async function generateBatch(model: Sequential, prompts: number[][], options: SampleOptions): Promise<number[][]> {
  const length = prompts[0]?.length ?? 0;
  const context = model.inputShapes[0]![0]!;
  if (length === 0 || prompts.some((p) => p.length !== length)) throw new RangeError('generateBatch needs prompts of one length, at least 1.');
  if (length + options.maxNewTokens - 1 > context) throw new RangeError(`A prompt of ${length} ids plus ${options.maxNewTokens} new ones does not fit the model's context of ${context}.`);
  const random = seededRandom(options.seed);
  const cache = new DecodeCache();
  const outputs = prompts.map(() => [] as number[]);
  const done = prompts.map(() => false);
  let fresh = prompts;
  try {
    for (let step = 0; step < options.maxNewTokens && done.includes(false); step++) {
      const logits = tf.tidy(() => {
        let x: tf.Tensor = tf.tensor2d(fresh.flat(), [fresh.length, fresh[0]!.length], 'int32');
        for (const layer of model.layers) {
          const next = layer.callWithCache(x, cache);
          if (next === null) throw new RangeError(`Layer ${layer.name} cannot decode incrementally.`);
          x = next;
        }
        const [batch, time, vocabulary] = x.shape as [number, number, number];
        return tf.reshape(tf.slice(x, [0, time - 1, 0], [batch, 1, vocabulary]), [batch, vocabulary]);
      });
      cache.advance(fresh[0]!.length);
      const values = (await logits.data()) as Float32Array;
      const vocabulary = logits.shape[1]!;
      logits.dispose();
      fresh = prompts.map((_, row) => {
        const id = pickToken(values.subarray(row * vocabulary, (row + 1) * vocabulary), options, random);
        if (!done[row]) {
          outputs[row]!.push(id);
          if (id === options.stopId) done[row] = true;
        }
        return [id];
      });
    }
  } finally {
    cache.dispose();
  }
  return outputs;
}
