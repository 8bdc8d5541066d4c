import { describe, expect, it } from 'vitest';
import { tabularBaseline } from './index.js';

describe('tabularBaseline', () => {
  it('takes the median of numeric columns (missing ignored) and the mode of categorical ones (ties alphabetical)', () => {
    const rows = [
      { income: 10, rate: 1, grade: 'B', state: 'NY' },
      { income: 40, rate: 2, grade: 'A', state: 'CA' },
      { income: '', rate: 3, grade: 'B', state: 'CA' },
      { income: 1000, rate: '4', grade: 'C', state: 'NY' },
    ];
    // income: median of [10, 40, 1000] = 40 (the mean would be 350); rate: (2 + 3) / 2.
    expect(tabularBaseline(rows, { numeric: ['income', 'rate'], categorical: ['grade', 'state'] })).toEqual({ income: 40, rate: 2.5, grade: 'B', state: 'CA' });
  });

  it('names bad input', () => {
    expect(() => tabularBaseline([], { numeric: [], categorical: [] })).toThrow('Invalid value for `rows` in tabularBaseline. Expected at least one training row. Received: [].');
    expect(() => tabularBaseline([{ a: 'x' }], { numeric: ['a'], categorical: [] })).toThrow('column `a` row 0: expected a number, received "x".');
    expect(() => tabularBaseline([{ a: null }], { numeric: ['a'], categorical: [] })).toThrow('column `a`: no numeric values in the training rows.');
    expect(() => tabularBaseline([{ a: 1 }], { numeric: ['a'] } as never)).toThrow('Invalid value for `schema` in tabularBaseline. Expected { numeric: string[], categorical: string[] }. Received: {"numeric":["a"]}.');
  });
});
