import { seededRandom } from '@loom-ml/core';

/** How `pickToken` turns logits into one token. */
export interface SamplingOptions {
  temperature: number;
  topK: number | undefined;
  topP: number;
  repetitionPenalty: number;
}

// The seeded uniform generator in [0, 1) (mulberry32) every Loom package shares.
export { seededRandom };

/**
 * Chooses the next token from `logits` in the order the common libraries apply it: repetition
 * penalty on every id in `history`, then greedy (temperature 0) or temperature, top-k (ties
 * with the k-th kept), top-p (the fewest most likely tokens reaching `topP`, at least one), and
 * one draw of `random()`. Ties in greedy go to the lowest id.
 */
export function pickToken(logits: ArrayLike<number>, history: readonly number[], options: SamplingOptions, random: () => number): number {
  const scores = Float64Array.from(logits);
  const vocabulary = scores.length;
  if (options.repetitionPenalty !== 1) {
    for (const id of new Set(history)) {
      if (id < vocabulary) scores[id] = scores[id]! > 0 ? scores[id]! / options.repetitionPenalty : scores[id]! * options.repetitionPenalty;
    }
  }
  if (options.temperature === 0) {
    let best = 0;
    for (let i = 1; i < vocabulary; i++) if (scores[i]! > scores[best]!) best = i;
    return best;
  }
  const order = Array.from({ length: vocabulary }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  let count = Math.min(options.topK ?? vocabulary, vocabulary);
  while (count < vocabulary && scores[order[count]!] === scores[order[count - 1]!]) count++;
  const top = scores[order[0]!]!;
  const weights = new Float64Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    weights[i] = Math.exp((scores[order[i]!]! - top) / options.temperature);
    total += weights[i]!;
  }
  if (options.topP < 1) {
    let cumulative = 0;
    let kept = 0;
    while (kept < count && cumulative < options.topP * total) cumulative += weights[kept++]!;
    count = Math.max(1, kept);
    total = cumulative > 0 ? cumulative : weights[0]!;
  }
  let target = random() * total;
  for (let i = 0; i < count; i++) {
    target -= weights[i]!;
    if (target < 0) return order[i]!;
  }
  return order[count - 1]!; // rounding left a sliver past the last weight
}
