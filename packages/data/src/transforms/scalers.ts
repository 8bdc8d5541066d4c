import { DataError, invalidValue } from '../errors.js';

/** Serialised form of a fitted scaler; feed it back to `StandardScaler.fromJSON` / `MinMaxScaler.fromJSON`. */
export interface ScalerJSON {
  kind: 'standardScaler' | 'minMaxScaler';
  /** Per-column offset subtracted first (mean, or minimum). */
  offset: number[];
  /** Per-column divisor (standard deviation, or max - min; 1 for constant columns). */
  scale: number[];
  /** Per-column value that replaces a missing one (present when the scaler was fitted with `impute`). */
  fill?: number[];
}

/** A value a scaler reads: a number, or a missing one (`null`, `undefined`, `NaN`), as CSV rows hold them. */
export type ScalerValue = number | null | undefined;

export interface ScalerFitOptions {
  /**
   * How to fill missing values (`null`, `undefined`, `NaN`): the `'mean'` or `'median'` of the
   * column's present training values, or a number. The statistics are fitted on present values
   * only, and `transform` fills the same way. Unset (the default), a missing value is an error:
   * nothing is imputed unless you say how.
   */
  impute?: 'mean' | 'median' | number;
}

const isMissing = (value: ScalerValue): boolean => value === null || value === undefined || Number.isNaN(value);

function checkRows(rows: readonly ArrayLike<ScalerValue>[], where: string): number {
  if (!Array.isArray(rows) || rows.length === 0) throw invalidValue('rows', where, 'at least one row', rows);
  const width = rows[0]!.length;
  rows.forEach((row, index) => {
    if (row?.length !== width) {
      throw new DataError(`Invalid value for \`rows[${index}]\` in ${where}. Expected ${width} columns like row 0. Received: ${row?.length} columns.`);
    }
  });
  return width;
}

/** The value at rows[index][column]: a finite number, or null when missing and `allowMissing`. */
function valueAt(row: ArrayLike<ScalerValue>, index: number, column: number, where: string, allowMissing: boolean): number | null {
  const value = row[column];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (allowMissing && isMissing(value)) return null;
  const expected = isMissing(value)
    ? "a finite number (a missing value needs `impute: 'mean'`, `'median'` or a number when fitting)"
    : 'a finite number';
  throw invalidValue(`rows[${index}][${column}]`, where, expected, value);
}

function checkImpute(impute: unknown, where: string): void {
  if (impute === undefined || impute === 'mean' || impute === 'median' || (typeof impute === 'number' && Number.isFinite(impute))) return;
  throw invalidValue('impute', where, "'mean', 'median' or a finite number", impute);
}

/** Present values of one column, for a median. */
function columnValues(rows: readonly ArrayLike<ScalerValue>[], column: number, where: string): number[] {
  const values: number[] = [];
  rows.forEach((row, index) => {
    const value = valueAt(row, index, column, where, true);
    if (value !== null) values.push(value);
  });
  return values;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The per-column fill values for `impute` (`means` are the columns' means of present values). */
function fillValues(impute: ScalerFitOptions['impute'], rows: readonly ArrayLike<ScalerValue>[], width: number, means: number[], where: string): number[] | undefined {
  if (impute === undefined) return undefined;
  if (typeof impute === 'number') return new Array<number>(width).fill(impute);
  if (impute === 'mean') return [...means];
  return Array.from({ length: width }, (_, column) => median(columnValues(rows, column, where)));
}

function noValues(column: number, where: string): DataError {
  return new DataError(`Invalid value for \`rows\` in ${where}. Expected at least one present value in every column. Received: column ${column} has only missing values.`);
}

abstract class ColumnScaler {
  protected constructor(
    readonly offset: number[],
    readonly scale: number[],
    private readonly kind: ScalerJSON['kind'],
    /** Per-column fill for missing values, when fitted with `impute`. */
    readonly fill: number[] | undefined,
  ) {}

  /**
   * Scales rows column by column: `(value - offset) / scale`. Returns new Float32Arrays. A
   * missing value is filled as fitted (`impute`), or is an error naming its row and column.
   */
  transform(rows: readonly ArrayLike<ScalerValue>[]): Float32Array[] {
    const where = `${this.kind}.transform`;
    return rows.map((row, index) => {
      if (row?.length !== this.offset.length) {
        throw new DataError(`Invalid value for \`rows[${index}]\` in ${where}. Expected ${this.offset.length} columns as fitted. Received: ${row?.length} columns.`);
      }
      const out = new Float32Array(row.length);
      for (let column = 0; column < row.length; column++) {
        const value = valueAt(row, index, column, where, this.fill !== undefined) ?? this.fill![column]!;
        out[column] = (value - this.offset[column]!) / this.scale[column]!;
      }
      return out;
    });
  }

  /** Undoes `transform`. */
  inverseTransform(rows: readonly ArrayLike<number>[]): Float32Array[] {
    return rows.map((row) => {
      const out = new Float32Array(row.length);
      for (let column = 0; column < row.length; column++) out[column] = row[column]! * this.scale[column]! + this.offset[column]!;
      return out;
    });
  }

  /** The fitted offsets and scales (and fill values) as plain JSON, to save with a model; `fromJSON` reads it. */
  toJSON(): ScalerJSON {
    return { kind: this.kind, offset: [...this.offset], scale: [...this.scale], ...(this.fill === undefined ? {} : { fill: [...this.fill] }) };
  }
}

function fromJSONChecked(json: ScalerJSON, kind: ScalerJSON['kind']): { offset: number[]; scale: number[]; fill: number[] | undefined } {
  const finiteList = (list: unknown, length?: number) => Array.isArray(list) && (length === undefined || list.length === length) && list.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (json?.kind !== kind || !finiteList(json.offset) || !finiteList(json.scale, json.offset.length) || (json.fill !== undefined && !finiteList(json.fill, json.offset.length))) {
    throw invalidValue('json', `${kind}.fromJSON`, `an object from ${kind}.toJSON()`, json);
  }
  return { offset: [...json.offset], scale: [...json.scale], fill: json.fill === undefined ? undefined : [...json.fill] };
}

/**
 * Standardises each column to zero mean and unit (population) variance, fitted on training rows.
 * Constant columns get scale 1 so they map to 0 instead of NaN. Missing values (`null`,
 * `undefined`, `NaN`, as CSV rows hold them) are refused unless `impute` says how to fill them.
 *
 * @example
 * const scaler = StandardScaler.fit([[1, 10], [3, 30]]);
 * scaler.transform([[2, 20]]); // [Float32Array [0, 0]]
 * const again = StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler)));
 * StandardScaler.fit([[1], [null], [3]], { impute: 'mean' }).offset; // [2]: the mean of the present values
 */
export class StandardScaler extends ColumnScaler {
  private constructor(offset: number[], scale: number[], fill: number[] | undefined) {
    super(offset, scale, 'standardScaler', fill);
  }

  /** Fits each column's mean and standard deviation (of its present values) on training rows. */
  static fit(rows: readonly ArrayLike<ScalerValue>[], options: ScalerFitOptions = {}): StandardScaler {
    const where = 'StandardScaler.fit';
    const width = checkRows(rows, where);
    checkImpute(options?.impute, where);
    const allowMissing = options.impute !== undefined;
    const mean = new Array<number>(width).fill(0);
    const squares = new Array<number>(width).fill(0);
    const counts = new Array<number>(width).fill(0);
    // Welford's update keeps the variance accurate for large offsets.
    rows.forEach((row, index) => {
      for (let column = 0; column < width; column++) {
        const value = valueAt(row, index, column, where, allowMissing);
        if (value === null) continue;
        const count = ++counts[column]!;
        const delta = value - mean[column]!;
        mean[column]! += delta / count;
        squares[column]! += delta * (value - mean[column]!);
      }
    });
    counts.forEach((count, column) => {
      if (count === 0) throw noValues(column, where);
    });
    const scale = squares.map((sum, column) => {
      const std = Math.sqrt(sum / counts[column]!);
      return std > 0 ? std : 1;
    });
    return new StandardScaler(mean, scale, fillValues(options.impute, rows, width, mean, where));
  }

  /** Rebuilds a scaler saved with `toJSON()`, checking that its lists are finite numbers of one length. */
  static fromJSON(json: ScalerJSON): StandardScaler {
    const { offset, scale, fill } = fromJSONChecked(json, 'standardScaler');
    return new StandardScaler(offset, scale, fill);
  }
}

/**
 * Rescales each column to [0, 1] using the training minimum and maximum (constant columns map
 * to 0). Missing values are refused unless `impute` says how to fill them.
 *
 * @example
 * const scaler = MinMaxScaler.fit([[0], [4]]);
 * scaler.transform([[1]]); // [Float32Array [0.25]]
 */
export class MinMaxScaler extends ColumnScaler {
  private constructor(offset: number[], scale: number[], fill: number[] | undefined) {
    super(offset, scale, 'minMaxScaler', fill);
  }

  /** Fits each column's minimum and maximum (of its present values) on training rows. */
  static fit(rows: readonly ArrayLike<ScalerValue>[], options: ScalerFitOptions = {}): MinMaxScaler {
    const where = 'MinMaxScaler.fit';
    const width = checkRows(rows, where);
    checkImpute(options?.impute, where);
    const allowMissing = options.impute !== undefined;
    const minimum = new Array<number>(width).fill(Infinity);
    const maximum = new Array<number>(width).fill(-Infinity);
    const sums = new Array<number>(width).fill(0);
    const counts = new Array<number>(width).fill(0);
    rows.forEach((row, index) => {
      for (let column = 0; column < width; column++) {
        const value = valueAt(row, index, column, where, allowMissing);
        if (value === null) continue;
        minimum[column] = Math.min(minimum[column]!, value);
        maximum[column] = Math.max(maximum[column]!, value);
        sums[column]! += value;
        counts[column]!++;
      }
    });
    counts.forEach((count, column) => {
      if (count === 0) throw noValues(column, where);
    });
    const scale = minimum.map((low, column) => (maximum[column]! > low ? maximum[column]! - low : 1));
    const means = sums.map((sum, column) => sum / counts[column]!);
    return new MinMaxScaler(minimum, scale, fillValues(options.impute, rows, width, means, where));
  }

  /** Rebuilds a scaler saved with `toJSON()`, checking that its lists are finite numbers of one length. */
  static fromJSON(json: ScalerJSON): MinMaxScaler {
    const { offset, scale, fill } = fromJSONChecked(json, 'minMaxScaler');
    return new MinMaxScaler(offset, scale, fill);
  }
}
