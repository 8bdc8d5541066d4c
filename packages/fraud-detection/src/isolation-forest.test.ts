import { describe, expect, it } from 'vitest';
import { averagePathLength, IsolationForest } from './index.js';
import { seededRandom } from './random.js';

describe('IsolationForest', () => {
  it('c(n) matches the formula of Liu et al. (hand-computed)', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // c(256) = 2 (ln 255 + γ) - 2·255/256
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649015329) - (2 * 255) / 256, 12);
  });

  it('scores planted outliers above every normal point, deterministically per seed', () => {
    const random = seededRandom(3);
    const normal = Array.from({ length: 300 }, () => [random() * 2 - 1, random() * 2 - 1]);
    const outliers = [[6, 6], [-7, 5], [8, -6]];
    const rows = [...normal, ...outliers];
    const forest = new IsolationForest({ trees: 100, sampleSize: 128, seed: 1 }).fit(rows);
    const scores = forest.score(rows);
    const maxNormal = Math.max(...scores.slice(0, 300));
    for (const s of scores.slice(300)) expect(s).toBeGreaterThan(maxNormal);
    for (const s of scores) expect(s > 0 && s <= 1).toBe(true);
    expect(Array.from(new IsolationForest({ trees: 100, sampleSize: 128, seed: 1 }).fit(rows).score(rows))).toEqual(Array.from(scores));
    expect(Array.from(new IsolationForest({ trees: 100, sampleSize: 128, seed: 2 }).fit(rows).score(rows))).not.toEqual(Array.from(scores));
  });

  it('names bad input', () => {
    expect(() => new IsolationForest({ trees: 0 })).toThrow(/Invalid value for `trees` in IsolationForest/);
    expect(() => new IsolationForest().fit([[1, 2], [1]])).toThrow('IsolationForest.fit: row 1 has 1 features, row 0 has 2.');
    expect(() => new IsolationForest().fit([[1], [Number.NaN]])).toThrow(/row 1, feature 0 is NaN; impute missing values first/);
    expect(() => new IsolationForest().score([[1]])).toThrow(/call fit\(rows\) first/);
  });
});
