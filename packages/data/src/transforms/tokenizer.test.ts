import { describe, expect, it } from 'vitest';
import { DataError, LoomError } from '../errors.js';
import { Tokenizer } from './tokenizer.js';

const reviews = ['A great film.', 'A dull film<br /><br />and a GREAT cast', "Don't watch it: 10/10 dull!"];

describe('Tokenizer', () => {
  it('lowercases, strips HTML tags and splits on non-letters/digits', () => {
    const tokenizer = new Tokenizer();
    expect(tokenizer.tokenize('A dull film<br /><br />and a GREAT cast')).toEqual(['a', 'dull', 'film', 'and', 'a', 'great', 'cast']);
    expect(tokenizer.tokenize("Don't watch it: 10/10 — café!")).toEqual(['don', 't', 'watch', 'it', '10', '10', 'café']);
    expect(new Tokenizer({ lowercase: false }).tokenize('Great Film')).toEqual(['Great', 'Film']);
  });

  it('numbers words by frequency, ties alphabetically, from id 2', () => {
    // Counts by hand: a 3, dull 2, film 2, great 2, 10 2, then and, cast, don, it, t, watch once.
    const tokenizer = new Tokenizer().fitOnTexts(reviews);
    expect(['a', '10', 'dull', 'film', 'great', 'and', 'cast', 'don', 'it', 't', 'watch'].map((w) => tokenizer.idOf(w))).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(tokenizer.vocabularySize).toBe(13);
    expect(tokenizer.idOf('unseen')).toBe(1);
    expect([0, 1, 2].map((id) => tokenizer.wordOf(id))).toEqual(['<pad>', '<oov>', 'a']);
  });

  it('caps the vocabulary at maxWords ids, mapping the rest to 1', () => {
    const tokenizer = new Tokenizer({ maxWords: 5 }).fitOnTexts(reviews);
    expect(tokenizer.vocabularySize).toBe(5);
    expect(tokenizer.textToIds('a great cast dull')).toEqual([2, 1, 1, 4]);
  });

  it('pads and truncates at either end', () => {
    const tokenizer = new Tokenizer().fitOnTexts(reviews);
    const text = ['a dull film', 'great cast and a film with words'];
    // ids: a 2, dull 4, film 5, great 6, cast 8, and 7, with/words unknown = 1
    expect(tokenizer.textsToSequences(text, { maxLength: 5 })).toEqual({ values: Int32Array.from([0, 0, 2, 4, 5, 7, 2, 5, 1, 1]), shape: [2, 5] });
    expect(Array.from(tokenizer.textsToSequences(text, { maxLength: 5, padding: 'post', truncating: 'post' }).values)).toEqual([2, 4, 5, 0, 0, 6, 8, 7, 2, 5]);
    expect(Array.from(tokenizer.textsToSequences([''], { maxLength: 2 }).values)).toEqual([0, 0]);
  });

  it('round-trips through toJSON / fromJSON (object and string)', () => {
    const tokenizer = new Tokenizer({ maxWords: 8 }).fitOnTexts(reviews);
    for (const saved of [tokenizer.toJSON(), JSON.stringify(tokenizer)]) {
      const copy = Tokenizer.fromJSON(typeof saved === 'string' ? saved : JSON.parse(JSON.stringify(saved)));
      expect(copy.toJSON()).toEqual(tokenizer.toJSON());
      expect(copy.textsToSequences(reviews, { maxLength: 6 })).toEqual(tokenizer.textsToSequences(reviews, { maxLength: 6 }));
    }
  });

  it('names bad arguments', () => {
    expect(() => new Tokenizer({ maxWords: 2 })).toThrow('Invalid value for `maxWords` in Tokenizer. Expected an integer >= 3 (ids 0 and 1 are reserved). Received: 2.');
    const tokenizer = new Tokenizer();
    expect(() => tokenizer.textsToSequences(['a'], { maxLength: 3 })).toThrow('Tokenizer.textsToSequences was called before fitOnTexts: the vocabulary is empty.');
    tokenizer.fitOnTexts(reviews);
    expect(() => tokenizer.textsToSequences(['a'], { maxLength: 0 })).toThrow('Invalid value for `maxLength` in Tokenizer.textsToSequences. Expected a positive integer. Received: 0.');
    expect(() => tokenizer.textsToSequences(['a'], { maxLength: 3, padding: 'middle' as never })).toThrow("Invalid value for `padding` in Tokenizer.textsToSequences. Expected 'pre' or 'post'. Received: 'middle'.");
    expect(() => Tokenizer.fromJSON({ format: 'other' } as never)).toThrow(DataError);
    expect(() => Tokenizer.fromJSON({ format: 'loom-tokenizer', formatVersion: 1, maxWords: null, lowercase: true, words: ['a', 'a'] })).toThrow(
      'Invalid value for `words` in Tokenizer.fromJSON. Expected an array of distinct non-empty strings. Received: \'an array of 2\'.',
    );
    const error = (() => {
      try {
        new Tokenizer({ lowercase: 'yes' as never });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(LoomError.isInstance(error)).toBe(true);
  });
});
