import { invalidValue } from './errors.js';

/** Policy for repeated (row, column) entries when building a matrix. */
export type DuplicatePolicy = 'sum' | 'last';

/** Options of {@link CsrMatrix.fromTriplets}. */
export interface FromTripletsOptions {
  /** `'sum'` (default) adds repeated entries; `'last'` keeps the one given last. */
  duplicates?: DuplicatePolicy;
}

/**
 * Compressed sparse row matrix of float32 values: row `r` holds columns
 * `indices[indptr[r]..indptr[r+1])` (sorted ascending, no duplicates) with `values` alongside.
 *
 * @example
 * const m = CsrMatrix.fromTriplets(2, 3, [0, 1, 1], [2, 0, 2], [5, 1, 1]);
 * m.get(1, 2); // 1
 * m.transpose().get(2, 0); // 5
 */
export class CsrMatrix {
  constructor(
    readonly rows: number,
    readonly columns: number,
    readonly indptr: Int32Array,
    readonly indices: Int32Array,
    readonly values: Float32Array,
  ) {
    if (indptr.length !== rows + 1) {
      throw invalidValue('indptr', 'CsrMatrix', `length rows + 1 = ${rows + 1}`, indptr.length);
    }
    if (indices.length !== values.length || indptr[rows] !== indices.length) {
      throw invalidValue('indices', 'CsrMatrix', `length ${indptr[rows]} matching values`, indices.length);
    }
  }

  /** Number of stored entries. */
  get nnz(): number {
    return this.indices.length;
  }

  /**
   * Builds a matrix from parallel arrays of row indices, column indices and values.
   * Entries are sorted by column within each row; duplicates are summed or last-wins.
   */
  static fromTriplets(
    rows: number,
    columns: number,
    rowIndices: ArrayLike<number>,
    columnIndices: ArrayLike<number>,
    values: ArrayLike<number>,
    options: FromTripletsOptions = {},
  ): CsrMatrix {
    const duplicates = options.duplicates ?? 'sum';
    if (duplicates !== 'sum' && duplicates !== 'last') {
      throw invalidValue('duplicates', 'CsrMatrix.fromTriplets', "'sum' or 'last'", duplicates);
    }
    if (!Number.isInteger(rows) || rows < 0) {
      throw invalidValue('rows', 'CsrMatrix.fromTriplets', 'a non-negative integer', rows);
    }
    if (!Number.isInteger(columns) || columns < 0) {
      throw invalidValue('columns', 'CsrMatrix.fromTriplets', 'a non-negative integer', columns);
    }
    const count = rowIndices.length;
    if (columnIndices.length !== count || values.length !== count) {
      throw invalidValue(
        'columnIndices',
        'CsrMatrix.fromTriplets',
        `arrays of equal length ${count}`,
        `lengths ${columnIndices.length} and ${values.length}`,
      );
    }
    const counts = new Int32Array(rows + 1);
    for (let k = 0; k < count; k++) {
      const r = rowIndices[k] as number;
      const c = columnIndices[k] as number;
      if (!Number.isInteger(r) || r < 0 || r >= rows) {
        throw invalidValue(`rowIndices[${k}]`, 'CsrMatrix.fromTriplets', `an integer in [0, ${rows})`, r);
      }
      if (!Number.isInteger(c) || c < 0 || c >= columns) {
        throw invalidValue(`columnIndices[${k}]`, 'CsrMatrix.fromTriplets', `an integer in [0, ${columns})`, c);
      }
      if (!Number.isFinite(values[k] as number)) {
        throw invalidValue(`values[${k}]`, 'CsrMatrix.fromTriplets', 'a finite number', values[k]);
      }
      counts[r + 1]!++;
    }
    for (let r = 0; r < rows; r++) counts[r + 1]! += counts[r]!;
    // Stable bucket by row keeps input order, so "last" means last given.
    const order = new Int32Array(count);
    const cursor = counts.slice(0, rows);
    for (let k = 0; k < count; k++) order[cursor[rowIndices[k] as number]!++] = k;

    const indptr = new Int32Array(rows + 1);
    const outIndices: number[] = [];
    const outValues: number[] = [];
    for (let r = 0; r < rows; r++) {
      const start = counts[r]!;
      const end = counts[r + 1]!;
      const slice = Array.from(order.subarray(start, end));
      // Sort by column, ties by input position (stable).
      slice.sort((a, b) => (columnIndices[a] as number) - (columnIndices[b] as number) || a - b);
      let previous = -1;
      for (const k of slice) {
        const c = columnIndices[k] as number;
        const v = values[k] as number;
        if (c === previous) {
          const last = outValues.length - 1;
          outValues[last] = duplicates === 'sum' ? (outValues[last] as number) + v : v;
        } else {
          outIndices.push(c);
          outValues.push(v);
          previous = c;
        }
      }
      indptr[r + 1] = outIndices.length;
    }
    return new CsrMatrix(rows, columns, indptr, Int32Array.from(outIndices), Float32Array.from(outValues));
  }

  /** Value at (row, column), 0 when absent (binary search within the row). */
  get(row: number, column: number): number {
    let low = this.indptr[row]!;
    let high = this.indptr[row + 1]! - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const c = this.indices[mid]!;
      if (c === column) return this.values[mid]!;
      if (c < column) low = mid + 1;
      else high = mid - 1;
    }
    return 0;
  }

  /** Whether (row, column) is stored. */
  has(row: number, column: number): boolean {
    let low = this.indptr[row]!;
    let high = this.indptr[row + 1]! - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const c = this.indices[mid]!;
      if (c === column) return true;
      if (c < column) low = mid + 1;
      else high = mid - 1;
    }
    return false;
  }

  /** Column indices stored in `row` (a view, not a copy). */
  rowIndices(row: number): Int32Array {
    return this.indices.subarray(this.indptr[row]!, this.indptr[row + 1]!);
  }

  /** Values stored in `row` (a view, not a copy). */
  rowValues(row: number): Float32Array {
    return this.values.subarray(this.indptr[row]!, this.indptr[row + 1]!);
  }

  /** Number of entries per row. */
  rowCounts(): Int32Array {
    const out = new Int32Array(this.rows);
    for (let r = 0; r < this.rows; r++) out[r] = this.indptr[r + 1]! - this.indptr[r]!;
    return out;
  }

  /** Number of entries per column. */
  columnCounts(): Int32Array {
    const out = new Int32Array(this.columns);
    for (let k = 0; k < this.indices.length; k++) out[this.indices[k]!]!++;
    return out;
  }

  /** Transpose in O(nnz); columns stay sorted because rows are visited in order. */
  transpose(): CsrMatrix {
    const indptr = new Int32Array(this.columns + 1);
    for (let k = 0; k < this.indices.length; k++) indptr[this.indices[k]! + 1]!++;
    for (let c = 0; c < this.columns; c++) indptr[c + 1]! += indptr[c]!;
    const cursor = indptr.slice(0, this.columns);
    const indices = new Int32Array(this.nnz);
    const values = new Float32Array(this.nnz);
    for (let r = 0; r < this.rows; r++) {
      for (let k = this.indptr[r]!; k < this.indptr[r + 1]!; k++) {
        const position = cursor[this.indices[k]!]!++;
        indices[position] = r;
        values[position] = this.values[k]!;
      }
    }
    return new CsrMatrix(this.columns, this.rows, indptr, indices, values);
  }

  /** Same sparsity pattern with each value replaced by `fn(value, row, column)`. */
  mapValues(fn: (value: number, row: number, column: number) => number): CsrMatrix {
    const values = new Float32Array(this.nnz);
    for (let r = 0; r < this.rows; r++) {
      for (let k = this.indptr[r]!; k < this.indptr[r + 1]!; k++) {
        values[k] = fn(this.values[k]!, r, this.indices[k]!);
      }
    }
    return new CsrMatrix(this.rows, this.columns, this.indptr, this.indices, values);
  }

  /** Dense row-major copy; for tests and tiny matrices. */
  toDense(): Float64Array[] {
    const out: Float64Array[] = [];
    for (let r = 0; r < this.rows; r++) {
      const row = new Float64Array(this.columns);
      for (let k = this.indptr[r]!; k < this.indptr[r + 1]!; k++) row[this.indices[k]!] = this.values[k]!;
      out.push(row);
    }
    return out;
  }
}
