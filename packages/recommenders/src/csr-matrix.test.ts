import { describe, expect, it } from 'vitest';
import { CsrMatrix } from './csr-matrix.js';
import { RecommenderError } from './errors.js';

describe('CsrMatrix.fromTriplets', () => {
  it('builds sorted rows and matches a dense reference', () => {
    const m = CsrMatrix.fromTriplets(3, 4, [2, 0, 0, 2], [1, 3, 0, 0], [5, 1, 2, 7]);
    expect(Array.from(m.indptr)).toEqual([0, 2, 2, 4]);
    expect(Array.from(m.indices)).toEqual([0, 3, 0, 1]);
    expect(Array.from(m.values)).toEqual([2, 1, 7, 5]);
    expect(m.toDense().map((row) => Array.from(row))).toEqual([
      [2, 0, 0, 1],
      [0, 0, 0, 0],
      [7, 5, 0, 0],
    ]);
    expect(m.get(2, 1)).toBe(5);
    expect(m.get(1, 1)).toBe(0);
    expect(m.has(0, 3)).toBe(true);
    expect(m.has(0, 2)).toBe(false);
    expect(Array.from(m.rowCounts())).toEqual([2, 0, 2]);
    expect(Array.from(m.columnCounts())).toEqual([2, 1, 0, 1]);
  });

  it('sums duplicates by default and keeps the last one with duplicates: last', () => {
    const rows = [0, 0, 0];
    const columns = [1, 1, 1];
    const values = [1, 2, 4];
    expect(CsrMatrix.fromTriplets(1, 2, rows, columns, values).get(0, 1)).toBe(7);
    const last = CsrMatrix.fromTriplets(1, 2, rows, columns, values, { duplicates: 'last' });
    expect(last.get(0, 1)).toBe(4);
    expect(last.nnz).toBe(1);
  });

  it('transposes to the dense transpose', () => {
    const m = CsrMatrix.fromTriplets(3, 4, [2, 0, 0, 2, 1], [1, 3, 0, 0, 2], [5, 1, 2, 7, 3]);
    const t = m.transpose();
    const dense = m.toDense();
    expect(t.rows).toBe(4);
    expect(t.columns).toBe(3);
    for (let r = 0; r < 4; r++) for (let c = 0; c < 3; c++) expect(t.get(r, c)).toBe(dense[c]![r]);
    // Columns within each transposed row are sorted.
    for (let r = 0; r < 4; r++) {
      const cols = Array.from(t.rowIndices(r));
      expect(cols).toEqual([...cols].sort((a, b) => a - b));
    }
  });

  it('rejects out-of-range indices with a message naming them', () => {
    expect(() => CsrMatrix.fromTriplets(2, 2, [0, 2], [0, 0], [1, 1])).toThrow(
      'Invalid value for `rowIndices[1]` in CsrMatrix.fromTriplets. Expected an integer in [0, 2). Received: 2.',
    );
    expect(() => CsrMatrix.fromTriplets(2, 2, [0], [0], [Number.NaN])).toThrow(RecommenderError);
    expect(() => CsrMatrix.fromTriplets(2, 2, [0], [0], [1], { duplicates: 'max' as never })).toThrow(
      "Invalid value for `duplicates` in CsrMatrix.fromTriplets. Expected 'sum' or 'last'. Received: 'max'.",
    );
  });
});
