import { FileRefusedError, InvalidFileError, parseJsonBounded } from '@loom-ml/core';
import { invalidValue } from '../errors.js';

/** Options of `BpeTokenizer.train`. */
export interface BpeTrainOptions {
  /** Ids in the trained tokenizer: special tokens + 256 bytes + merges. Training stops early when no pair is frequent enough. */
  vocabularySize: number;
  /** Strings with ids of their own (0, 1, ... in this order), never produced from text unless `encode` is told to: `['<pad>', '<eos>', '<pos>', '<neg>']`. */
  specialTokens?: readonly string[];
  /** A pair must occur this often to be merged. Default 2. */
  minFrequency?: number;
  /** Longest token, in bytes, a merge may create. Default 128. */
  maxTokenBytes?: number;
}

/** Limits of `BpeTokenizer.fromJSON`, each checked before the tokenizer is built. */
export interface BpeLoadOptions {
  /** Largest JSON text accepted, in UTF-8 bytes. Default 16 MiB. */
  maxBytes?: number;
  /** Most ids (special tokens + 256 + merges). Default 1,048,576. */
  maxVocabularySize?: number;
  /** Longest token, in bytes (merges can double lengths, so a short file could describe huge tokens). Default 4096. */
  maxTokenBytes?: number;
}

/** Options of `BpeTokenizer.encode`. */
export interface BpeEncodeOptions {
  /** Turn special-token strings found in the text into their ids. Default false: text is only ever text, so a user cannot type `<eos>` into a prompt. */
  allowSpecial?: boolean;
}

/** Options of `BpeTokenizer.decode`. */
export interface BpeDecodeOptions {
  /** Leave special tokens out of the text. Default false (they appear as their strings). */
  skipSpecial?: boolean;
}

/** The saved form of a `BpeTokenizer`. */
export interface BpeTokenizerJSON {
  format: 'loom-bpe-tokenizer';
  formatVersion: 1;
  /** How text is split before merging; only GPT-2's pattern so far. */
  pretokenizer: 'gpt2';
  /** Special tokens in id order (ids 0 .. n-1). */
  specialTokens: string[];
  /** Merges in order, flattened: merge i joins ids `merges[2i]` and `merges[2i+1]` into id n + 256 + i. */
  merges: number[];
}

/**
 * GPT-2's pre-tokenizer (Radford et al. 2019): contractions, letters with one leading space,
 * digits with one leading space, other symbols with one leading space, runs of spaces. Merges
 * never cross these pieces.
 */
const PIECE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
/** Pieces longer than this (in UTF-16 units) are cut, so encoding stays linear in the text length whatever the input. */
const MAX_PIECE = 256;
const BYTES = 256;
const KEY = 2 ** 21; // ids < 2^21 keep pair keys exact below 2^53
const DEFAULT_LOAD: Required<BpeLoadOptions> = { maxBytes: 16 * 2 ** 20, maxVocabularySize: 2 ** 20, maxTokenBytes: 4096 };
const MAX_SPECIAL_TOKENS = 4096;
const MAX_SPECIAL_LENGTH = 256;

const encoder = /* @__PURE__ */ new TextEncoder();

/** Splits text into pieces (every character in exactly one), long ones cut at `MAX_PIECE` without splitting a surrogate pair. */
function pieces(text: string): string[] {
  const out: string[] = [];
  let covered = 0;
  const push = (piece: string) => {
    for (let start = 0; start < piece.length; ) {
      let end = Math.min(piece.length, start + MAX_PIECE);
      if (end < piece.length && /[\uD800-\uDBFF]/.test(piece[end - 1]!)) end--;
      out.push(piece.slice(start, end));
      start = end;
    }
  };
  for (const match of text.matchAll(PIECE)) {
    if (match.index! > covered) push(text.slice(covered, match.index)); // never expected: the pattern covers every character
    push(match[0]);
    covered = match.index! + match[0].length;
  }
  if (covered < text.length) push(text.slice(covered));
  return out;
}

/** A max-heap of [count, a, b], ties to the smaller a then b (deterministic training). */
class PairHeap {
  private readonly items: [number, number, number][] = [];
  private before(x: [number, number, number], y: [number, number, number]): boolean {
    return x[0] !== y[0] ? x[0] > y[0] : x[1] !== y[1] ? x[1] < y[1] : x[2] < y[2];
  }
  push(item: [number, number, number]): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }
  pop(): [number, number, number] | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      for (let i = 0; ; ) {
        const [l, r] = [2 * i + 1, 2 * i + 2];
        let best = i;
        if (l < items.length && this.before(items[l]!, items[best]!)) best = l;
        if (r < items.length && this.before(items[r]!, items[best]!)) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best]!, items[i]!];
        i = best;
      }
    }
    return top;
  }
}

function checkSpecialTokens(value: unknown, where: string, maxCount: number): string[] {
  if (!Array.isArray(value) || value.length > maxCount || !value.every((s) => typeof s === 'string' && s.length > 0 && s.length <= MAX_SPECIAL_LENGTH) || new Set(value).size !== value.length) {
    throw invalidValue('specialTokens', where, `at most ${maxCount} distinct non-empty strings of up to ${MAX_SPECIAL_LENGTH} characters`, Array.isArray(value) ? value.slice(0, 5) : value);
  }
  return [...value];
}

/**
 * A byte-level BPE tokenizer (as GPT-2's): text is split into pieces (words with their leading
 * space, numbers, punctuation, whitespace), each piece becomes its UTF-8 bytes (ids
 * `specialTokens.length` + byte), and learned merges join frequent neighbouring ids into one.
 * Every string encodes and decodes back to itself (lone UTF-16 surrogates, which have no UTF-8
 * form, become U+FFFD as with `TextEncoder`), whatever its script, because any byte has an id.
 *
 * @example
 * const tokenizer = BpeTokenizer.train(reviews, { vocabularySize: 4096, specialTokens: ['<pad>', '<eos>'] });
 * const ids = tokenizer.encode('A great film!');
 * tokenizer.decode(ids); // 'A great film!'
 * const copy = BpeTokenizer.fromJSON(JSON.stringify(tokenizer));
 */
export class BpeTokenizer {
  /** Special tokens in id order: `specialTokens[i]` has id i. */
  readonly specialTokens: readonly string[];
  private readonly merges: Int32Array;
  /** pair key → merged id (also its rank: earlier merges have lower ids). */
  private readonly ranks = new Map<number, number>();
  private readonly tokenBytes: Uint8Array[];
  private readonly specialIds: Map<string, number>;
  private readonly cache = new Map<string, number[]>();

  private constructor(specialTokens: string[], merges: Int32Array) {
    this.specialTokens = Object.freeze(specialTokens);
    this.merges = merges;
    this.specialIds = new Map(specialTokens.map((token, id) => [token, id]));
    const base = specialTokens.length;
    this.tokenBytes = specialTokens.map((token) => encoder.encode(token));
    for (let b = 0; b < BYTES; b++) this.tokenBytes.push(Uint8Array.of(b));
    for (let i = 0; i < merges.length / 2; i++) {
      const [a, b] = [merges[2 * i]!, merges[2 * i + 1]!];
      const joined = new Uint8Array(this.tokenBytes[a]!.length + this.tokenBytes[b]!.length);
      joined.set(this.tokenBytes[a]!);
      joined.set(this.tokenBytes[b]!, this.tokenBytes[a]!.length);
      this.tokenBytes.push(joined);
      this.ranks.set(a * KEY + b, base + BYTES + i);
    }
  }

  /** Ids run from 0 to `vocabularySize - 1`: an embedding's `vocabularySize` / `inputDim`. */
  get vocabularySize(): number {
    return this.tokenBytes.length;
  }

  /** Number of learned merges. */
  get mergeCount(): number {
    return this.merges.length / 2;
  }

  /**
   * Learns merges from `texts`: counts pieces, then repeatedly merges the most frequent pair of
   * neighbouring ids (ties to the smaller ids, so training is deterministic) until the
   * vocabulary has `vocabularySize` ids or no pair occurs `minFrequency` times.
   *
   * @example
   * const tokenizer = BpeTokenizer.train(['low lower lowest', 'new newer'], { vocabularySize: 270 });
   */
  static train(texts: Iterable<string>, options: BpeTrainOptions): BpeTokenizer {
    const where = 'BpeTokenizer.train';
    if (options === null || typeof options !== 'object') throw invalidValue('options', where, '{ vocabularySize, specialTokens?, minFrequency?, maxTokenBytes? }', options);
    const specialTokens = checkSpecialTokens(options.specialTokens ?? [], where, MAX_SPECIAL_TOKENS);
    const base = specialTokens.length + BYTES;
    const { vocabularySize, minFrequency = 2, maxTokenBytes = 128 } = options;
    if (!(Number.isInteger(vocabularySize) && vocabularySize >= base && vocabularySize <= KEY)) {
      throw invalidValue('vocabularySize', where, `an integer from ${base} (special tokens + 256 bytes) to ${KEY}`, vocabularySize);
    }
    if (!(Number.isInteger(minFrequency) && minFrequency >= 1)) throw invalidValue('minFrequency', where, 'a positive integer', minFrequency);
    if (!(Number.isInteger(maxTokenBytes) && maxTokenBytes >= 2)) throw invalidValue('maxTokenBytes', where, 'an integer >= 2', maxTokenBytes);

    const counts = new Map<string, number>();
    let index = 0;
    for (const text of texts) {
      if (typeof text !== 'string') throw invalidValue(`texts[${index}]`, where, 'a string', typeof text);
      for (const piece of pieces(text)) counts.set(piece, (counts.get(piece) ?? 0) + 1);
      index++;
    }
    const words: number[][] = [];
    const frequency: number[] = [];
    for (const [piece, count] of counts) {
      const bytes = encoder.encode(piece);
      if (bytes.length < 2) continue; // nothing to merge
      words.push(Array.from(bytes, (b) => specialTokens.length + b));
      frequency.push(count);
    }
    counts.clear();

    const lengths: number[] = Array.from({ length: base }, (_, id) => (id < specialTokens.length ? 0 : 1));
    const pairCounts = new Map<number, number>();
    const pairWords = new Map<number, Set<number>>();
    words.forEach((symbols, w) => {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = symbols[i]! * KEY + symbols[i + 1]!;
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + frequency[w]!);
        let set = pairWords.get(key);
        if (set === undefined) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
    });
    const heap = new PairHeap();
    for (const [key, count] of pairCounts) heap.push([count, Math.floor(key / KEY), key % KEY]);

    const merges: number[] = [];
    while (base + merges.length / 2 < vocabularySize) {
      const top = heap.pop();
      if (top === undefined) break;
      const [count, a, b] = top;
      const key = a * KEY + b;
      if (pairCounts.get(key) !== count) continue; // stale entry
      if (count < minFrequency) break;
      pairCounts.delete(key);
      if (lengths[a]! + lengths[b]! > maxTokenBytes) continue; // too long a token: skip this pair for good
      const id = base + merges.length / 2;
      merges.push(a, b);
      lengths.push(lengths[a]! + lengths[b]!);
      const delta = new Map<number, number>();
      const change = (k: number, by: number) => delta.set(k, (delta.get(k) ?? 0) + by);
      for (const w of pairWords.get(key) ?? []) {
        const symbols = words[w]!;
        const f = frequency[w]!;
        for (let i = 0; i + 1 < symbols.length; i++) change(symbols[i]! * KEY + symbols[i + 1]!, -f);
        const merged: number[] = [];
        for (let i = 0; i < symbols.length; i++) {
          if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
            merged.push(id);
            i++;
          } else merged.push(symbols[i]!);
        }
        words[w] = merged;
        for (let i = 0; i + 1 < merged.length; i++) {
          const k = merged[i]! * KEY + merged[i + 1]!;
          change(k, f);
          let set = pairWords.get(k);
          if (set === undefined) pairWords.set(k, (set = new Set()));
          set.add(w);
        }
      }
      pairWords.delete(key);
      for (const [k, by] of delta) {
        if (by === 0 || k === key) continue;
        const next = (pairCounts.get(k) ?? 0) + by;
        if (next > 0) {
          pairCounts.set(k, next);
          heap.push([next, Math.floor(k / KEY), k % KEY]);
        } else {
          pairCounts.delete(k);
          pairWords.delete(k);
        }
      }
    }
    return new BpeTokenizer(specialTokens, Int32Array.from(merges));
  }

  /** The id of a special token. */
  specialId(token: string): number {
    const id = this.specialIds.get(token);
    if (id === undefined) throw invalidValue('token', 'BpeTokenizer.specialId', `one of the special tokens ${JSON.stringify(this.specialTokens.slice(0, 20))}`, token);
    return id;
  }

  /** The ids of one piece of text (cached: the same words recur). */
  private encodePiece(piece: string): number[] {
    const cached = this.cache.get(piece);
    if (cached !== undefined) return cached;
    const offset = this.specialTokens.length;
    let symbols = Array.from(encoder.encode(piece), (b) => offset + b);
    while (symbols.length > 1) {
      let best = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const id = this.ranks.get(symbols[i]! * KEY + symbols[i + 1]!);
        if (id !== undefined && id < best) best = id;
      }
      if (best === Infinity) break;
      const [a, b] = [this.merges[2 * (best - offset - BYTES)]!, this.merges[2 * (best - offset - BYTES) + 1]!];
      const merged: number[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          merged.push(best);
          i++;
        } else merged.push(symbols[i]!);
      }
      symbols = merged;
    }
    if (this.cache.size >= 50_000) this.cache.clear();
    this.cache.set(piece, symbols);
    return symbols;
  }

  /**
   * The ids of `text`. Special-token strings in it are plain text unless `allowSpecial`.
   *
   * @example
   * const ids = [tokenizer.specialId('<pos>'), ...tokenizer.encode('What a film')];
   */
  encode(text: string, options: BpeEncodeOptions = {}): number[] {
    if (typeof text !== 'string') throw invalidValue('text', 'BpeTokenizer.encode', 'a string', typeof text);
    const ids: number[] = [];
    const plain = (part: string) => {
      for (const piece of pieces(part)) for (const id of this.encodePiece(piece)) ids.push(id);
    };
    if (options.allowSpecial === true && this.specialTokens.length > 0) {
      // Longest special token first, so '<eos>' never hides '<eos2>'.
      const alternatives = [...this.specialTokens].sort((x, y) => y.length - x.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      let last = 0;
      for (const match of text.matchAll(new RegExp(alternatives.join('|'), 'g'))) {
        plain(text.slice(last, match.index));
        ids.push(this.specialIds.get(match[0])!);
        last = match.index! + match[0].length;
      }
      plain(text.slice(last));
    } else plain(text);
    return ids;
  }

  /** The bytes of `ids`, concatenated (a token may hold part of a character). */
  decodeBytes(ids: ArrayLike<number>, options: BpeDecodeOptions = {}): Uint8Array {
    const parts: Uint8Array[] = [];
    let length = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const bytes = Number.isInteger(id) ? this.tokenBytes[id] : undefined;
      if (bytes === undefined) throw invalidValue(`ids[${i}]`, 'BpeTokenizer.decode', `an id in [0, ${this.vocabularySize})`, id);
      if (options.skipSpecial === true && id < this.specialTokens.length) continue;
      parts.push(bytes);
      length += bytes.length;
    }
    const out = new Uint8Array(length);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /**
   * The text of `ids`. Bytes that do not form whole UTF-8 characters (a sequence cut in the
   * middle of one) become U+FFFD; `decoder()` keeps them until the rest arrives.
   */
  decode(ids: ArrayLike<number>, options: BpeDecodeOptions = {}): string {
    return new TextDecoder().decode(this.decodeBytes(ids, options));
  }

  /**
   * A streaming decoder: `write(id)` returns the text that id completes (possibly '' when it
   * ends inside a character), `end()` what is left. For showing tokens as they are generated.
   *
   * @example
   * const stream = tokenizer.decoder({ skipSpecial: true });
   * for await (const id of generate(model, prompt, options)) output.textContent += stream.write(id);
   * output.textContent += stream.end();
   */
  decoder(options: BpeDecodeOptions = {}): { write(id: number): string; end(): string } {
    const text = new TextDecoder();
    return {
      write: (id) => text.decode(this.decodeBytes([id], options), { stream: true }),
      end: () => text.decode(),
    };
  }

  /** The saved form; `BpeTokenizer.fromJSON` restores it. */
  toJSON(): BpeTokenizerJSON {
    return { format: 'loom-bpe-tokenizer', formatVersion: 1, pretokenizer: 'gpt2', specialTokens: [...this.specialTokens], merges: Array.from(this.merges) };
  }

  /**
   * Restores a tokenizer from `toJSON()`'s object, its JSON text or the file's bytes, checking
   * everything before building it: size, nesting, format, special tokens, every merge (ids that
   * exist already, no pair twice) and every token's length (merges can double lengths).
   *
   * @example
   * const tokenizer = BpeTokenizer.fromJSON(await readFile('tokenizer.json'), { maxBytes: 4e6 });
   */
  static fromJSON(json: BpeTokenizerJSON | string | Uint8Array, options: BpeLoadOptions = {}): BpeTokenizer {
    const where = 'BPE tokenizer JSON';
    const limits = { ...DEFAULT_LOAD };
    for (const name of Object.keys(DEFAULT_LOAD) as (keyof BpeLoadOptions)[]) {
      const value = options[name];
      if (value === undefined) continue;
      if (!(Number.isSafeInteger(value) && value > 0)) throw invalidValue(name, 'BpeTokenizer.fromJSON', 'a positive integer', value);
      limits[name] = value;
    }
    const data = (typeof json === 'string' || json instanceof Uint8Array ? parseJsonBounded(json, { maxBytes: limits.maxBytes, maxDepth: 4, what: 'BPE tokenizer JSON' }) : json) as Partial<BpeTokenizerJSON> | null;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InvalidFileError(`The ${where} is not an object.`);
    if (data.format !== 'loom-bpe-tokenizer' || data.formatVersion !== 1) {
      throw new InvalidFileError(`The ${where} has format ${String(data.format).slice(0, 40)} version ${String(data.formatVersion).slice(0, 10)}; expected 'loom-bpe-tokenizer' version 1.`);
    }
    if (data.pretokenizer !== 'gpt2') throw new InvalidFileError(`The ${where} names pretokenizer ${String(data.pretokenizer).slice(0, 40)}; this version knows 'gpt2'.`);
    let specialTokens: string[];
    try {
      specialTokens = checkSpecialTokens(data.specialTokens, `the ${where}`, Math.min(MAX_SPECIAL_TOKENS, limits.maxVocabularySize));
    } catch (error) {
      throw new InvalidFileError((error as Error).message);
    }
    const merges = data.merges;
    const base = specialTokens.length + BYTES;
    if (!Array.isArray(merges) || merges.length % 2 !== 0) throw new InvalidFileError(`The ${where} has no even-length merges array (pairs of ids).`);
    if (base + merges.length / 2 > Math.min(limits.maxVocabularySize, KEY)) {
      throw new FileRefusedError(`The ${where} has ${base + merges.length / 2} ids, more than the limit of ${Math.min(limits.maxVocabularySize, KEY)} (raise maxVocabularySize if you trust it).`);
    }
    const lengths: number[] = Array.from({ length: base }, (_, id) => (id < specialTokens.length ? Infinity : 1));
    const seen = new Set<number>();
    for (let i = 0; i < merges.length / 2; i++) {
      const id = base + i;
      const [a, b] = [merges[2 * i], merges[2 * i + 1]];
      // Special tokens never take part in merges: they are never produced from text.
      const valid = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= specialTokens.length && x < id;
      if (!valid(a) || !valid(b)) {
        throw new InvalidFileError(`The ${where} has merge ${i} (id ${id}) joining ${JSON.stringify(a)?.slice(0, 20)} and ${JSON.stringify(b)?.slice(0, 20)}; each must be a byte id or an earlier merge's id, in [${specialTokens.length}, ${id}).`);
      }
      const key = a * KEY + b;
      if (seen.has(key)) throw new InvalidFileError(`The ${where} has merge ${i} (id ${id}) repeating the pair [${a}, ${b}] of an earlier merge.`);
      seen.add(key);
      const length = lengths[a]! + lengths[b]!;
      if (length > limits.maxTokenBytes) {
        throw new FileRefusedError(`The ${where} has merge ${i} (id ${id}) making a token of ${length} bytes, more than the limit of ${limits.maxTokenBytes} (raise maxTokenBytes if you trust it).`);
      }
      lengths.push(length);
    }
    return new BpeTokenizer(specialTokens, Int32Array.from(merges as number[]));
  }
}
