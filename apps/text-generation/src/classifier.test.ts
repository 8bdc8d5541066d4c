import * as tf from '@tensorflow/tfjs-core';
import { Tokenizer } from '@loom-ml/data';
import { describe, expect, it } from 'vitest';
import { bigramId, encodeReviews, JUDGES, positiveProbabilities, trainClassifier } from './classifier.js';

describe('encodeReviews (the bigrams judge reads words, then hashed word pairs)', () => {
  const tokenizer = new Tokenizer({ maxWords: 100 }).fitOnTexts(['a wonderful film', 'a dull film']);
  const id = (word: string) => tokenizer.textsToSequences([word], { maxLength: 1 }).values[0]!;

  it('pre-pads the last maxLength word ids, then one id per neighbouring pair, 0 where a word is padding or unknown', () => {
    const { values, shape } = encodeReviews(tokenizer, ['a wonderful film', 'unknownword film'], 4, 1000);
    expect(shape).toEqual([2, 7]);
    const V = tokenizer.vocabularySize;
    const [a, w, f] = [id('a'), id('wonderful'), id('film')];
    expect(Array.from(values.subarray(0, 7))).toEqual([0, a, w, f, 0, bigramId(a, w, V, 1000), bigramId(w, f, V, 1000)]);
    // The unknown word (id 1) makes no pair.
    expect(Array.from(values.subarray(7, 14))).toEqual([0, 0, 1, f, 0, 0, 0]);
    // Without pair ids: the words alone, as the LSTM reads them.
    expect(encodeReviews(tokenizer, ['a wonderful film'], 4).shape).toEqual([1, 4]);
  });

  it('hashes every pair into the ids after the vocabulary, order-sensitive', () => {
    for (let a = 2; a < 40; a++) for (let b = 2; b < 40; b++) {
      const pair = bigramId(a, b, 500, 97);
      expect(pair).toBeGreaterThanOrEqual(500);
      expect(pair).toBeLessThan(597);
    }
    expect(bigramId(3, 4, 500, 1_000_003)).not.toBe(bigramId(4, 3, 500, 1_000_003));
  });
});

describe('trainClassifier', () => {
  it("the bigrams judge learns a sentiment carried by a word pair only ('not good' vs 'good'), scores held-out texts, and leaks no tensor", async () => {
    const before = tf.memory().numTensors;
    // Every text holds "good" and "bad"; the label is which one "not" precedes: only the pairs tell.
    const fillers = ['the film', 'this movie', 'the plot', 'my evening', 'the cast', 'that story'];
    const make = (i: number) => {
      const filler = fillers[i % fillers.length]!;
      return i % 2 === 0 ? { text: `${filler} was not bad and good`, label: 1 } : { text: `${filler} was not good and bad`, label: 0 };
    };
    const train = Array.from({ length: 48 }, (_, i) => make(i));
    const test = Array.from({ length: 12 }, (_, i) => make(i + 1));
    const settings = { ...JUDGES.bigrams, kind: 'bigrams' as const, epochs: 25, maxLength: 8, maxWords: 50, bigramBuckets: 64, batchSize: 16, learningRate: 0.05, seed: 3, quiet: true };
    const judge = await trainClassifier({ texts: train.map((r) => r.text), labels: train.map((r) => r.label) }, { texts: test.map((r) => r.text), labels: test.map((r) => r.label) }, settings);
    expect(judge.bigramBuckets).toBe(64);
    expect(judge.testAccuracy).toBe(1);
    const p = positiveProbabilities(judge, ['a film was not bad and good', 'a film was not good and bad']);
    expect(p[0]).toBeGreaterThan(0.5);
    expect(p[1]).toBeLessThan(0.5);
    judge.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
