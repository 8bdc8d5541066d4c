/**
 * Solves A x = b for a symmetric positive definite n × n matrix A (row-major, overwritten by
 * its Cholesky factor in the lower triangle). Returns false and leaves `x` untouched when A is
 * not positive definite.
 *
 * @example
 * const x = new Float64Array(2);
 * choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2, x); // x = [0.5, 0]
 */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number, x: Float64Array): boolean {
  for (let j = 0; j < n; j++) {
    let diagonal = A[j * n + j]!;
    for (let k = 0; k < j; k++) diagonal -= A[j * n + k]! ** 2;
    if (!(diagonal > 0)) return false;
    const ljj = Math.sqrt(diagonal);
    A[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let sum = A[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= A[i * n + k]! * A[j * n + k]!;
      A[i * n + j] = sum / ljj;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= A[i * n + k]! * y[k]!;
    y[i] = sum / A[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= A[k * n + i]! * x[k]!;
    x[i] = sum / A[i * n + i]!;
  }
  return true;
}
