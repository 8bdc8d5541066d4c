import { Tokenizer } from '@loom-ml/data';
import { describe, expect, it } from 'vitest';
import { bigramId, encodeReviews } from './data.js';

describe('encodeReviews', () => {
  const tokenizer = new Tokenizer({ maxWords: 10 }).fitOnTexts(['a wonderful film', 'a dull film', 'wonderful']);
  const id = (word: string) => tokenizer.textsToSequences([word], { maxLength: 1 }).values[0]!;

  it('without word pairs: the pre-padded word ids, as textsToSequences gives them', () => {
    const { values, shape } = encodeReviews(tokenizer, ['a wonderful film'], 4);
    expect(shape).toEqual([1, 4]);
    expect(Array.from(values)).toEqual([0, id('a'), id('wonderful'), id('film')]);
  });

  it("with word pairs: the words, then one hashed id per pair of neighbours, 0 where either is padding or unknown", () => {
    const buckets = 1000;
    const size = tokenizer.vocabularySize;
    const { values, shape } = encodeReviews(tokenizer, ['a wonderful film', 'a zebra film'], 4, buckets);
    expect(shape).toEqual([2, 7]);
    const [a, w, f] = [id('a'), id('wonderful'), id('film')];
    expect(Array.from(values.subarray(0, 7))).toEqual([0, a, w, f, 0, bigramId(a, w, size, buckets), bigramId(w, f, size, buckets)]);
    // 'zebra' is unknown (id 1): neither of its pairs gets an id.
    expect(Array.from(values.subarray(7))).toEqual([0, a, 1, f, 0, 0, 0]);
    // Pair ids come after the word ids, within the buckets, and the order of the words matters.
    expect(bigramId(a, w, size, buckets)).toBeGreaterThanOrEqual(size);
    expect(bigramId(a, w, size, buckets)).toBeLessThan(size + buckets);
    expect(bigramId(a, w, size, buckets)).not.toBe(bigramId(w, a, size, buckets));
  });

  it('spreads word pairs over all the buckets: about as many distinct ids as a random hash gives', () => {
    // The 39,204 pairs of word ids 2..199 into 200,000 buckets: a random function hits about
    // 200,000 * (1 - exp(-39,204 / 200,000)) = 35,600 distinct ids. (The first hash, 3a + b in
    // effect, gave 789, so most pairs shared an id with many others.)
    const ids = new Set<number>();
    for (let a = 2; a < 200; a++) for (let b = 2; b < 200; b++) ids.add(bigramId(a, b, 10, 200_000));
    expect(ids.size).toBeGreaterThan(34_000);
    for (const id of ids) expect(id >= 10 && id < 200_010).toBe(true);
  });
});
