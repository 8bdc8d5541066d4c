/**
 * Attributions for one model input: one value per input element, batch first (the input's
 * shape). Plain numbers, not tensors: nothing to dispose.
 *
 * @example
 * const { attributions: [pixels] } = integratedGradients(model, images);
 * pixels.shape;              // [n, 28, 28, 1]
 * pixels.row(0);             // Float32Array of 784 values for the first image
 * pixels.rowSums();          // per image: Σ attributions (≈ f(x) − f(baseline) for IG)
 */
export class AttributionArray {
  /** The input's shape, batch first. */
  readonly shape: readonly number[];
  /** Row-major values, `shape` product long. */
  readonly data: Float32Array;

  constructor(shape: readonly number[], data: Float32Array) {
    this.shape = [...shape];
    this.data = data;
  }

  /** Number of rows (the batch size). */
  get rows(): number {
    return this.shape[0]!;
  }

  /** Elements per row. */
  get rowSize(): number {
    return this.shape.slice(1).reduce((a, b) => a * b, 1);
  }

  /** The values of row `r` (a view, not a copy), in row-major order. */
  row(r: number): Float32Array {
    const size = this.rowSize;
    return this.data.subarray(r * size, (r + 1) * size);
  }

  /** Σ of each row's values, summed in float64. */
  rowSums(): number[] {
    return Array.from({ length: this.rows }, (_, r) => this.row(r).reduce((a, b) => a + b, 0));
  }

  /** Nested arrays with the input's shape, as `tensor.arraySync()` gives them. */
  toArray(): unknown[] {
    const build = (offset: number, axis: number): unknown => {
      if (axis === this.shape.length) return this.data[offset];
      const stride = this.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[axis]! }, (_, i) => build(offset + i * stride, axis + 1));
    };
    return build(0, 0) as unknown[];
  }
}
