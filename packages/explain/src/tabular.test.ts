import { describe, expect, it } from 'vitest';
import { kernelShap, occludeFeatures } from './index.js';

/** Shapley values by their definition: every subset S of the other features, weight |S|!(d−|S|−1)!/d!. */
function bruteForceShapley(value: (coalition: boolean[]) => number, d: number): number[] {
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));
  const phi = new Array<number>(d).fill(0);
  for (let mask = 0; mask < 2 ** d; mask++) {
    const coalition = Array.from({ length: d }, (_, i) => ((mask >> i) & 1) === 1);
    const size = coalition.filter(Boolean).length;
    for (let i = 0; i < d; i++) {
      if (coalition[i]) continue;
      const weight = (factorial(size) * factorial(d - size - 1)) / factorial(d);
      phi[i]! += weight * (value(coalition.map((v, j) => v || j === i)) - value(coalition));
    }
  }
  return phi;
}

// A model with interactions and non-linearities over 6 features.
const f = (x: readonly number[]) => Math.tanh(x[0]! * x[1]!) + 0.5 * x[2]! ** 2 - x[3]! * Math.max(0, x[4]!) + Math.sin(x[5]!) * x[0]!;
const row = [1.2, -0.7, 2, 0.4, 1.5, -1.1];
const background = [
  [0, 0, 0, 0, 0, 0],
  [0.5, 1, -1, 2, -0.5, 0.3],
  [-1, 0.2, 0.7, -0.3, 1, 2],
];

describe('kernelShap', () => {
  it('equals brute-force exact Shapley values when every coalition is evaluated (6 features, 3 background rows, 1e-9)', () => {
    const calls: number[] = [];
    const scoreRows = (rows: number[][]) => {
      calls.push(rows.length);
      return rows.map(f);
    };
    const result = kernelShap(scoreRows, row, { background, samples: 62 });
    expect(result.exact).toBe(true);
    expect(result.coalitions).toBe(62);
    expect(calls).toEqual([(62 + 2) * 3]);
    const value = (coalition: boolean[]) => background.reduce((s, b) => s + f(row.map((v, i) => (coalition[i] ? v : b[i]!))), 0) / background.length;
    const reference = bruteForceShapley(value, 6);
    result.attributions.forEach((a, i) => expect(Math.abs(a.attribution - reference[i]!)).toBeLessThan(1e-9));
    expect(result.attributions.reduce((s, a) => s + a.attribution, 0)).toBeCloseTo(result.score - result.baselineScore, 10);
  });

  it('agrees with exact Shapley on 8 features from 200 sampled coalitions (of 254) within 0.05, states the count, repeats with its seed', () => {
    const g = (x: readonly number[]) => f(x) + 0.3 * x[6]! * x[7]! - 0.8 * x[7]!;
    const x = [...row, 1.5, -2];
    const baseline = [0, 0, 0, 0, 0, 0, 0, 0];
    const value = (coalition: boolean[]) => g(x.map((v, i) => (coalition[i] ? v : baseline[i]!)));
    const reference = bruteForceShapley(value, 8);
    const result = kernelShap((rows: number[][]) => rows.map(g), x, { baseline, samples: 200, seed: 3 });
    expect(result.exact).toBe(false);
    expect(result.coalitions).toBe(200);
    expect(result.rowsScored).toBe(202);
    const scale = Math.max(...reference.map(Math.abs));
    result.attributions.forEach((a, i) => expect(Math.abs(a.attribution - reference[i]!)).toBeLessThan(0.05 * scale));
    // Completeness holds by construction even when sampled.
    expect(result.attributions.reduce((s, a) => s + a.attribution, 0)).toBeCloseTo(result.score - result.baselineScore, 10);
    const again = kernelShap((rows: number[][]) => rows.map(g), x, { baseline, samples: 200, seed: 3 });
    expect(again.attributions).toEqual(result.attributions);
  });

  it('explains object rows through an async scorer, with columns named like Object.prototype members', async () => {
    const score = async (rows: Record<string, unknown>[]) => rows.map((r) => 2 * Number(r.__proto__) + (r.grade === 'E' ? 1 : 0));
    const rowObject = JSON.parse('{"__proto__": 3, "grade": "E"}') as Record<string, unknown>;
    const baseline = JSON.parse('{"__proto__": 1, "grade": "A"}') as Record<string, unknown>;
    const result = await kernelShap(score, rowObject, { baseline });
    expect(result.attributions.map((a) => a.feature)).toEqual(['__proto__', 'grade']);
    expect(result.attributions[0]!.attribution).toBeCloseTo(4, 9);
    expect(result.attributions[1]!.attribution).toBeCloseTo(1, 9);
    expect(() => kernelShap(() => [1], [1, 2], { baseline: [0, 0] })).toThrow("Invalid value for `scoreRows` in kernelShap. Expected a function returning 4 scores for 4 rows. Received: '1 scores'.");
    expect(() => kernelShap((rows: number[][]) => rows.map(() => 1), [1, 2], {})).toThrow("Invalid value for `options` in kernelShap. Expected either `baseline` (one row) or `background` (rows). Received: 'both or neither'.");
  });
});

describe('occludeFeatures', () => {
  it('gives w_i (x_i − b_i) for an additive model, as KernelSHAP does, in one scoring call', () => {
    const weights = [2, -3, 0.5];
    const score = (rows: number[][]) => rows.map((r) => r.reduce((s, v, i) => s + v * weights[i]!, 1));
    const x = [1, 2, -4];
    const b = [0.5, 0, 1];
    const occluded = occludeFeatures(score, x, { baseline: b, features: ['amount', 'age', 'term'] });
    const shap = kernelShap(score, x, { baseline: b });
    expect(occluded.attributions.map((a) => a.feature)).toEqual(['amount', 'age', 'term']);
    occluded.attributions.forEach((a, i) => {
      expect(a.attribution).toBeCloseTo(weights[i]! * (x[i]! - b[i]!), 12);
      expect(shap.attributions[i]!.attribution).toBeCloseTo(a.attribution, 10);
    });
    expect(() => occludeFeatures(score, x, { baseline: [0] })).toThrow("Invalid value for `baseline` in occludeFeatures. Expected 3 values (one per feature of the row). Received: '1 values'.");
  });
});
