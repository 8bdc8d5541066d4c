import { describe, expect, it } from 'vitest';
import { logLoss, meanSquaredError, r2Score, rocAuc } from './index.js';

describe('arrays of rows in the other metrics', () => {
  it('regression metrics use every element of [n, outputs] rows', () => {
    // Hand-computed: squared errors 0, 0, 0, 1 over 4 elements = 0.25 (before: NaN, rows subtracted as arrays).
    expect(meanSquaredError([[1, 2], [3, 4]], [[1, 2], [3, 5]])).toBe(0.25);
    // r2 over the 4 elements: SS_res = 1, mean 2.5, SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5; 1 - 1/5.
    expect(r2Score([[1, 2], [3, 4]], [[1, 2], [3, 5]])).toBeCloseTo(0.8, 12);
  });

  it('binary metrics take [n, 1] rows and name [n, classes] rows instead of misreading them', () => {
    // -(ln 0.9 + ln 0.8) / 2, the same as from flat arrays.
    expect(logLoss([[1], [0]], [[0.9], [0.2]])).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 12);
    expect(rocAuc([1, 0], [[0.9], [0.2]])).toBe(1);
    expect(() => logLoss([1, 0], [[0.1, 0.9], [0.8, 0.2]])).toThrow(
      "Invalid value for `probabilities` in logLoss. Expected one probability of class 1 per sample (shape [n] or [n, 1]). Received: 'shape [2, 2]'.",
    );
    expect(() => rocAuc([1, 0], [[0.1, 0.9], [0.8, 0.2]])).toThrow("Invalid value for `scores` in rocAuc. Expected one score per sample (shape [n] or [n, 1]). Received: 'shape [2, 2]'.");
  });
});
