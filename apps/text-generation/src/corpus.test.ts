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

  it('with minContext, cuts sliding windows that score every target once, each after at least minContext ids of its review', () => {
    const text = 'a great film, a dull film, a great film again';
    const body = [BOS, ...tokenizer.encode(text), EOS];
    expect(body.length).toBeGreaterThan(12); // several windows of 6 targets
    const plain = toSequences(tokenizer, [{ text, label: 0 }], 7);
    const windows = toSequences(tokenizer, [{ text, label: 0 }], 7, { minContext: 2 });
    expect(plain.scoreFrom).toBeUndefined();
    expect(windows.count).toBe(1 + Math.ceil((body.length - 6) / 4)); // stride 6 - 2
    const scored: { id: number; before: number[] }[] = [];
    for (let r = 0; r < windows.count; r++) {
      const row = Array.from(windows.ids.subarray(r * 7, r * 7 + 7));
      expect(row[0]).toBe(sentimentId('neg'));
      const from = windows.scoreFrom![r]!;
      expect(from).toBe(r === 0 ? 1 : 3);
      // Each row is the review's ids from 4 r on (stride 4), right-padded.
      expect(row.slice(1).filter((id) => id !== PAD)).toEqual(body.slice(4 * r, 4 * r + 6));
      for (let t = from; t < 7 && row[t] !== PAD; t++) scored.push({ id: row[t]!, before: row.slice(1, t) });
    }
    // Every id of <bos> text <eos> scored once, in order, each after min(its position, 2) or more ids of the review.
    expect(scored.map((s) => s.id)).toEqual(body);
    scored.forEach((s, i) => {
      expect(s.before.length).toBeGreaterThanOrEqual(Math.min(i, 2));
      expect(s.before).toEqual(body.slice(i - s.before.length, i));
    });
    // The scored bytes are the text's, as without windows.
    const total = (bytes: Float64Array) => Array.from(bytes).reduce((a, b) => a + b, 0);
    expect(total(windows.targetBytes)).toBe(total(plain.targetBytes));
    expect(total(windows.targetBytes)).toBe(new TextEncoder().encode(text).length);
    // A review that fits one row gives the same single row either way.
    const short = toSequences(tokenizer, [{ text: 'a', label: 1 }], 7, { minContext: 2 });
    expect(Array.from(short.ids)).toEqual(Array.from(toSequences(tokenizer, [{ text: 'a', label: 1 }], 7).ids));
    expect(Array.from(short.scoreFrom!)).toEqual([1]);
  });

  it('refuses a minContext that leaves no new target in a row', () => {
    expect(() => toSequences(tokenizer, [], 7, { minContext: 6 })).toThrow("minContext must be an integer from 0 to the row's targets minus 1 (5); received 6.");
  });

  it('refuses a length that leaves no room for a target', () => {
    expect(() => toSequences(tokenizer, [], 2)).toThrow('Sequence length must be an integer >= 3; received 2.');
  });
});
