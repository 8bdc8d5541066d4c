import { describe, expect, it } from 'vitest';
import { hashBucket, StringLookup } from './string-lookup.js';

describe('StringLookup', () => {
  it('maps known values to 1.. and unseen values to the OOV bucket 0, and one-hot encodes', () => {
    const lookup = StringLookup.fit(['red', 'green', 'red', 'blue']);
    expect([...lookup.transform(['red', 'green', 'blue', 'purple'])]).toEqual([1, 2, 3, 0]);
    expect(lookup.oneHot(['green', 'purple'])).toEqual([new Float32Array([0, 0, 1, 0]), new Float32Array([1, 0, 0, 0])]);
  });

  it('round-trips through JSON', () => {
    const lookup = StringLookup.fit([3, 1, 3, true]);
    const restored = StringLookup.fromJSON(JSON.parse(JSON.stringify(lookup)));
    expect([...restored.transform([1, 3, true, 9])]).toEqual([...lookup.transform([1, 3, true, 9])]);
    expect(() => StringLookup.fromJSON({} as never)).toThrow('Invalid value for `json` in StringLookup.fromJSON.');
  });
});

describe('hashBucket', () => {
  it('is FNV-1a 32-bit (published test vectors) reduced modulo buckets', () => {
    // FNV-1a 32 of "a" is 0xe40c292c, of "foobar" 0xbf9cf968 (reference vectors from the FNV spec).
    expect(hashBucket('a', 2 ** 31)).toBe(0xe40c292c % 2 ** 31);
    expect(hashBucket('foobar', 1000)).toBe(0xbf9cf968 % 1000);
    expect(() => hashBucket('a', 0)).toThrow('Invalid value for `buckets` in hashBucket. Expected a positive integer. Received: 0.');
  });
});
