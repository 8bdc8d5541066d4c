// The recurrent kernels' own WebAssembly SIMD product (small-gemm.ts) against a float64
// reference: shapes that exercise the 4-row and single-row blocks, the 8- and 4-column blocks,
// k = 0 and 1, A read transposed, refusals; and its softmax and softmax gradient.
import { describe, expect, it } from 'vitest';
import { seededValues } from '../../test/wasm-test-helpers.js';
import { adamPairs, columnSums, heapKernels, matrixProduct, simdWorkspace, smallGemmModuleBytes, stepProduct, type AdamConstants } from './small-gemm.js';

function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) c[i * n + j] = (c[i * n + j] as number) + (a[i * k + p] as number) * (b[p * n + j] as number);
  return c;
}

function maxError(out: Float32Array, expected: Float64Array): number {
  let error = 0;
  for (let i = 0; i < expected.length; i++) error = Math.max(error, Math.abs((out[i] as number) - (expected[i] as number)));
  return error;
}

describe('stepProduct (own WebAssembly SIMD matrix product)', () => {
  it('the module validates', () => {
    expect(WebAssembly.validate(smallGemmModuleBytes() as BufferSource)).toBe(true);
    // Browsers compile synchronously (new WebAssembly.Module) only up to 4 KB on the main thread.
    expect(smallGemmModuleBytes().length).toBeLessThan(4096);
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
    [6, 7, 12],
    [9, 200, 16],
    [200, 16, 200],
    [9, 3000, 20],
  ])('matches a float64 reference for %i x %i times %i x n (and reruns with a new a)', (m, k, n) => {
    const b = seededValues(k * n, 1);
    const product = stepProduct(m, k, n, b);
    expect(product).not.toBeNull();
    for (const seed of [2, 3]) {
      product!.a.set(seededValues(m * k, seed));
      product!.run();
      expect(maxError(product!.out, reference(product!.a, b, m, k, n))).toBeLessThanOrEqual(1e-6 * Math.max(k, 1));
    }
  });

  it('grows its memory for a larger product and refuses n not a multiple of 4 or a wrong b', () => {
    const big = stepProduct(512, 256, 512, seededValues(256 * 512, 4));
    expect(big?.out.length).toBe(512 * 512);
    expect(stepProduct(2, 3, 6, seededValues(18, 5))).toBeNull();
    expect(stepProduct(2, 3, 4, seededValues(11, 5))).toBeNull();
  });
});

function transposed(a: Float32Array, rows: number, columns: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) t[j * rows + i] = a[i * columns + j] as number;
  return t;
}

describe('matrixProduct with A stored transposed', () => {
  // Same tolerance as above.
  it.each([
    [1, 1, 4],
    [5, 3, 8],
    [7, 13, 12],
    [200, 200, 16],
    [33, 257, 36],
    // Operands over 128 KB: k runs in slices (the first writes C, the rest add to it).
    [32, 25600, 32],
    [8, 5000, 4],
  ])('aᵀ · b matches a float64 reference for m %i, k %i, n %i', (m, k, n) => {
    const product = matrixProduct(m, k, n)!;
    const a = seededValues(m * k, 6);
    const b = seededValues(k * n, 7);
    product.a.set(transposed(a, m, k));
    product.b.set(b);
    product.run(true);
    expect(maxError(product.out, reference(a, b, m, k, n))).toBeLessThanOrEqual(1e-6 * k);
  });
});

describe('heapKernels: the module on an imported memory (a backend heap), in place', () => {
  it('its variants validate and stay under 4 KB', () => {
    for (const memory of ['heap', 'sharedHeap'] as const) {
      expect(WebAssembly.validate(smallGemmModuleBytes(memory) as BufferSource)).toBe(true);
      expect(smallGemmModuleBytes(memory).length).toBeLessThan(4096);
    }
    expect(heapKernels(null)).toBeNull();
  });

  // Same products as the copying entry point, so the same bits: checked against it, and against
  // the float64 reference with the tolerance above.
  it.each([
    ['a plain memory', () => new WebAssembly.Memory({ initial: 1 })],
    ['a shared memory', () => new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true })],
  ])('products (plain and aᵀ · b, k in slices) and Adam match the copying entry points bit for bit, on %s', (_label, makeMemory) => {
    const memory = makeMemory();
    const kernels = heapKernels(memory)!;
    expect(kernels).not.toBeNull();
    expect(heapKernels(memory)).toBe(kernels); // one instance per memory
    for (const [m, k, n] of [[7, 13, 12], [32, 25600, 32], [9, 3000, 20]] as const) {
      const a = seededValues(m * k, 8);
      const b = seededValues(k * n, 9);
      const floats = m * k + k * n + m * n;
      const pages = Math.ceil((4 * floats + 64) / 65536) - memory.buffer.byteLength / 65536;
      if (pages > 0) memory.grow(pages);
      // Odd float offsets are fine: the module loads 4 floats at any byte offset.
      const view = (from: number, length: number) => new Float32Array(memory.buffer, 4 * from, length);
      const [heapA, heapB, heapC] = [view(1, m * k), view(1 + m * k, k * n), view(1 + m * k + k * n, m * n)];
      for (const aTransposed of [false, true]) {
        heapA.set(aTransposed ? transposed(a, m, k) : a);
        heapB.set(b);
        kernels.gemm(heapA, heapB, heapC, m, k, n, aTransposed);
        const copying = matrixProduct(m, k, n)!;
        copying.a.set(heapA);
        copying.b.set(b);
        copying.run(aTransposed);
        expect(Array.from(heapC)).toEqual(Array.from(copying.out));
        expect(maxError(heapC, reference(a, b, m, k, n))).toBeLessThanOrEqual(1e-6 * k);
      }
    }
    const n = 1002;
    const inputs = [seededValues(n, 10), seededValues(n, 11).map((v) => 0.1 * v), seededValues(n, 12).map((v) => Math.abs(v) * 0.01), seededValues(n, 13)];
    const constants: AdamConstants = [0.9, 0.1, 0.999, 0.001, 2.3, 1e-7, 0.01, -0.003];
    const views = [0, 1, 2, 3, 4, 5, 6].map((i) => new Float32Array(memory.buffer, 4 * i * n, n)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    inputs.forEach((values, i) => views[i]!.set(values));
    kernels.adam(views, n / 2, constants);
    const expected = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
    expect(adamPairs(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!, ...expected, constants)).toBe(n);
    expect([views[4], views[5], views[6]].map((v) => Array.from(v))).toEqual(expected.map((v) => Array.from(v)));
  });
});

describe('simdWorkspace softmax and softmax gradient', () => {
  // Tolerances: the SIMD exp is Cephes' expf (about 1 ulp), sums in float32 over <= 200 values:
  // 2e-6 relative plus 1e-7 absolute against float64 for the softmax; the gradient 1e-5 absolute.
  it.each([
    [3, 4],
    [5, 12],
    [200, 200],
  ])('softmax of %i rows of %i values matches float64, masked scores (-1e9) give exactly 0', (rows, columns) => {
    const work = simdWorkspace([rows * columns])!;
    const [s] = work.views as [Float32Array];
    const values = seededValues(rows * columns, 8).map((v, i) => (i % 7 === 3 ? -1e9 : v * 30));
    s.set(values);
    work.softmax(s, rows, columns);
    for (let r = 0; r < rows; r++) {
      const row = Array.from(values.subarray(r * columns, (r + 1) * columns));
      const max = Math.max(...row);
      const exps = row.map((v) => Math.exp(v - max));
      const total = exps.reduce((a, b) => a + b, 0);
      for (let j = 0; j < columns; j++) {
        const expected = (exps[j] as number) / total;
        const got = s[r * columns + j] as number;
        if (row[j] === -1e9) expect(got).toBe(0);
        else expect(Math.abs(got - expected)).toBeLessThanOrEqual(2e-6 * expected + 1e-7);
      }
    }
  });

  it('exp over the whole float range: 0 at and below the underflow, finite and accurate above it', () => {
    const values = Float32Array.from([-1e30, -104, -87.4, -87.3, -50, -10, -1, -1e-8, 0, 0, 0, 0]);
    const work = simdWorkspace([12])!;
    const [s] = work.views as [Float32Array];
    // One row per value against 0: softmax of [x, 0, 0, 0] is e^x / (e^x + 3).
    for (const x of values.subarray(0, 8)) {
      s.set([x, 0, 0, 0]);
      work.softmax(s.subarray(0, 4), 1, 4);
      const expected = Math.exp(x) / (Math.exp(x) + 3);
      expect(Math.abs((s[0] as number) - expected)).toBeLessThanOrEqual(2e-6 * expected + 1e-38);
    }
  });

  it.each([
    [2, 4, 1],
    [7, 20, 0.25],
    [200, 200, 0.17677669],
  ])('softmax gradient of %i rows of %i values (scale %f) matches float64', (rows, columns, scale) => {
    const work = simdWorkspace([rows * columns, rows * columns])!;
    const [p, d] = work.views as [Float32Array, Float32Array];
    p.set(seededValues(rows * columns, 9).map((v) => (v + 1) / columns));
    const dy = seededValues(rows * columns, 10);
    d.set(dy);
    work.softmaxGrad(p, d, rows, columns, scale);
    for (let r = 0; r < rows; r++) {
      let dot = 0;
      for (let j = 0; j < columns; j++) dot += (p[r * columns + j] as number) * (dy[r * columns + j] as number);
      for (let j = 0; j < columns; j++) {
        const expected = (p[r * columns + j] as number) * ((dy[r * columns + j] as number) - dot) * scale;
        expect(Math.abs((d[r * columns + j] as number) - expected)).toBeLessThanOrEqual(1e-5);
      }
    }
  });
});

describe('columnSums', () => {
  it.each([
    [1, 4],
    [7, 12],
    [25600, 32],
  ])('sums %i rows of %i columns bit-identically to a float64 loop in row order', (rows, columns) => {
    const x = seededValues(rows * columns, 11);
    const out = new Float32Array(columns);
    expect(columnSums(x, rows, columns, out)).toBe(true);
    const totals = new Float64Array(columns);
    for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) totals[c] = (totals[c] as number) + (x[r * columns + c] as number);
    expect(Array.from(out)).toEqual(Array.from(Float32Array.from(totals)));
  });

  it('refuses columns not a multiple of 4 or mismatched sizes', () => {
    expect(columnSums(new Float32Array(10), 2, 5, new Float32Array(5))).toBe(false);
    expect(columnSums(new Float32Array(12), 2, 4, new Float32Array(4))).toBe(false);
  });
});
