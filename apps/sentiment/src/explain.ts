// Word contributions for `pnpm score --explain` and the deletion experiment of
// `pnpm explain-eval`: integrated gradients on the embedding output (@loom-ml/explain), from an
// all-padding review to the review, summed per word.
import * as tf from '@tensorflow/tfjs-core';
import { embeddingAttributions } from '@loom-ml/explain';
import { SEQUENCE_OPTIONS } from './data.js';
import type { Scorer } from './score.js';
import { seededRandom } from '@loom-ml/core';

/** One review's score and each of its (last `maxLength`) words with its contribution. */
export interface ExplainedReview {
  text: string;
  /** P(positive). */
  score: number;
  /** The score of an all-padding review: the contributions add up to score − baselineScore. */
  baselineScore: number;
  words: { word: string; contribution: number }[];
  /** Σ contributions − (score − baselineScore): the quadrature error. */
  completenessGap: number;
}

/** Ids [n, maxLength] (pre-padded) and the words behind each review's ids, as the model reads them. */
function encode({ tokenizer, maxLength }: Scorer, texts: readonly string[]): { ids: Int32Array; words: string[][] } {
  const { values } = tokenizer.textsToSequences(texts, { maxLength, ...SEQUENCE_OPTIONS });
  // Words the vocabulary lacks keep their own spelling here (the model sees the unknown id).
  return { ids: values, words: texts.map((text) => tokenizer.tokenize(text).slice(-maxLength)) };
}

/**
 * Each word's contribution to P(positive): integrated gradients through the embedding with
 * `steps` trapezoid intervals (all reviews' path points batched).
 *
 * @example
 * const [review] = explainReviews(scorer, ['what a wonderful film']);
 * review.words; // [{ word: 'what', contribution: 0.01 }, ..., { word: 'wonderful', contribution: 0.31 }, ...]
 */
export function explainReviews(scorer: Scorer, texts: readonly string[], { steps = 32 }: { steps?: number } = {}): ExplainedReview[] {
  const { ids, words } = encode(scorer, texts);
  const { maxLength } = scorer;
  const input = tf.tensor2d(ids, [texts.length, maxLength], 'int32');
  try {
    const result = embeddingAttributions(scorer.model, input, { steps });
    return texts.map((text, r) => {
      const own = words[r]!;
      const offset = maxLength - own.length;
      return {
        text,
        score: result.scores[r]!,
        baselineScore: result.baselineScores[r]!,
        words: own.map((word, i) => ({ word, contribution: result.tokens[r]![offset + i]! })),
        completenessGap: result.completenessGap[r]!,
      };
    });
  } finally {
    input.dispose();
  }
}

/** 24-bit background colours: green for a word that pushed the score up, red for down, paler when small. */
function colourWord(word: string, contribution: number, largest: number): string {
  const strength = largest === 0 ? 0 : Math.min(1, Math.abs(contribution) / largest);
  const fade = (full: number) => Math.round(255 - (255 - full) * strength);
  const [r, g, b] = contribution >= 0 ? [fade(40), fade(170), fade(60)] : [fade(200), fade(40), fade(40)];
  const text = strength > 0.5 ? '97' : '30';
  return `\u001b[48;2;${r};${g};${b}m\u001b[${text}m${word}\u001b[0m`;
}

/**
 * A review with its words marked: on a terminal (`colour: true`) each word on a green (up) or
 * red (down) background, stronger for larger contributions; otherwise each word followed by
 * its signed contribution, `wonderful(+0.31)`. Then the three words that mattered most.
 *
 * @example
 * formatExplanation(review, { colour: process.stdout.isTTY === true });
 */
export function formatExplanation(review: ExplainedReview, { colour }: { colour: boolean }): string {
  const largest = Math.max(0, ...review.words.map((w) => Math.abs(w.contribution)));
  const marked = review.words.map(({ word, contribution }) => (colour ? colourWord(word, contribution, largest) : `${word}(${signed(contribution)})`)).join(' ');
  const top = [...review.words].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)).slice(0, 3);
  const lines = [
    `${review.score.toFixed(4)}  ${marked}`,
    `        most: ${top.map((w) => `${w.word} ${signed(w.contribution)}`).join(', ')}; the words add up to ${signed(review.score - review.baselineScore)} from an empty review (${review.baselineScore.toFixed(4)})`,
  ];
  return lines.join('\n');
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : '-'}${Math.abs(value).toFixed(2)}`;
}

export interface DeletionResult {
  /** Reviews with at least `words` words (the others are skipped). */
  reviews: number;
  words: number;
  /** Mean drop of the predicted class's probability when the `words` words that supported it most are deleted. */
  topDrop: number;
  /** The same for `words` words picked at random (seeded) from each review. */
  randomDrop: number;
  /** Mean |score change| for the two deletions. */
  topAbsolute: number;
  randomAbsolute: number;
  /** Reviews where deleting the top words moved the score more than deleting random ones. */
  topWins: number;
  /** Largest |completeness gap| over the reviews. */
  largestGap: number;
}

/**
 * The deletion test of an explanation: for each review, delete the `words` words whose
 * contributions most supported the predicted class (positive contributions for a review scored
 * >= 0.5, negative ones otherwise), re-pad at the front, and measure how far the predicted
 * class's probability falls; compare with deleting `words` random words of the same review.
 * A faithful explanation's words move the score more.
 *
 * @example
 * const result = deletionExperiment(scorer, testTexts.slice(0, 500), { words: 5, seed: 42 });
 */
export function deletionExperiment(scorer: Scorer, texts: readonly string[], { words = 5, seed = 42, steps = 32, chunk = 100 }: { words?: number; seed?: number; steps?: number; chunk?: number } = {}): DeletionResult {
  const { maxLength } = scorer;
  const random = seededRandom(seed);
  let reviews = 0;
  let topDrop = 0;
  let randomDrop = 0;
  let topAbsolute = 0;
  let randomAbsolute = 0;
  let topWins = 0;
  let largestGap = 0;
  for (let start = 0; start < texts.length; start += chunk) {
    const part = texts.slice(start, start + chunk);
    const { ids } = encode(scorer, part);
    const input = tf.tensor2d(ids, [part.length, maxLength], 'int32');
    let result;
    try {
      result = embeddingAttributions(scorer.model, input, { steps });
    } finally {
      input.dispose();
    }
    const edited: Int32Array[] = [];
    const kept: number[] = [];
    part.forEach((_, r) => {
      const row = ids.subarray(r * maxLength, (r + 1) * maxLength);
      const positions = [...row.keys()].filter((t) => row[t] !== 0);
      if (positions.length < words) return;
      const positive = result.scores[r]! >= 0.5;
      const support = (t: number) => (positive ? 1 : -1) * result.tokens[r]![t]!;
      const top = [...positions].sort((a, b) => support(b) - support(a)).slice(0, words);
      const shuffled = [...positions];
      for (let i = 0; i < words; i++) {
        const j = i + Math.floor(random() * (shuffled.length - i));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      edited.push(deleteAndPad(row, new Set(top)), deleteAndPad(row, new Set(shuffled.slice(0, words))));
      kept.push(r);
      largestGap = Math.max(largestGap, Math.abs(result.completenessGap[r]!));
    });
    if (kept.length === 0) continue;
    const rows = new Int32Array(edited.length * maxLength);
    edited.forEach((row, i) => rows.set(row, i * maxLength));
    const scores = tf.tidy(() => (scorer.model.apply(tf.tensor2d(rows, [edited.length, maxLength], 'int32')) as tf.Tensor).dataSync());
    kept.forEach((r, i) => {
      const before = result.scores[r]!;
      const sign = before >= 0.5 ? 1 : -1;
      const afterTop = scores[2 * i]!;
      const afterRandom = scores[2 * i + 1]!;
      topDrop += sign * (before - afterTop);
      randomDrop += sign * (before - afterRandom);
      topAbsolute += Math.abs(before - afterTop);
      randomAbsolute += Math.abs(before - afterRandom);
      if (Math.abs(before - afterTop) > Math.abs(before - afterRandom)) topWins++;
      reviews++;
    });
  }
  const mean = (sum: number) => (reviews === 0 ? 0 : sum / reviews);
  return { reviews, words, topDrop: mean(topDrop), randomDrop: mean(randomDrop), topAbsolute: mean(topAbsolute), randomAbsolute: mean(randomAbsolute), topWins, largestGap };
}

/** The row without the positions in `drop`, padded at the front back to its length. */
function deleteAndPad(row: Int32Array, drop: Set<number>): Int32Array {
  const rest = row.filter((_, t) => !drop.has(t));
  const out = new Int32Array(row.length);
  out.set(rest, row.length - rest.length);
  return out;
}
