import { invalidValue } from './errors.js';

/** Result of {@link multiHotEncode}: the token of each column, and one row per input list. */
export interface MultiHotEncoding {
  vocabulary: string[];
  rows: Float32Array[];
}

/**
 * Multi-hot encodes lists of tokens (e.g. each movie's genres) as one 0/1 row per list, one
 * column per token of the vocabulary: the item side features of a two-tower model. The
 * vocabulary is every token seen, sorted, unless given; with a given vocabulary, tokens outside
 * it are ignored (a genre unknown at training time has no column to go to).
 *
 * @example
 * multiHotEncode([['Comedy', 'Drama'], ['Drama']]);
 * // { vocabulary: ['Comedy', 'Drama'], rows: [Float32Array [1, 1], Float32Array [0, 1]] }
 */
export function multiHotEncode(
  lists: readonly (readonly string[])[],
  options: { vocabulary?: readonly string[] } = {},
): MultiHotEncoding {
  const where = 'multiHotEncode';
  if (!Array.isArray(lists)) throw invalidValue('lists', where, 'an array of token arrays', lists);
  lists.forEach((list, index) => {
    if (!Array.isArray(list) || !list.every((token) => typeof token === 'string')) {
      throw invalidValue(`lists[${index}]`, where, 'an array of strings', list);
    }
  });
  const vocabulary = options.vocabulary !== undefined ? [...options.vocabulary] : [...new Set(lists.flat())].sort();
  const column = new Map(vocabulary.map((token, index) => [token, index]));
  if (column.size !== vocabulary.length) throw invalidValue('vocabulary', where, 'distinct tokens', vocabulary);
  const rows = lists.map((list) => {
    const row = new Float32Array(vocabulary.length);
    for (const token of list) {
      const index = column.get(token);
      if (index !== undefined) row[index] = 1;
    }
    return row;
  });
  return { vocabulary, rows };
}
