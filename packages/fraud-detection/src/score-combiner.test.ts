import { describe, expect, it } from 'vitest';
import { minMaxAverage, rankAverage } from './score-combiner.js';

describe('rankAverage', () => {
  it('averages [0, 1]-scaled ranks, ties sharing their mean rank (hand-computed)', () => {
    // Model A ranks: 0, 1/3, 2/3, 1. Model B scores 5, 5, 1, 9 → positions 1.5, 1.5, 0, 3 → 0.5, 0.5, 0, 1.
    const combined = rankAverage([[0.1, 0.2, 0.3, 0.4], [5, 5, 1, 9]]);
    expect(Array.from(combined)).toEqual([0.25, (1 / 3 + 0.5) / 2, (2 / 3 + 0) / 2, 1]);
    // Weights 3:1 → 0.75 A + 0.25 B.
    expect(rankAverage([[0.1, 0.2, 0.3, 0.4], [5, 5, 1, 9]], { weights: [3, 1] })[1]).toBeCloseTo(0.75 / 3 + 0.25 * 0.5, 12);
    // Only order matters: a monotone transform of a model's scores changes nothing.
    expect(Array.from(rankAverage([[0.1, 0.2, 0.3, 0.4].map(Math.exp), [5, 5, 1, 9].map((v) => v ** 3)]))).toEqual(Array.from(combined));
  });

  it('with reference scores, ranks each new score against them (a row scores the same alone or in a batch)', () => {
    const reference = [[1, 2, 3, 4], [10, 20, 30, 40]];
    // 2.5 is above 2 of 4 reference scores → 0.5; 30 ties one (half) and is above 2 → 2.5 / 4.
    expect(Array.from(rankAverage([[2.5], [30]], { reference }))).toEqual([(0.5 + 0.625) / 2]);
    const batch = rankAverage([[2.5, 0, 9], [30, 0, 99]], { reference });
    expect(batch[0]).toBe((0.5 + 0.625) / 2);
    expect(Array.from(batch.slice(1))).toEqual([0, 1]);
  });

  it('names the offending input', () => {
    expect(() => rankAverage([])).toThrow('Invalid value for `scores` in rankAverage. Expected a non-empty array of score arrays (one per model). Received: [].');
    expect(() => rankAverage([[1, 2], [1]])).toThrow('Invalid value for `scores[1]` in rankAverage. Expected 2 scores (as many as scores[0]). Received: 1.');
    expect(() => rankAverage([[1, NaN]])).toThrow('Invalid value for `scores[0][1]` in rankAverage. Expected a finite number. Received: NaN.');
    expect(() => rankAverage([[1], [2]], { weights: [0, 0] })).toThrow('Invalid value for `weights` in rankAverage. Expected 2 non-negative weights, not all 0. Received: [0, 0].');
    expect(() => rankAverage([[1], [2]], { reference: [[1]] })).toThrow('Invalid value for `reference` in rankAverage. Expected 2 reference score arrays (one per model).');
  });
});

describe('minMaxAverage', () => {
  it('averages min-max scaled scores (hand-computed), keeping distances', () => {
    // A: (v - 0) / 10 → 0, 0.1, 1; B: (v - 2) / 2 → 0, 1, 0.5.
    expect(Array.from(minMaxAverage([[0, 1, 10], [2, 4, 3]]))).toEqual([0, 0.55, 0.75]);
    // A constant model contributes 0.5.
    expect(Array.from(minMaxAverage([[0, 1], [7, 7]]))).toEqual([0.25, 0.75]);
    // Against a reference range, new scores may fall outside [0, 1].
    expect(Array.from(minMaxAverage([[15]], { reference: [[0, 10]] }))).toEqual([1.5]);
  });
});
