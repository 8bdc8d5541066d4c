// Sampling many reviews at once for the conditioning evaluation: the batch version of
// `generate` from @loom-ml/layers (which continues one prompt), with the same key/value cache
// (`DecodeCache`, `layer.callWithCache`), so that each new token of every row costs one step.
import * as tf from '@tensorflow/tfjs-core';
import { DecodeCache, type Sequential } from '@loom-ml/layers';
import { seededRandom } from '@loom-ml/core';

export interface SampleOptions {
  maxNewTokens: number;
  /** 0 is greedy. */
  temperature: number;
  /** Sample among the k most likely tokens only; 0 or undefined is all. */
  topK?: number;
  /** A row stops at this id (it is kept). */
  stopId?: number;
  seed: number;
  /** Prompt ids kept at the start of the window when it moves on (default: the whole prompt). */
  keepPrefix?: number;
  /**
   * Contrastive (classifier-free) guidance: each row's prompt with the opposite sentiment token,
   * one per prompt, of the same length. Each step then samples from
   * `asked + guidance * (asked - opposite)` (`guidedLogits`), the opposite rows fed the same ids
   * in the same batch and cache. Guidance 0 (the default) is plain sampling, exactly: the
   * opposite rows are not computed.
   */
  oppositePrompts?: number[][];
  guidance?: number;
  /** Nucleus sampling: the fewest most likely ids reaching this share (default 1: all). */
  topP?: number;
  /** Above 1 discourages every id already in the row (its prompt included); default 1. */
  repetitionPenalty?: number;
  /** Called with each new id of each row, as soon as it is chosen (streaming). */
  onToken?: (row: number, id: number) => void;
}

/**
 * The logits contrastive guidance samples from: `asked + guidance * (asked - opposite)`, element
 * by element (guidance 0 returns `asked` itself).
 *
 * @example
 * guidedLogits(Float32Array.of(1, 2, 0), Float32Array.of(0, 3, 0), 2); // Float64Array [3, 0, 0]
 */
export function guidedLogits(asked: ArrayLike<number>, opposite: ArrayLike<number>, guidance: number): ArrayLike<number> {
  if (guidance === 0) return asked;
  if (asked.length !== opposite.length) throw new RangeError(`guidedLogits needs logits of one length; received ${asked.length} and ${opposite.length}.`);
  const out = new Float64Array(asked.length);
  for (let i = 0; i < asked.length; i++) out[i] = asked[i]! + guidance * (asked[i]! - opposite[i]!);
  return out;
}

/**
 * Picks one id from `logits`: the most likely at temperature 0 (ties to the lowest id),
 * otherwise a draw from softmax(logits / temperature) over the `topK` most likely ids (then the
 * fewest of them reaching `topP`). A `repetitionPenalty` other than 1 first divides the positive
 * logits (multiplies the negative ones) of every id in `history`, as `generate` in
 * `@loom-ml/layers` does.
 *
 * @example
 * pickToken(Float32Array.of(0, 3, 1), { temperature: 0 }, Math.random); // 1
 */
export function pickToken(
  raw: ArrayLike<number>,
  { temperature, topK, topP = 1, repetitionPenalty = 1 }: Pick<SampleOptions, 'temperature' | 'topK' | 'topP' | 'repetitionPenalty'>,
  random: () => number,
  history: readonly number[] = [],
): number {
  let logits = raw;
  if (repetitionPenalty !== 1) {
    const scores = Float64Array.from(raw);
    for (const id of new Set(history)) if (id < scores.length) scores[id] = scores[id]! > 0 ? scores[id]! / repetitionPenalty : scores[id]! * repetitionPenalty;
    logits = scores;
  }
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  if (temperature === 0) return best;
  let ids = Array.from({ length: logits.length }, (_, i) => i);
  if (topK !== undefined && topK > 0 && topK < ids.length) ids = ids.sort((a, b) => logits[b]! - logits[a]! || a - b).slice(0, topK);
  let weights = ids.map((id) => Math.exp((logits[id]! - logits[best]!) / temperature));
  if (topP < 1) {
    // The fewest most likely ids whose weights reach topP of the total (at least one).
    const order = weights.map((_, i) => i).sort((a, b) => weights[b]! - weights[a]! || ids[a]! - ids[b]!);
    const total = weights.reduce((a, b) => a + b, 0);
    let kept = 0;
    for (let cumulative = 0; kept < order.length && cumulative < topP * total; kept++) cumulative += weights[order[kept]!]!;
    const chosen = order.slice(0, Math.max(1, kept));
    ids = chosen.map((i) => ids[i]!);
    weights = chosen.map((i) => weights[i]!);
  }
  let draw = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < ids.length; i++) {
    draw -= weights[i]!;
    if (draw <= 0) return ids[i]!;
  }
  return ids[ids.length - 1]!;
}

/**
 * Continues every prompt (all of one length) at once, with a key/value cache. Returns each
 * row's new ids, cut after `stopId`. When the prompt plus the new ids would pass the model's
 * context, the window moves on the way the training rows do: the cache starts again from the
 * prompt's first `keepPrefix` ids (the sentiment token) followed by the last half-context of
 * the row's ids, so a row can be longer than the context.
 *
 * @example
 * const [positive, negative] = await generateBatch(model, [[3, 1], [4, 1]], { maxNewTokens: 60, temperature: 0.8, topK: 40, stopId: 2, seed: 1 });
 */
export async function generateBatch(model: Sequential, prompts: number[][], options: SampleOptions): Promise<number[][]> {
  const length = prompts[0]?.length ?? 0;
  const context = model.inputShapes[0]![0]!;
  if (length === 0 || prompts.some((p) => p.length !== length)) throw new RangeError('generateBatch needs prompts of one length, at least 1.');
  const keep = options.keepPrefix ?? length;
  const tail = Math.floor(context / 2);
  if (!(Number.isInteger(keep) && keep >= 0 && keep <= length)) throw new RangeError(`keepPrefix must be an integer from 0 to the prompt's ${length} ids; received ${keep}.`);
  if (length > context || (length + options.maxNewTokens - 1 > context && keep + tail >= context)) throw new RangeError(`A prompt of ${length} ids (keeping ${keep} when the window moves on) does not fit the model's context of ${context}.`);
  const guidance = options.guidance ?? 0;
  if (!(Number.isFinite(guidance) && guidance >= 0)) throw new RangeError(`guidance must be a finite number >= 0; received ${guidance}.`);
  const opposite = guidance === 0 ? [] : (options.oppositePrompts ?? []);
  if (guidance !== 0 && (opposite.length !== prompts.length || opposite.some((p) => p.length !== length))) {
    throw new RangeError(`Guidance needs one opposite prompt of ${length} ids per prompt (${prompts.length}); received ${opposite.length} of lengths ${[...new Set(opposite.map((p) => p.length))].join(', ') || 'none'}.`);
  }
  // The rows fed to the model: the prompts, then (with guidance) their opposite prompts.
  const fed = [...prompts, ...opposite];
  const random = seededRandom(options.seed);
  let cache = new DecodeCache();
  let filled = 0; // positions in the cache
  const outputs = prompts.map(() => [] as number[]);
  // Every id each row was fed, also after its stop id (the batch keeps one length), for the window.
  const history = fed.map((prompt) => [...prompt]);
  const done = prompts.map(() => false);
  let fresh = fed;
  try {
    for (let step = 0; step < options.maxNewTokens && done.includes(false); step++) {
      if (filled + fresh[0]!.length > context) {
        // The window is full: start again from the kept prefix and the row's last `tail` ids.
        cache.dispose();
        cache = new DecodeCache();
        filled = 0;
        fresh = fed.map((prompt, row) => [...prompt.slice(0, keep), ...history[row]!.slice(-tail)]);
      }
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
      filled += fresh[0]!.length;
      const values = (await logits.data()) as Float32Array;
      const vocabulary = logits.shape[1]!;
      logits.dispose();
      const n = prompts.length;
      const ids = prompts.map((_, row) => {
        const asked = values.subarray(row * vocabulary, (row + 1) * vocabulary);
        const scores = guidance === 0 ? asked : guidedLogits(asked, values.subarray((n + row) * vocabulary, (n + row + 1) * vocabulary), guidance);
        const id = pickToken(scores, options, random, history[row]!);
        history[row]!.push(id);
        if (!done[row]) {
          outputs[row]!.push(id);
          options.onToken?.(row, id);
          if (id === options.stopId) done[row] = true;
        }
        return id;
      });
      // Each opposite row is fed its own row's id, so that both read the same review.
      for (let row = 0; row < opposite.length; row++) history[n + row]!.push(ids[row]!);
      fresh = fed.map((_, row) => [ids[row % n]!]);
    }
  } finally {
    cache.dispose();
  }
  return outputs;
}
