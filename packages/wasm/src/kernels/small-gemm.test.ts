// The recurrent kernels' own WebAssembly SIMD product (small-gemm.ts) against a float64
// reference: shapes that exercise the 16- and 4-column blocks, k = 0 and 1, and refusals.
import { describe, expect, it } from 'vitest';
import { seededValues } from '../../test/wasm-test-helpers.js';
import { smallGemmModuleBytes, stepProduct } from './small-gemm.js';

function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) c[i * n + j] = (c[i * n + j] as number) + (a[i * k + p] as number) * (b[p * n + j] as number);
  return c;
}

describe('stepProduct (own WebAssembly SIMD matrix product)', () => {
  it('the module validates', () => {
    expect(WebAssembly.validate(smallGemmModuleBytes() as BufferSource)).toBe(true);
  });

  // Tolerance: float32 sums of k products of values in [-1, 1): 1e-6 * k absolute.
  it.each([
    [1, 1, 4],
    [3, 5, 8],
    [7, 3, 20],
    [2, 9, 68],
    [128, 32, 128],
    [128, 128, 32],
    [5, 0, 4],
  ])('matches a float64 reference for %i x %i times %i x n (and reruns with a new a)', (m, k, n) => {
    const b = seededValues(k * n, 1);
    const product = stepProduct(m, k, n, b);
    expect(product).not.toBeNull();
    for (const seed of [2, 3]) {
      product!.a.set(seededValues(m * k, seed));
      product!.run();
      const expected = reference(product!.a, b, m, k, n);
      let error = 0;
      for (let i = 0; i < m * n; i++) error = Math.max(error, Math.abs((product!.out[i] as number) - (expected[i] as number)));
      expect(error).toBeLessThanOrEqual(1e-6 * Math.max(k, 1));
    }
  });

  it('grows its memory for a larger product and refuses n not a multiple of 4 or a wrong b', () => {
    const big = stepProduct(512, 256, 512, seededValues(256 * 512, 4));
    expect(big?.out.length).toBe(512 * 512);
    expect(stepProduct(2, 3, 6, seededValues(18, 5))).toBeNull();
    expect(stepProduct(2, 3, 4, seededValues(11, 5))).toBeNull();
  });
});
