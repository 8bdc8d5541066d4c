import { describe, expect, it } from 'vitest';
import { CsrMatrix } from './csr-matrix.js';
import { ExplicitMf } from './explicit-mf.js';
import { seededRandom } from './rng.js';

/** Ratings from a known rank-2 model, 30 users × 20 items, 60% observed; the rest held out. */
function lowRankRatings(): { train: CsrMatrix; test: CsrMatrix } {
  const random = seededRandom(12);
  const U = Array.from({ length: 30 }, () => [random() * 2 - 1, random() * 2 - 1]);
  const V = Array.from({ length: 20 }, () => [random() * 2 - 1, random() * 2 - 1]);
  const train: number[][] = [[], [], []];
  const test: number[][] = [[], [], []];
  for (let u = 0; u < 30; u++) {
    for (let i = 0; i < 20; i++) {
      const rating = 3 + U[u]![0]! * V[i]![0]! + U[u]![1]! * V[i]![1]!;
      const target = random() < 0.6 ? train : test;
      target[0]!.push(u), target[1]!.push(i), target[2]!.push(rating);
    }
  }
  return {
    train: CsrMatrix.fromTriplets(30, 20, train[0]!, train[1]!, train[2]!),
    test: CsrMatrix.fromTriplets(30, 20, test[0]!, test[1]!, test[2]!),
  };
}

describe('ExplicitMf', () => {
  it('solves each row exactly: matches the ridge closed form for one user', () => {
    // Item factors fixed; user with ratings 4, 2 on items 0 and 2; global mean becomes 3.
    const ratings = CsrMatrix.fromTriplets(1, 3, [0, 0], [0, 2], [4, 2]);
    const mf = new ExplicitMf({ factors: 2, regularization: 0.3, epochs: 0 }).fit(ratings);
    const Y = Float32Array.of(1, 2, 0.5, -1, -1, 0.5);
    const x = new Float32Array(2);
    mf.solveRows(ratings, x, Y);
    // (Y_Iᵀ Y_I + λ·2·I) x = Y_Iᵀ (r − 3), with Y_I rows (1, 2) and (−1, 0.5), solved by Cramer's rule.
    const a11 = 1 + 1 + 0.6;
    const a12 = 2 - 0.5;
    const a22 = 4 + 0.25 + 0.6;
    const b1 = 1 * 1 + -1 * -1;
    const b2 = 2 * 1 + 0.5 * -1;
    const det = a11 * a22 - a12 * a12;
    expect(x[0]).toBeCloseTo((b1 * a22 - a12 * b2) / det, 6);
    expect(x[1]).toBeCloseTo((a11 * b2 - a12 * b1) / det, 6);
    // The same solve for a new user given only their ratings.
    const withFactors = new ExplicitMf({ factors: 2, regularization: 0.3 }).setState(ratings, new Float32Array(2), Y, 3);
    const predicted = withFactors.scoreFromItems([0, 2], [4, 2]);
    expect(predicted[1]).toBeCloseTo(3 + x[0]! * 0.5 + x[1]! * -1, 5);
    expect(() => withFactors.scoreFromItems([0])).toThrow(
      'Invalid value for `values` in ExplicitMf.scoreFromItems. Expected the ratings of the given items. Received: undefined.',
    );
  });

  it('reports a decreasing training RMSE and beats the global mean on held-out ratings', () => {
    const { train, test } = lowRankRatings();
    const rmses: number[] = [];
    const mf = new ExplicitMf({ factors: 2, regularization: 0.01, epochs: 15, seed: 3, onEpoch: (r) => rmses.push(r.rmse) }).fit(train);
    expect(rmses).toHaveLength(15);
    expect(rmses[14]!).toBeLessThan(rmses[0]!);
    expect(rmses[14]!).toBeLessThan(0.05);
    let meanSquared = 0;
    for (const v of test.values) meanSquared += (v - mf.globalMean) ** 2;
    const baseline = Math.sqrt(meanSquared / test.nnz);
    expect(mf.rmse(test)).toBeLessThan(baseline * 0.3);
    expect(mf.recommend(0, 3)).toHaveLength(3);
  });

  it('rejects bad options', () => {
    expect(() => new ExplicitMf({ regularization: 0 })).toThrow(
      'Invalid value for `regularization` in ExplicitMf. Expected a positive number. Received: 0.',
    );
  });
});
