import { BpeTokenizer } from '@loom-ml/data';
import { describe, expect, it } from 'vitest';
import { BOS, cleanReview, EOS, PAD, sentimentId, SPECIAL_TOKENS, toSequences } from './corpus.js';

describe('cleanReview', () => {
  it("turns IMDB's <br /> tags into newlines and runs of spaces into one", () => {
    expect(cleanReview('Great.<br /><br />Really  great. <BR/>End ')).toBe('Great.\nReally great.\nEnd');
  });
});

describe('toSequences', () => {
  const tokenizer = BpeTokenizer.train(['a great film', 'a dull film'], { vocabularySize: 270, specialTokens: [...SPECIAL_TOKENS] });

  it('starts every row with the sentiment, the first with <bos>, cuts the text without overlap and ends it with <eos>', () => {
    const text = 'a great film, a great film';
    const body = tokenizer.encode(text);
    const rows = toSequences(tokenizer, [{ text, label: 1 }, { text: 'a', label: 0 }], 6);
    const all = Array.from({ length: rows.count }, (_, r) => Array.from(rows.ids.subarray(r * 6, r * 6 + 6)));
    const positive = all.filter((row) => row[0] === sentimentId('pos'));
    // The targets (ids 1..) of the positive rows, padding dropped, spell <bos> text <eos>.
    expect(positive.flatMap((row) => row.slice(1)).filter((id) => id !== PAD)).toEqual([BOS, ...body, EOS]);
    expect(positive.every((row, i) => i === positive.length - 1 || !row.includes(PAD))).toBe(true);
    const negative = all.filter((row) => row[0] === sentimentId('neg'));
    expect(negative).toEqual([[sentimentId('neg'), BOS, ...tokenizer.encode('a'), EOS, PAD, PAD]]);
    // Bytes: the UTF-8 length of each review's text, special tokens counting nothing.
    expect(Array.from(rows.targetBytes).reduce((a, b) => a + b, 0)).toBe(new TextEncoder().encode(text).length + 1);
  });

  it('refuses a length that leaves no room for a target', () => {
    expect(() => toSequences(tokenizer, [], 2)).toThrow('Sequence length must be an integer >= 3; received 2.');
  });
});
