import { describe, expect, it } from 'vitest';
import { balancedClassWeights } from './class-weights.js';

describe('balancedClassWeights', () => {
  it('computes n / (k * n_c) by hand', () => {
    const [w0, w1] = balancedClassWeights([0, 0, 0, 1]);
    expect(w0).toBeCloseTo(4 / (2 * 3), 12);
    expect(w1).toBeCloseTo(4 / (2 * 1), 12);
  });

  it('names the bad label and a missing class', () => {
    expect(() => balancedClassWeights([0, -1])).toThrow('Invalid value for `labels[1]` in balancedClassWeights. Expected a non-negative integer. Received: -1.');
    expect(() => balancedClassWeights([0, 2])).toThrow("Expected every class 0..2 present. Received: 'no rows of class 1'.");
  });
});
