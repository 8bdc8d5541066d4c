import { describe, expect, it } from 'vitest';
import { PlattScaling } from './platt-scaling.js';

describe('PlattScaling', () => {
  it('recovers known parameters from synthetic logistic data (slope 1.7, intercept -0.4)', () => {
    // Soft targets drawn exactly from the true curve: the log-loss minimum is at the true parameters.
    const scores = Array.from({ length: 61 }, (_, i) => -3 + i * 0.1);
    const targets = scores.map((s) => 1 / (1 + Math.exp(-(1.7 * s - 0.4))));
    const platt = new PlattScaling().fit(scores, targets);
    expect(platt.slope).toBeCloseTo(1.7, 6);
    expect(platt.intercept).toBeCloseTo(-0.4, 6);
    expect(platt.predict([0])[0]).toBeCloseTo(1 / (1 + Math.exp(0.4)), 6);
  });

  it('fits 0/1 labels to the hand-checkable stationarity conditions', () => {
    // At the MLE, sum(p - y) = 0 and sum((p - y) * s) = 0.
    const scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    const labels = [0, 0, 1, 0, 1, 0, 1, 1];
    const p = new PlattScaling().fit(scores, labels).predict(scores);
    const residualSum = p.reduce((acc, v, i) => acc + v - labels[i]!, 0);
    const weightedSum = p.reduce((acc, v, i) => acc + (v - labels[i]!) * scores[i]!, 0);
    expect(Math.abs(residualSum)).toBeLessThan(1e-9);
    expect(Math.abs(weightedSum)).toBeLessThan(1e-9);
  });

  it('names a bad target', () => {
    expect(() => new PlattScaling().fit([0.1, 0.2], [0, 2])).toThrow('Invalid value for `targets[1]` in PlattScaling.fit. Expected a number in [0, 1]. Received: 2.');
  });
});

describe('PlattScaling save and load', () => {
  it('round-trips through JSON text to identical predictions and names malformed fields', () => {
    const platt = new PlattScaling().fit([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0, 0, 1, 0, 1, 1]);
    const restored = PlattScaling.fromJSON(JSON.parse(JSON.stringify(platt.toJSON())));
    const scores = [-1, 0, 0.25, 0.55, 3];
    expect(restored.predict(scores)).toEqual(platt.predict(scores));
    expect(() => new PlattScaling().toJSON()).toThrow('Invalid value for `state` in PlattScaling.toJSON. Expected a fitted calibrator (call fit first). Received: \'unfitted\'.');
    expect(() => PlattScaling.fromJSON({ format: 'loom-ml/platt-scaling', version: 1, slope: 1 } as never)).toThrow('Invalid value for `intercept` in PlattScaling.fromJSON. Expected a finite number. Received: null.');
    expect(() => PlattScaling.fromJSON({ format: 'loom-ml/platt-scaling', version: 1, slope: Number.NaN, intercept: 0 })).toThrow('Invalid value for `slope` in PlattScaling.fromJSON. Expected a finite number. Received: NaN.');
  });
});
