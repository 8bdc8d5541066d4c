import { describe, expect, it } from 'vitest';
import { TabularEncoder } from './tabular-encoder.js';

describe('TabularEncoder with column names that Object.prototype also has', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

  it('fits, transforms and round-trips through JSON', () => {
    // JSON.parse makes `__proto__` an own key, as a CSV reader's null-prototype rows do.
    const rows = JSON.parse(
      '[{"__proto__":1,"constructor":"a","toString":2,"hasOwnProperty":"x","valueOf":5},' +
        '{"__proto__":3,"constructor":"b","toString":4,"hasOwnProperty":"x","valueOf":null}]',
    ) as Record<string, unknown>[];
    const encoder = TabularEncoder.fit(rows, { numeric: ['__proto__', 'toString', 'valueOf'], categorical: ['constructor', 'hasOwnProperty'] });
    // Means 2, 3, 5; population stds 1, 1, 1 (valueOf: one value, std 0 → 1); valueOf saw a missing cell.
    expect(encoder.featureNames).toEqual([
      '__proto__', 'toString', 'valueOf', 'valueOf_missing',
      'constructor=a', 'constructor=b', 'constructor=<other>', 'hasOwnProperty=x', 'hasOwnProperty=<other>',
    ]);
    expect(encoder.transform(rows)).toEqual([
      [-1, -1, 0, 0, 1, 0, 0, 1, 0],
      [1, 1, 0, 1, 0, 1, 0, 1, 0],
    ]);
    const again = TabularEncoder.fromJSON(JSON.parse(JSON.stringify(encoder.toJSON())));
    expect(again.transform(rows)).toEqual(encoder.transform(rows));
    // Fitting wrote nothing onto Object.prototype.
    for (const name of names) expect(typeof ({} as Record<string, unknown>)[name]).not.toBe('number');
  });

  it('treats a column absent from a plain-object row as missing, not as Object.prototype.constructor', () => {
    const encoder = TabularEncoder.fit([{ constructor: 1 }, { constructor: 3 }] as never, { numeric: ['constructor'], categorical: [] });
    // Missing → the mean's standardised value 0 (no missing flag: training saw none). Before: a thrown 'expected a number'.
    expect(encoder.transform([{}])).toEqual([[0]]);
  });
});
