import { describe, expect, it } from 'vitest';
import { guideWords, pickBest, SentimentGuide } from './guide.js';

// Tiny reviews whose sentiment is carried by a few words (and one by a word pair).
const texts = [
  'A great film, I loved it.',
  'Wonderful acting and a great story.',
  'I loved the music, wonderful.',
  'Not bad at all, great fun.',
  'A terrible film, I hated it.',
  'Awful acting and a boring story.',
  'I hated the music, terrible.',
  'Boring and awful, not good.',
];
const labels = [1, 1, 1, 1, 0, 0, 0, 0];

describe('SentimentGuide', () => {
  it('splits text into lower-case words with apostrophes', () => {
    expect(guideWords("It's GREAT, isn't it?")).toEqual(["it's", 'great', "isn't", 'it']);
  });

  it('learns the training reviews and scores unseen text by its words', () => {
    const guide = SentimentGuide.train(texts, labels, { seed: 1, minReviews: 1 });
    expect(guide.accuracy(texts, labels)).toBe(1);
    expect(guide.positiveProbability('what a wonderful, great movie')).toBeGreaterThan(0.5);
    expect(guide.positiveProbability('an awful, boring movie')).toBeLessThan(0.5);
    // No known feature: the bias alone (balanced data keeps it near 0).
    expect(Math.abs(guide.logOdds('zzz qqq'))).toBeLessThan(0.5);
  });

  it('drops features found in fewer than minReviews reviews', () => {
    const guide = SentimentGuide.train(texts, labels, { seed: 1, minReviews: 2 });
    expect(guide.features).toContain('great');
    expect(guide.features).not.toContain('fun'); // one review only
    expect(guide.features).toContain('i loved'); // a bigram in two reviews
  });

  it('is the same for the same seed and survives JSON', () => {
    const a = SentimentGuide.train(texts, labels, { seed: 3, minReviews: 1 });
    const b = SentimentGuide.train(texts, labels, { seed: 3, minReviews: 1 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    const c = SentimentGuide.fromJSON(JSON.parse(JSON.stringify(a)));
    for (const t of ['great story', 'awful music', 'nothing known']) expect(c.logOdds(t)).toBe(a.logOdds(t));
    expect(() => SentimentGuide.fromJSON({ features: ['a'], weights: [], bias: 0 })).toThrow(/same length/);
  });

  it('refuses texts and labels of different lengths', () => {
    expect(() => SentimentGuide.train(['a'], [1, 0], { seed: 1 })).toThrow(/1 texts and 2 labels/);
  });
});

describe('pickBest', () => {
  const score = (text: string) => ({ great: 2, fine: 0.5, bad: -2 })[text] ?? 0;

  it('keeps, for each review, the candidate most likely to have the asked-for sentiment', () => {
    // Two reviews (asked positive, asked negative), three candidates each.
    const candidates = [
      ['fine', 'fine'],
      ['great', 'great'],
      ['bad', 'bad'],
    ];
    expect(pickBest(candidates, [true, false], score)).toEqual([1, 2]);
  });

  it('keeps the first candidate on a tie, and the only one with N = 1', () => {
    expect(pickBest([['x'], ['y']], [true], score)).toEqual([0]);
    expect(pickBest([['bad']], [true], score)).toEqual([0]);
  });

  it('refuses rounds of different sizes', () => {
    expect(() => pickBest([['a', 'b'], ['c']], [true, false], score)).toThrow(/rounds of 2, 1/);
  });
});
