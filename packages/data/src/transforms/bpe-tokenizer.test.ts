// BpeTokenizer: training and encoding against a naive reference implementation, lossless
// round trips on random Unicode text (seeded property test), special tokens, streaming decode,
// JSON save/load, and loading hostile JSON (each malformed file named, bounded in time).
import { FileRefusedError, InvalidFileError, LoomError } from '@loom-ml/core';
import { describe, expect, it } from 'vitest';
import { BpeTokenizer, type BpeTokenizerJSON } from './bpe-tokenizer.js';
import { seededRandom } from '../dataset.js';

const encoder = new TextEncoder();
const GPT2_PIECE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Textbook BPE (Sennrich et al. 2016), recounting every pair each round: the reference for training. */
function referenceTrain(texts: string[], specials: number, merges: number, minFrequency = 2): number[] {
  const counts = new Map<string, number>();
  for (const text of texts) for (const piece of text.match(GPT2_PIECE) ?? []) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  let words = [...counts].map(([piece, count]) => ({ symbols: Array.from(encoder.encode(piece), (b) => specials + b), count }));
  const out: number[] = [];
  for (let m = 0; m < merges; m++) {
    const pairs = new Map<string, number>();
    for (const { symbols, count } of words) for (let i = 0; i + 1 < symbols.length; i++) pairs.set(`${symbols[i]},${symbols[i + 1]}`, (pairs.get(`${symbols[i]},${symbols[i + 1]}`) ?? 0) + count);
    let best: [number, number, number] | null = null;
    for (const [key, count] of pairs) {
      const [a, b] = key.split(',').map(Number) as [number, number];
      if (best === null || count > best[0] || (count === best[0] && (a < best[1] || (a === best[1] && b < best[2])))) best = [count, a, b];
    }
    if (best === null || best[0] < minFrequency) break;
    const [, a, b] = best;
    const id = specials + 256 + m;
    out.push(a, b);
    words = words.map(({ symbols, count }) => {
      const merged: number[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === a && symbols[i + 1] === b) {
          merged.push(id);
          i++;
        } else merged.push(symbols[i]!);
      }
      return { symbols: merged, count };
    });
  }
  return out;
}

/** Encoding by applying every merge in order to each piece: the reference for `encode`. */
function referenceEncode(text: string, specials: number, merges: number[]): number[] {
  return (text.match(GPT2_PIECE) ?? []).flatMap((piece) => {
    let symbols = Array.from(encoder.encode(piece), (b) => specials + b);
    for (let m = 0; m < merges.length / 2; m++) {
      const [a, b, id] = [merges[2 * m], merges[2 * m + 1], specials + 256 + m];
      const merged: number[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === a && symbols[i + 1] === b) {
          merged.push(id);
          i++;
        } else merged.push(symbols[i]!);
      }
      symbols = merged;
    }
    return symbols;
  });
}

const WORDS = ['the', 'film', 'was', 'great', 'not', 'bad', 'acting', 'plot', "don't", "it's", 'really', 'movie', 'lowest', 'lower', 'newer', 'café', 'naïve', '2009', '10/10', '!!', 'über', '映画', 'とても'];

/** A seeded corpus of sentences from WORDS, with punctuation and odd spacing. */
function corpus(sentences: number, seed: number): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: sentences }, () => {
    const length = 3 + Math.floor(random() * 12);
    const words = Array.from({ length }, () => WORDS[Math.floor(random() * WORDS.length)]!);
    return words.join(random() < 0.1 ? '  ' : ' ') + (random() < 0.5 ? '.' : ' !\n');
  });
}

/** Random strings mixing ASCII, Latin-1, combining marks, CJK, emoji (surrogate pairs), whitespace of every kind and contractions. */
function randomText(random: () => number): string {
  const ranges: [number, number][] = [[0x20, 0x7e], [0x00, 0x1f], [0xa0, 0xff], [0x300, 0x36f], [0x4e00, 0x4fff], [0x1f600, 0x1f64f], [0x10000, 0x10fff], [0x2000, 0x200b], [0xfff0, 0xfffd]];
  const parts: string[] = [];
  const length = Math.floor(random() * 40);
  for (let i = 0; i < length; i++) {
    const r = random();
    if (r < 0.1) parts.push(["'s", "'ll", ' ', '\n', '\r\n', '\t', '  '][Math.floor(random() * 7)]!);
    else {
      const [lo, hi] = ranges[Math.floor(random() * ranges.length)]!;
      parts.push(String.fromCodePoint(lo + Math.floor(random() * (hi - lo + 1))));
    }
  }
  return parts.join('');
}

describe('BpeTokenizer.train', () => {
  const texts = corpus(400, 1);
  const trained = BpeTokenizer.train(texts, { vocabularySize: 2 + 256 + 60, specialTokens: ['<pad>', '<eos>'] });

  it('learns the merges of textbook BPE, in the same order', () => {
    expect(trained.toJSON().merges).toEqual(referenceTrain(texts, 2, 60));
    expect(trained.vocabularySize).toBe(318);
    expect(trained.mergeCount).toBe(60);
  });

  it('encodes as applying every merge in order would, and shortens the text', () => {
    const merges = trained.toJSON().merges;
    for (const text of corpus(50, 2)) expect(trained.encode(text)).toEqual(referenceEncode(text, 2, merges));
    const sample = corpus(50, 3).join('');
    expect(trained.encode(sample).length).toBeLessThan(encoder.encode(sample).length / 2);
  });

  it('is deterministic: the order of the texts does not matter', () => {
    const shuffled = [...texts].reverse();
    expect(BpeTokenizer.train(shuffled, { vocabularySize: 318, specialTokens: ['<pad>', '<eos>'] }).toJSON()).toEqual(trained.toJSON());
  });

  it('stops early when no pair is frequent enough, and keeps tokens within maxTokenBytes', () => {
    const few = BpeTokenizer.train(['abab abab'], { vocabularySize: 1000 });
    expect(few.toJSON().merges).toEqual(referenceTrain(['abab abab'], 0, 1000));
    expect(few.vocabularySize).toBeLessThan(270);
    const short = BpeTokenizer.train(['aaaaaaaaaaaaaaaa'.repeat(4)], { vocabularySize: 300, maxTokenBytes: 4, minFrequency: 1 });
    expect(Math.max(...Array.from({ length: short.vocabularySize }, (_, id) => short.decodeBytes([id]).length))).toBe(4);
  });

  it('names bad options', () => {
    expect(() => BpeTokenizer.train([], { vocabularySize: 100 })).toThrow('Invalid value for `vocabularySize` in BpeTokenizer.train. Expected an integer from 256 (special tokens + 256 bytes) to 2097152. Received: 100.');
    expect(() => BpeTokenizer.train([], { vocabularySize: 300, specialTokens: ['<a>', '<a>'] })).toThrow('Invalid value for `specialTokens` in BpeTokenizer.train. Expected at most 4096 distinct non-empty strings of up to 256 characters.');
    expect(() => BpeTokenizer.train([], { vocabularySize: 300, minFrequency: 0 })).toThrow('Invalid value for `minFrequency` in BpeTokenizer.train. Expected a positive integer. Received: 0.');
    expect(() => BpeTokenizer.train(['ok', 3 as never], { vocabularySize: 300 })).toThrow("Invalid value for `texts[1]` in BpeTokenizer.train. Expected a string. Received: 'number'.");
  });
});

describe('BpeTokenizer round trips', () => {
  const trained = BpeTokenizer.train(corpus(300, 4), { vocabularySize: 400, specialTokens: ['<pad>'] });
  const bytesOnly = BpeTokenizer.train([], { vocabularySize: 256 });

  it('decode(encode(s)) === s for 3,000 seeded random strings, trained or not (characters never seen in training included)', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 1500; i++) {
      const text = randomText(random);
      expect(trained.decode(trained.encode(text))).toBe(text);
      expect(bytesOnly.decode(bytesOnly.encode(text))).toBe(text);
    }
  });

  it('round-trips long pieces (cut every 256 units, never inside a surrogate pair) and empty text', () => {
    for (const text of ['a'.repeat(5000), '😀'.repeat(700), ' '.repeat(3000) + 'x', 'x' + '\u0301'.repeat(600), '']) expect(trained.decode(trained.encode(text))).toBe(text);
  });

  it('a lone surrogate, which has no UTF-8 form, comes back as U+FFFD (as TextEncoder does)', () => {
    expect(trained.decode(trained.encode('a\uD800b'))).toBe('a\uFFFDb');
  });

  it('the streaming decoder holds a character split between tokens until it is whole', () => {
    const ids = bytesOnly.encode('é😀'); // one byte per token: 2 + 4
    const stream = bytesOnly.decoder();
    expect(ids.map((id) => stream.write(id))).toEqual(['', 'é', '', '', '', '😀']);
    expect(stream.end()).toBe('');
    expect(bytesOnly.decode(ids.slice(0, 1))).toBe('\uFFFD');
  });
});

describe('special tokens', () => {
  const tokenizer = BpeTokenizer.train(corpus(100, 6), { vocabularySize: 300, specialTokens: ['<pad>', '<eos>', '<pos>', '<neg>'] });

  it('have ids 0..n-1, stay text unless allowSpecial, and decode to their strings unless skipped', () => {
    expect(['<pad>', '<eos>', '<pos>', '<neg>'].map((t) => tokenizer.specialId(t))).toEqual([0, 1, 2, 3]);
    const plain = tokenizer.encode('<pos>great');
    expect(plain.every((id) => id >= 4)).toBe(true);
    expect(tokenizer.decode(plain)).toBe('<pos>great');
    const parsed = tokenizer.encode('<pos>great film<eos>', { allowSpecial: true });
    expect(parsed[0]).toBe(2);
    expect(parsed.at(-1)).toBe(1);
    expect(tokenizer.decode(parsed)).toBe('<pos>great film<eos>');
    expect(tokenizer.decode(parsed, { skipSpecial: true })).toBe('great film');
    expect(() => tokenizer.specialId('<bos>')).toThrow("Invalid value for `token` in BpeTokenizer.specialId. Expected one of the special tokens [\"<pad>\",\"<eos>\",\"<pos>\",\"<neg>\"]. Received: '<bos>'.");
    expect(() => tokenizer.decode([0, 300])).toThrow('Invalid value for `ids[1]` in BpeTokenizer.decode. Expected an id in [0, 300). Received: 300.');
  });
});

describe('BpeTokenizer JSON', () => {
  const tokenizer = BpeTokenizer.train(corpus(200, 7), { vocabularySize: 350, specialTokens: ['<pad>', '<eos>'] });
  const json = tokenizer.toJSON();
  const text = corpus(20, 8).join(' ');

  it('round-trips through the object, its JSON text and its bytes', () => {
    for (const saved of [json, JSON.stringify(tokenizer), encoder.encode(JSON.stringify(json))]) {
      const copy = BpeTokenizer.fromJSON(saved);
      expect(copy.toJSON()).toEqual(json);
      expect(copy.encode(text)).toEqual(tokenizer.encode(text));
    }
  });

  const base = { format: 'loom-bpe-tokenizer', formatVersion: 1, pretokenizer: 'gpt2', specialTokens: ['<pad>'], merges: [] as unknown[] } as const;
  const doubling = Array.from({ length: 40 }, (_, i) => (i === 0 ? [1 + 97, 1 + 97] : [257 + i - 1, 257 + i - 1])).flat();
  const cases: [string, unknown, typeof InvalidFileError | typeof FileRefusedError, string][] = [
    ['not an object', '[1, 2]', InvalidFileError, 'The BPE tokenizer JSON is not an object.'],
    ['another format', { ...base, format: 'loom-tokenizer' }, InvalidFileError, "has format loom-tokenizer version 1; expected 'loom-bpe-tokenizer' version 1."],
    ['another pretokenizer', { ...base, pretokenizer: 'bert' }, InvalidFileError, "names pretokenizer bert; this version knows 'gpt2'."],
    ['duplicate special tokens', { ...base, specialTokens: ['<a>', '<a>'] }, InvalidFileError, 'Invalid value for `specialTokens` in the BPE tokenizer JSON.'],
    ['a special token that is not a string', { ...base, specialTokens: [7] }, InvalidFileError, 'Invalid value for `specialTokens`'],
    ['odd merges', { ...base, merges: [257] }, InvalidFileError, 'has no even-length merges array (pairs of ids).'],
    ['a merge of a later id', { ...base, merges: [98, 257] }, InvalidFileError, 'has merge 0 (id 257) joining 98 and 257; each must be a byte id or an earlier merge\'s id, in [1, 257).'],
    ['a merge of a special token', { ...base, merges: [0, 98] }, InvalidFileError, 'has merge 0 (id 257) joining 0 and 98'],
    ['a merge of a fraction', { ...base, merges: [98.5, 98] }, InvalidFileError, 'joining 98.5 and 98'],
    ['a merge of a string', { ...base, merges: ['98', 98] }, InvalidFileError, 'joining "98" and 98'],
    ['a repeated pair', { ...base, merges: [98, 99, 98, 99] }, InvalidFileError, 'has merge 1 (id 258) repeating the pair [98, 99] of an earlier merge.'],
    ['tokens doubling past maxTokenBytes', { ...base, merges: doubling }, FileRefusedError, 'has merge 12 (id 269) making a token of 8192 bytes, more than the limit of 4096 (raise maxTokenBytes if you trust it).'],
    ['more ids than maxVocabularySize', { ...base, merges: { length: 4 * 2 ** 20 } }, FileRefusedError, 'has 2097409 ids, more than the limit of 1048576 (raise maxVocabularySize if you trust it).'],
    ['nesting', `{"format": ${'['.repeat(100)}${']'.repeat(100)}}`, InvalidFileError, 'nests arrays and objects more than 4 deep'],
    ['truncated text', JSON.stringify(base).slice(0, 30), InvalidFileError, 'is not valid JSON'],
    ['too many bytes', ' '.repeat(100) + JSON.stringify(base), FileRefusedError, 'more than the limit of 64'],
    ['invalid UTF-8', Uint8Array.of(0x7b, 0xff, 0x7d), InvalidFileError, 'is not valid UTF-8 text.'],
  ];
  it.each(cases)('refuses %s with a named error', (_label, input, kind, message) => {
    const merges = (input as { merges?: { length?: number } }).merges;
    // A fake array-like with a huge length must be refused before anything iterates it.
    const value = merges !== undefined && !Array.isArray(merges) ? { ...(input as object), merges: Object.assign([], { length: 0 }, merges) } : input;
    const options = _label === 'too many bytes' ? { maxBytes: 64 } : {};
    expect(() => BpeTokenizer.fromJSON(value as BpeTokenizerJSON, options)).toThrow(kind);
    expect(() => BpeTokenizer.fromJSON(value as BpeTokenizerJSON, options)).toThrow(message);
  });

  it('survives 400 seeded random mutations of a valid file: each either loads and round-trips text, or is refused with a LoomError, within 2 s in all', () => {
    const random = seededRandom(9);
    const valid = JSON.stringify(tokenizer);
    const start = performance.now();
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const chars = valid.split('');
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) {
        const at = Math.floor(random() * chars.length);
        const r = random();
        if (r < 0.4) chars[at] = '0123456789,[]"{}:-.e'[Math.floor(random() * 20)]!;
        else if (r < 0.7) chars.splice(at, 1);
        else chars.splice(at, 0, '9');
      }
      try {
        const loaded = BpeTokenizer.fromJSON(chars.join(''));
        expect(loaded.decode(loaded.encode(text))).toBe(text);
      } catch (error) {
        if (!LoomError.isInstance(error)) throw error;
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('names bad limits', () => {
    expect(() => BpeTokenizer.fromJSON(json, { maxTokenBytes: 0 })).toThrow('Invalid value for `maxTokenBytes` in BpeTokenizer.fromJSON. Expected a positive integer. Received: 0.');
  });
});
