// From IMDB reviews to the token sequences the model trains on. Every sequence starts with the
// review's sentiment token (`<pos>` or `<neg>`), so that the model always sees which kind of
// review it is writing, however far into the review the sequence starts; the first piece of a
// review then has `<bos>` (start of the review), later pieces continue its text, and the last
// ends with `<eos>`.
import type { BpeTokenizer } from '@loom-ml/data';

/** The tokenizer's special tokens, ids 0..4 in this order. */
export const SPECIAL_TOKENS = ['<pad>', '<bos>', '<eos>', '<pos>', '<neg>'] as const;
export const PAD = 0;
export const BOS = 1;
export const EOS = 2;

export type Sentiment = 'pos' | 'neg';

/** The id of `<pos>` or `<neg>`. */
export function sentimentId(sentiment: Sentiment): number {
  return sentiment === 'pos' ? 3 : 4;
}

/**
 * IMDB's texts hold HTML line breaks (`<br /><br />`); they become a newline, and runs of spaces
 * one space, so the model does not spend its capacity on markup.
 *
 * @example
 * cleanReview('Great.<br /><br />Really  great.'); // 'Great.\nReally great.'
 */
export function cleanReview(text: string): string {
  return text
    .replace(/(\s*<br\s*\/?>\s*)+/gi, '\n')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Token sequences of one length (`length` ids each, right-padded with `<pad>`). */
export interface Sequences {
  /** `[count * length]` ids, row after row. */
  ids: Int32Array;
  count: number;
  length: number;
  /** UTF-8 bytes of the text each row's scored targets spell, special tokens counting 0. */
  targetBytes: Float64Array;
  /**
   * Per row, the first position whose target is scored (1 when absent: every target); the ids
   * before it are context only. Set by `toSequences` with `minContext` (sliding windows).
   */
  scoreFrom?: Int32Array;
}

/**
 * Cuts each review into rows of `length` ids: `[sentiment, <bos>, t0, t1, ...]` for the first,
 * `[sentiment, tk, ...]` for the next ones (consecutive pieces of the text, no overlap between
 * targets), the last ending with `<eos>` and padded. A model reading `row[0..length-2]` predicts
 * `row[1..length-1]`; padding is never a target.
 *
 * With `minContext` above 0 (scoring, not training) the rows are sliding windows instead: each
 * row after a review's first starts `length - 1 - minContext` ids after the one before, repeats
 * the `minContext` ids before its first new target as context (`scoreFrom`), and scores only the
 * targets no earlier row scored. Every target is then scored exactly once, as without windows, but
 * from at least `minContext` ids of its review before it (or all of them, near its start), not
 * from as few as none at a row's start. `minContext` 0 gives the rows above.
 *
 * @example
 * const rows = toSequences(tokenizer, [{ text: 'Loved it.', label: 1 }], 64);
 * const windows = toSequences(tokenizer, [{ text: 'Loved it.', label: 1 }], 64, { minContext: 32 });
 */
export function toSequences(tokenizer: BpeTokenizer, reviews: readonly { text: string; label: number }[], length: number, { minContext = 0 }: { minContext?: number } = {}): Sequences {
  if (!(Number.isInteger(length) && length >= 3)) throw new RangeError(`Sequence length must be an integer >= 3; received ${length}.`);
  if (!(Number.isInteger(minContext) && minContext >= 0 && minContext < length - 1)) throw new RangeError(`minContext must be an integer from 0 to the row's targets minus 1 (${length - 2}); received ${minContext}.`);
  const targets = length - 1;
  const stride = targets - minContext;
  const rows: { ids: number[]; scoreFrom: number }[] = [];
  for (const { text, label } of reviews) {
    const head = sentimentId(label === 1 ? 'pos' : 'neg');
    const body = [BOS, ...tokenizer.encode(text), EOS];
    // Each row predicts up to `targets` ids after its sentiment token; after the first row, the
    // first `minContext` of them were scored by the row before and are context only.
    for (let start = 0; start === 0 || start + minContext < body.length; start += stride) {
      rows.push({ ids: [head, ...body.slice(start, start + targets)], scoreFrom: start === 0 ? 1 : 1 + minContext });
    }
  }
  const ids = new Int32Array(rows.length * length);
  const targetBytes = new Float64Array(rows.length);
  const scoreFrom = new Int32Array(rows.length);
  rows.forEach((row, r) => {
    ids.set(row.ids, r * length);
    scoreFrom[r] = row.scoreFrom;
    targetBytes[r] = tokenizer.decodeBytes(row.ids.slice(row.scoreFrom).filter((id) => id >= SPECIAL_TOKENS.length)).length;
  });
  return { ids, count: rows.length, length, targetBytes, ...(minContext > 0 ? { scoreFrom } : {}) };
}
