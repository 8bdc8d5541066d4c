import { invalidValue } from '../errors.js';

/** Serialised `StringLookup`; feed back to `StringLookup.fromJSON`. */
export interface StringLookupJSON {
  kind: 'stringLookup';
  vocabulary: string[];
}

/**
 * Maps categories to integer ids fitted on training values. Id 0 is the out-of-vocabulary
 * bucket (unseen values at transform time); known values get 1..vocabulary.length in
 * first-seen order. `oneHot` gives rows of length `size` (OOV in column 0).
 *
 * @example
 * const lookup = StringLookup.fit(['red', 'green', 'red']);
 * lookup.lookup('green'); // 2
 * lookup.lookup('blue');  // 0 (out of vocabulary)
 * lookup.oneHot(['red']); // [Float32Array [0, 1, 0]]
 */
export class StringLookup {
  private readonly ids: Map<string, number>;

  private constructor(readonly vocabulary: readonly string[]) {
    this.ids = new Map(vocabulary.map((value, index) => [value, index + 1]));
  }

  /** Builds the vocabulary from training values (compared as strings), in first-seen order. */
  static fit(values: Iterable<string | number | boolean>): StringLookup {
    const vocabulary: string[] = [];
    const seen = new Set<string>();
    for (const value of values) {
      const key = String(value);
      if (!seen.has(key)) {
        seen.add(key);
        vocabulary.push(key);
      }
    }
    return new StringLookup(vocabulary);
  }

  /** Number of ids including the OOV bucket. */
  get size(): number {
    return this.vocabulary.length + 1;
  }

  /** The id of one value: 1..vocabulary.length, or 0 when it was not seen in training. */
  lookup(value: string | number | boolean): number {
    return this.ids.get(String(value)) ?? 0;
  }

  /** The ids of many values (as `lookup`). */
  transform(values: readonly (string | number | boolean)[]): Int32Array {
    return Int32Array.from(values, (value) => this.lookup(value));
  }

  /** One row of `size` per value, with a 1 at its id (column 0 for unseen values). */
  oneHot(values: readonly (string | number | boolean)[]): Float32Array[] {
    return values.map((value) => {
      const row = new Float32Array(this.size);
      row[this.lookup(value)] = 1;
      return row;
    });
  }

  /** The vocabulary as plain JSON, to save with a model and load with `StringLookup.fromJSON`. */
  toJSON(): StringLookupJSON {
    return { kind: 'stringLookup', vocabulary: [...this.vocabulary] };
  }

  /** Rebuilds a lookup saved with `toJSON()`; the ids are the same as when it was saved. */
  static fromJSON(json: StringLookupJSON): StringLookup {
    if (json?.kind !== 'stringLookup' || !Array.isArray(json.vocabulary)) {
      throw invalidValue('json', 'StringLookup.fromJSON', 'an object from StringLookup.toJSON()', json);
    }
    return new StringLookup([...json.vocabulary]);
  }
}

/**
 * Stable string hash: 32-bit FNV-1a over the UTF-8 bytes, so the same string gives the same
 * bucket on every platform and run (unlike engine-specific hashes).
 *
 * @example
 * hashBucket('user_42', 1000); // always the same integer in [0, 1000)
 */
export function hashBucket(value: string | number | boolean, buckets: number): number {
  if (!(Number.isInteger(buckets) && buckets > 0)) throw invalidValue('buckets', 'hashBucket', 'a positive integer', buckets);
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(String(value))) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % buckets;
}
