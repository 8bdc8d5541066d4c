import { DataError, invalidValue } from '../errors.js';

/** Id of padding positions. */
export const PADDING_ID = 0;
/** Id of words outside the vocabulary. */
export const OUT_OF_VOCABULARY_ID = 1;

/** Options of `new Tokenizer`: vocabulary size and lowercasing. */
export interface TokenizerOptions {
  /** Largest id + 1, reserved ids included: keeps the `maxWords - 2` most frequent words. Default: every word seen. */
  maxWords?: number;
  /** Lowercase before splitting. Default true. */
  lowercase?: boolean;
}

/** Options of `Tokenizer.textsToSequences`: the length of every row and where to pad and cut. */
export interface SequenceOptions {
  /** Length of every output row. */
  maxLength: number;
  /** Where short rows get their padding (id 0). Default 'pre', so the last steps are real words (what a recurrent layer's final state sees). */
  padding?: 'pre' | 'post';
  /** Which end of long rows is cut. Default 'pre' (keeps the end of the text). */
  truncating?: 'pre' | 'post';
}

/** Row-major ids, `shape` `[texts.length, maxLength]`: pass to `tf.tensor2d(values, shape, 'int32')`. */
export interface Sequences {
  values: Int32Array;
  shape: [number, number];
}

/** The saved form of a fitted tokenizer. */
export interface TokenizerJSON {
  format: 'loom-tokenizer';
  formatVersion: 1;
  maxWords: number | null;
  lowercase: boolean;
  /** Vocabulary in id order, starting at id 2. */
  words: string[];
}

const HTML_TAG = /<[^>]*>/g;
const SEPARATOR = /[^\p{L}\p{N}]+/u;

/**
 * Turns texts into padded id sequences: lowercases, replaces HTML tags (`<br />`) with spaces,
 * splits on anything that is not a letter or digit (so "don't" → "don", "t"), and numbers words
 * by frequency (ties alphabetically, so fitting is deterministic). Id 0 is padding, id 1 is
 * out-of-vocabulary; the most frequent word is id 2.
 *
 * @example
 * const tokenizer = new Tokenizer({ maxWords: 10000 });
 * tokenizer.fitOnTexts(['A great film.', 'A dull film<br />']);
 * const { values, shape } = tokenizer.textsToSequences(['great film'], { maxLength: 4 }); // [0, 0, 5, 3]
 */
export class Tokenizer {
  readonly maxWords: number | null;
  readonly lowercase: boolean;
  private words: string[] = [];
  private index = new Map<string, number>();

  constructor(options: TokenizerOptions = {}) {
    if (options.maxWords !== undefined && !(Number.isInteger(options.maxWords) && options.maxWords >= 3)) {
      throw invalidValue('maxWords', 'Tokenizer', 'an integer >= 3 (ids 0 and 1 are reserved)', options.maxWords);
    }
    if (options.lowercase !== undefined && typeof options.lowercase !== 'boolean') throw invalidValue('lowercase', 'Tokenizer', 'a boolean', options.lowercase);
    this.maxWords = options.maxWords ?? null;
    this.lowercase = options.lowercase ?? true;
  }

  /** Splits one text into words, without looking anything up. */
  tokenize(text: string): string[] {
    const cleaned = (this.lowercase ? text.toLowerCase() : text).replace(HTML_TAG, ' ');
    return cleaned.split(SEPARATOR).filter((word) => word.length > 0);
  }

  /** Builds the vocabulary from `texts`, replacing any earlier one. */
  fitOnTexts(texts: Iterable<string>): this {
    const counts = new Map<string, number>();
    for (const text of texts) {
      if (typeof text !== 'string') throw invalidValue('texts', 'Tokenizer.fitOnTexts', 'strings', text);
      for (const word of this.tokenize(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([word]) => word);
    this.setWords(this.maxWords === null ? ranked : ranked.slice(0, this.maxWords - 2));
    return this;
  }

  private setWords(words: string[]): void {
    this.words = words;
    this.index = new Map(words.map((word, i) => [word, i + 2]));
  }

  /** Ids run from 0 to vocabularySize - 1: the `inputDim` of an embedding layer. */
  get vocabularySize(): number {
    return this.words.length + 2;
  }

  /** The id of `word` (already tokenized), 1 when unknown. */
  idOf(word: string): number {
    return this.index.get(word) ?? OUT_OF_VOCABULARY_ID;
  }

  /** The word for `id`, `'<pad>'` for 0 and `'<oov>'` for 1. */
  wordOf(id: number): string {
    if (id === PADDING_ID) return '<pad>';
    return this.words[id - 2] ?? '<oov>';
  }

  /** Ids of one text, unpadded. */
  textToIds(text: string): number[] {
    return this.tokenize(text).map((word) => this.idOf(word));
  }

  /** Every text as a row of exactly `maxLength` ids, padded and truncated as asked. */
  textsToSequences(texts: readonly string[], options: SequenceOptions): Sequences {
    const { maxLength, padding = 'pre', truncating = 'pre' } = options;
    if (!(Number.isInteger(maxLength) && maxLength > 0)) throw invalidValue('maxLength', 'Tokenizer.textsToSequences', 'a positive integer', maxLength);
    if (padding !== 'pre' && padding !== 'post') throw invalidValue('padding', 'Tokenizer.textsToSequences', "'pre' or 'post'", padding);
    if (truncating !== 'pre' && truncating !== 'post') throw invalidValue('truncating', 'Tokenizer.textsToSequences', "'pre' or 'post'", truncating);
    if (this.index.size === 0) throw new DataError('Tokenizer.textsToSequences was called before fitOnTexts: the vocabulary is empty.');
    const values = new Int32Array(texts.length * maxLength); // zeros = padding
    texts.forEach((text, row) => {
      let ids = this.textToIds(text);
      if (ids.length > maxLength) ids = truncating === 'pre' ? ids.slice(ids.length - maxLength) : ids.slice(0, maxLength);
      const start = row * maxLength + (padding === 'pre' ? maxLength - ids.length : 0);
      values.set(ids, start);
    });
    return { values, shape: [texts.length, maxLength] };
  }

  /** A JSON-safe copy of the fitted vocabulary; `Tokenizer.fromJSON` restores it. */
  toJSON(): TokenizerJSON {
    return { format: 'loom-tokenizer', formatVersion: 1, maxWords: this.maxWords, lowercase: this.lowercase, words: [...this.words] };
  }

  /**
   * Restores a tokenizer saved with `toJSON` (also accepts the JSON string).
   *
   * @example
   * const copy = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tokenizer)));
   */
  static fromJSON(json: TokenizerJSON | string): Tokenizer {
    const data = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<TokenizerJSON>;
    if (data?.format !== 'loom-tokenizer' || data.formatVersion !== 1) {
      throw invalidValue('format', 'Tokenizer.fromJSON', "{ format: 'loom-tokenizer', formatVersion: 1 }", { format: data?.format, formatVersion: data?.formatVersion });
    }
    if (!Array.isArray(data.words) || !data.words.every((w) => typeof w === 'string' && w.length > 0) || new Set(data.words).size !== data.words.length) {
      throw invalidValue('words', 'Tokenizer.fromJSON', 'an array of distinct non-empty strings', Array.isArray(data.words) ? `an array of ${data.words.length}` : data.words);
    }
    const tokenizer = new Tokenizer({ ...(data.maxWords == null ? {} : { maxWords: data.maxWords }), lowercase: data.lowercase ?? true });
    tokenizer.setWords([...data.words]);
    return tokenizer;
  }
}
