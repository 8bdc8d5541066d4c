import { DataError, invalidValue } from '../errors.js';

/** Serialised form of a fitted scaler; feed it back to `StandardScaler.fromJSON` / `MinMaxScaler.fromJSON`. */
export interface ScalerJSON {
  kind: 'standardScaler' | 'minMaxScaler';
  /** Per-column offset subtracted first (mean, or minimum). */
  offset: number[];
  /** Per-column divisor (standard deviation, or max - min; 1 for constant columns). */
  scale: number[];
}

function checkRows(rows: readonly (ArrayLike<number>)[], where: string): number {
  if (rows.length === 0) throw invalidValue('rows', where, 'at least one row', rows);
  const width = rows[0]!.length;
  rows.forEach((row, index) => {
    if (row.length !== width) {
      throw new DataError(
        `Invalid value for \`rows[${index}]\` in ${where}. Expected ${width} columns like row 0. Received: ${row.length} columns.`,
      );
    }
  });
  return width;
}

abstract class ColumnScaler {
  protected constructor(
    readonly offset: number[],
    readonly scale: number[],
    private readonly kind: ScalerJSON['kind'],
  ) {}

  /** Scales rows column by column: `(value - offset) / scale`. Returns new Float32Arrays. */
  transform(rows: readonly ArrayLike<number>[]): Float32Array[] {
    return rows.map((row, index) => {
      if (row.length !== this.offset.length) {
        throw new DataError(
          `Invalid value for \`rows[${index}]\` in ${this.kind}.transform. Expected ${this.offset.length} columns as fitted. Received: ${row.length} columns.`,
        );
      }
      const out = new Float32Array(row.length);
      for (let column = 0; column < row.length; column++) out[column] = (row[column]! - this.offset[column]!) / this.scale[column]!;
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

  toJSON(): ScalerJSON {
    return { kind: this.kind, offset: [...this.offset], scale: [...this.scale] };
  }
}

function fromJSONChecked(json: ScalerJSON, kind: ScalerJSON['kind']): { offset: number[]; scale: number[] } {
  if (json?.kind !== kind || !Array.isArray(json.offset) || !Array.isArray(json.scale) || json.offset.length !== json.scale.length) {
    throw invalidValue('json', `${kind}.fromJSON`, `an object from ${kind}.toJSON()`, json);
  }
  return { offset: [...json.offset], scale: [...json.scale] };
}

/**
 * Standardises each column to zero mean and unit (population) variance, fitted on training rows.
 * Constant columns get scale 1 so they map to 0 instead of NaN.
 *
 * @example
 * const scaler = StandardScaler.fit([[1, 10], [3, 30]]);
 * scaler.transform([[2, 20]]); // [Float32Array [0, 0]]
 * const again = StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler)));
 */
export class StandardScaler extends ColumnScaler {
  private constructor(offset: number[], scale: number[]) {
    super(offset, scale, 'standardScaler');
  }

  static fit(rows: readonly ArrayLike<number>[]): StandardScaler {
    const width = checkRows(rows, 'StandardScaler.fit');
    const mean = new Array<number>(width).fill(0);
    const squares = new Array<number>(width).fill(0);
    // Welford's update keeps the variance accurate for large offsets.
    rows.forEach((row, index) => {
      for (let column = 0; column < width; column++) {
        const delta = row[column]! - mean[column]!;
        mean[column]! += delta / (index + 1);
        squares[column]! += delta * (row[column]! - mean[column]!);
      }
    });
    const scale = squares.map((sum) => {
      const std = Math.sqrt(sum / rows.length);
      return std > 0 ? std : 1;
    });
    return new StandardScaler(mean, scale);
  }

  static fromJSON(json: ScalerJSON): StandardScaler {
    const { offset, scale } = fromJSONChecked(json, 'standardScaler');
    return new StandardScaler(offset, scale);
  }
}

/**
 * Rescales each column to [0, 1] using the training minimum and maximum (constant columns map to 0).
 *
 * @example
 * const scaler = MinMaxScaler.fit([[0], [4]]);
 * scaler.transform([[1]]); // [Float32Array [0.25]]
 */
export class MinMaxScaler extends ColumnScaler {
  private constructor(offset: number[], scale: number[]) {
    super(offset, scale, 'minMaxScaler');
  }

  static fit(rows: readonly ArrayLike<number>[]): MinMaxScaler {
    const width = checkRows(rows, 'MinMaxScaler.fit');
    const minimum = new Array<number>(width).fill(Infinity);
    const maximum = new Array<number>(width).fill(-Infinity);
    for (const row of rows) {
      for (let column = 0; column < width; column++) {
        minimum[column] = Math.min(minimum[column]!, row[column]!);
        maximum[column] = Math.max(maximum[column]!, row[column]!);
      }
    }
    const scale = minimum.map((low, column) => (maximum[column]! > low ? maximum[column]! - low : 1));
    return new MinMaxScaler(minimum, scale);
  }

  static fromJSON(json: ScalerJSON): MinMaxScaler {
    const { offset, scale } = fromJSONChecked(json, 'minMaxScaler');
    return new MinMaxScaler(offset, scale);
  }
}
