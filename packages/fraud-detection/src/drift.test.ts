import { describe, expect, it } from 'vitest';
import { ksStatistic, populationStabilityIndex } from './index.js';

describe('drift statistics (hand-computed)', () => {
  it('KS: the largest gap between empirical CDFs', () => {
    expect(ksStatistic([1, 2, 3], [1, 2, 3])).toBe(0);
    // CDFs at 1: 1/4 vs 0; at 2: 2/4 vs 0; at 3: 3/4 vs 1/2; at 4: 1 vs 1/2; at 5: 1 vs 1 => max 1/2
    expect(ksStatistic([1, 2, 3, 4], [3, 5])).toBe(0.5);
    expect(ksStatistic([0, 0, 0], [1, 1])).toBe(1);
  });

  it('PSI: zero for the same distribution, and the formula on a hand-made shift', () => {
    const expected = Array.from({ length: 100 }, (_, i) => i);
    expect(populationStabilityIndex(expected, expected, { bins: 4 })).toBeCloseTo(0, 12);
    // Quartile bins of 0..99 cut at 25, 50, 75. Actual puts 40% / 40% / 10% / 10% in them.
    const actual = [...Array(40).fill(10), ...Array(40).fill(30), ...Array(10).fill(60), ...Array(10).fill(90)];
    const shares = [0.4, 0.4, 0.1, 0.1];
    const psi = shares.reduce((sum, a) => sum + (a - 0.25) * Math.log(a / 0.25), 0);
    expect(populationStabilityIndex(expected, actual, { bins: 4 })).toBeCloseTo(psi, 12);
  });

  it('floors empty bins at epsilon instead of returning Infinity', () => {
    const value = populationStabilityIndex(Array.from({ length: 100 }, (_, i) => i), Array(50).fill(5), { bins: 4 });
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThan(1);
  });
});
