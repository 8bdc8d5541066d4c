import { describe, expect, it } from 'vitest';
import { multiHotEncode } from './multi-hot.js';

describe('multiHotEncode', () => {
  it('builds a sorted vocabulary and one 0/1 row per list (hand-checked)', () => {
    const { vocabulary, rows } = multiHotEncode([['Drama', 'Comedy'], [], ['Drama', 'Drama']]);
    expect(vocabulary).toEqual(['Comedy', 'Drama']);
    expect(rows.map((row) => Array.from(row))).toEqual([[1, 1], [0, 0], [0, 1]]);
  });

  it('keeps a given vocabulary and ignores tokens outside it', () => {
    const { rows } = multiHotEncode([['Horror', 'Western']], { vocabulary: ['Western', 'Action'] });
    expect(Array.from(rows[0]!)).toEqual([1, 0]);
  });

  it('rejects lists that are not string arrays, naming the list', () => {
    expect(() => multiHotEncode([['a'], 'b' as unknown as string[]])).toThrow(
      "Invalid value for `lists[1]` in multiHotEncode. Expected an array of strings. Received: 'b'.",
    );
    expect(() => multiHotEncode([], { vocabulary: ['a', 'a'] })).toThrow('Expected distinct tokens');
  });
});
