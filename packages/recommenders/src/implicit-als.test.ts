import { describe, expect, it } from 'vitest';
import { CsrMatrix } from './csr-matrix.js';
import { ImplicitAls } from './implicit-als.js';
import { seededRandom } from './rng.js';

/** Solves A x = b by Gaussian elimination with partial pivoting (the test's own reference). */
function gaussianSolve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r]![col]!) > Math.abs(M[pivot]![col]!)) pivot = r;
    [M[col], M[pivot]] = [M[pivot]!, M[col]!];
    for (let r = col + 1; r < n; r++) {
      const factor = M[r]![col]! / M[col]![col]!;
      for (let c = col; c <= n; c++) M[r]![c]! -= factor * M[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = M[r]![n]!;
    for (let c = r + 1; c < n; c++) sum -= M[r]![c]! * x[c]!;
    x[r] = sum / M[r]![r]!;
  }
  return x;
}

/** Blocks: users 0..9 like items 0..7, users 10..19 like items 8..15, with some items missing. */
function blockMatrix(): CsrMatrix {
  const random = seededRandom(5);
  const rows: number[] = [];
  const columns: number[] = [];
  for (let user = 0; user < 20; user++) {
    const offset = user < 10 ? 0 : 8;
    for (let item = 0; item < 8; item++) {
      if (random() < 0.6) rows.push(user), columns.push(offset + item);
    }
  }
  return CsrMatrix.fromTriplets(20, 16, rows, columns, rows.map(() => 1));
}

describe('ImplicitAls solver', () => {
  // One user, 5 items, 3 factors; fixed item factors. Exact weighted ridge solution:
  // x = (Yᵀ C Y + λI)⁻¹ Yᵀ C p, over ALL items (unobserved: c = 1, p = 0).
  const factors = 3;
  const random = seededRandom(21);
  const itemFactors = Float32Array.from({ length: 5 * factors }, () => random() - 0.5);
  const raw = CsrMatrix.fromTriplets(1, 5, [0, 0, 0], [0, 2, 3], [1, 2, 5]);
  const alpha = 2;
  const regularization = 0.1;
  const c = [1 + alpha * 1, 1, 1 + alpha * 2, 1 + alpha * 5, 1];
  const p = [1, 0, 1, 1, 0];
  const Y = (i: number, j: number): number => itemFactors[i * factors + j]!;
  const A = Array.from({ length: factors }, (_, a) =>
    Array.from({ length: factors }, (_, b) => {
      let sum = a === b ? regularization : 0;
      for (let i = 0; i < 5; i++) sum += c[i]! * Y(i, a) * Y(i, b);
      return sum;
    }),
  );
  const rhs = Array.from({ length: factors }, (_, a) => {
    let sum = 0;
    for (let i = 0; i < 5; i++) sum += c[i]! * p[i]! * Y(i, a);
    return sum;
  });
  const exact = gaussianSolve(A, rhs);

  it('conjugate gradient with as many steps as factors reaches the closed-form solution', () => {
    const als = new ImplicitAls({ factors, alpha, regularization, cgSteps: 3 });
    const userFactors = Float32Array.of(0.3, -0.2, 0.1); // arbitrary warm start
    als.solveRows(als.confidence(raw), userFactors, itemFactors);
    // Tolerance: 1e-5 absolute (float32 factors, float64 arithmetic).
    for (let j = 0; j < factors; j++) expect(userFactors[j]).toBeCloseTo(exact[j]!, 5);
  });

  it('one CG step only approaches it; the Cholesky solver matches it', () => {
    const oneStep = new ImplicitAls({ factors, alpha, regularization, cgSteps: 1 });
    const partial = new Float32Array(3);
    oneStep.solveRows(oneStep.confidence(raw), partial, itemFactors);
    const error = Math.hypot(...exact.map((v, j) => v - partial[j]!));
    expect(error).toBeGreaterThan(1e-4);
    expect(error).toBeLessThan(Math.hypot(...exact));

    const fromItems = new ImplicitAls({ factors, alpha, regularization }).setState(raw, new Float32Array(3), itemFactors);
    const vector = fromItems.userVectorFromItems([0, 2, 3], [1, 2, 5]);
    for (let j = 0; j < factors; j++) expect(vector[j]).toBeCloseTo(exact[j]!, 5);
    const scores = fromItems.scoreFromItems([0, 2, 3], [1, 2, 5]);
    expect(scores[1]).toBeCloseTo(exact.reduce((sum, v, j) => sum + v * Y(1, j), 0), 5);
    expect(fromItems.recommendFromItems([0, 2, 3], 5, { values: [1, 2, 5] }).map((r) => r.item).sort()).toEqual([1, 4]);

    const cholesky = new ImplicitAls({ factors, alpha, regularization, solver: 'cholesky' });
    const solved = new Float32Array(3);
    cholesky.solveRows(cholesky.confidence(raw), solved, itemFactors);
    for (let j = 0; j < factors; j++) expect(solved[j]).toBeCloseTo(exact[j]!, 5);
  });
});

describe('ImplicitAls training', () => {
  const matrix = blockMatrix();

  it('reports a loss that decreases every epoch and equals the objective computed densely', () => {
    const reports: number[] = [];
    const als = new ImplicitAls({ factors: 4, alpha: 3, regularization: 0.1, epochs: 8, seed: 2, onEpoch: (r) => reports.push(r.loss) });
    als.fit(matrix);
    expect(reports).toHaveLength(8);
    for (let e = 1; e < reports.length; e++) expect(reports[e]!).toBeLessThanOrEqual(reports[e - 1]! * (1 + 1e-6));
    expect(reports[7]!).toBeLessThan(reports[0]! * 0.99);
    // Dense reference of Σ c (p − x·y)² + λ(‖X‖² + ‖Y‖²), divided by Σ c.
    let objective = 0;
    let weight = 0;
    for (let u = 0; u < 20; u++) {
      for (let i = 0; i < 16; i++) {
        const stored = matrix.has(u, i);
        const confidence = stored ? 1 + 3 * matrix.get(u, i) : 1;
        let score = 0;
        for (let j = 0; j < 4; j++) score += als.userFactors[u * 4 + j]! * als.itemFactors[i * 4 + j]!;
        objective += confidence * ((stored ? 1 : 0) - score) ** 2;
        weight += confidence;
      }
    }
    for (const v of als.userFactors) objective += 0.1 * v * v;
    for (const v of als.itemFactors) objective += 0.1 * v * v;
    expect(reports[7]!).toBeCloseTo(objective / weight, 6);
  });

  it('recommends unseen items of the user’s own block and never seen ones', () => {
    // Two factors for two blocks: with more, ALS also fits the missing in-block cells as zeros.
    const als = new ImplicitAls({ factors: 2, alpha: 5, regularization: 0.1, epochs: 10, seed: 1 }).fit(matrix);
    for (const user of [0, 15]) {
      const seen = new Set(matrix.rowIndices(user));
      const unseenInBlock = [...Array(8).keys()].map((i) => i + (user < 10 ? 0 : 8)).filter((i) => !seen.has(i));
      const recs = als.recommend(user, unseenInBlock.length);
      expect(recs.map((r) => r.item).sort((a, b) => a - b)).toEqual(unseenInBlock);
      for (const r of als.recommend(user, 16)) expect(seen.has(r.item)).toBe(false);
    }
    expect(als.recommendBatch([0, 15], 3)).toEqual([als.recommend(0, 3), als.recommend(15, 3)]);
    expect(als.similarItems(0, 3).every((s) => s.item < 8 && s.item !== 0)).toBe(true);
  });

  it('uses log-scaled confidence when asked', () => {
    const raw = CsrMatrix.fromTriplets(1, 2, [0, 0], [0, 1], [3, 0.5]);
    const als = new ImplicitAls({ alpha: 4, scaling: 'log', epsilon: 0.5 });
    const confidence = als.confidence(raw);
    expect(confidence.get(0, 0)).toBeCloseTo(1 + 4 * Math.log(1 + 3 / 0.5), 5);
    expect(confidence.get(0, 1)).toBeCloseTo(1 + 4 * Math.log(2), 5);
  });

  it('is reproducible from the seed', () => {
    const a = new ImplicitAls({ factors: 3, epochs: 2, seed: 9 }).fit(matrix);
    const b = new ImplicitAls({ factors: 3, epochs: 2, seed: 9 }).fit(matrix);
    expect(Array.from(a.itemFactors)).toEqual(Array.from(b.itemFactors));
  });

  it('rejects bad options and inputs with clear messages', () => {
    expect(() => new ImplicitAls({ factors: 0 })).toThrow(
      'Invalid value for `factors` in ImplicitAls. Expected a positive integer. Received: 0.',
    );
    expect(() => new ImplicitAls({ solver: 'lu' as never })).toThrow("Expected 'cg' or 'cholesky'. Received: 'lu'.");
    const negative = CsrMatrix.fromTriplets(1, 1, [0], [0], [-1]);
    expect(() => new ImplicitAls().fit(negative)).toThrow(
      'Invalid value for `userItems` in ImplicitAls.fit. Expected non-negative values. Received: -1.',
    );
    const als = new ImplicitAls({ factors: 2, epochs: 1 }).fit(matrix);
    expect(() => als.recommend(20, 3)).toThrow(
      'Invalid value for `user` in ImplicitAls.recommend. Expected an integer in [0, 20). Received: 20.',
    );
  });
});
