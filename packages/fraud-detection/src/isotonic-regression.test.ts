import { describe, expect, it } from 'vitest';
import { IsotonicCalibrator } from './isotonic-regression.js';

describe('IsotonicCalibrator (pool-adjacent-violators)', () => {
  it('matches a hand-computed PAV fit', () => {
    // Hand PAV on y = [1, 3, 2, 4, 3.5]: (3, 2) pool to 2.5, (4, 3.5) pool to 3.75.
    const calibrator = new IsotonicCalibrator().fit([1, 2, 3, 4, 5], [1, 3, 2, 4, 3.5]);
    const predicted = calibrator.predict([1, 2, 3, 4, 5]);
    [1, 2.5, 2.5, 3.75, 3.75].forEach((v, i) => expect(predicted[i]).toBeCloseTo(v, 12));
  });

  it('pools a backward cascade and interpolates between block ends', () => {
    // y = [0, 1, 0, 0, 1, 1]: (1, 0) -> 0.5, then 0 < 0.5 so (1, 0, 0) -> 1/3.
    const calibrator = new IsotonicCalibrator().fit([1, 2, 3, 4, 5, 6], [0, 1, 0, 0, 1, 1]);
    const [a, b, c, d, e] = calibrator.predict([1, 1.5, 3, 5, 10]);
    expect(a).toBeCloseTo(0, 12);
    expect(b).toBeCloseTo(1 / 6, 12); // halfway between 0 (x=1) and 1/3 (x=2)
    expect(c).toBeCloseTo(1 / 3, 12);
    expect(d).toBeCloseTo(1, 12);
    expect(e).toBeCloseTo(1, 12); // clamped beyond the last training score
  });

  it('gives tied scores one value and throws when unfitted', () => {
    const calibrator = new IsotonicCalibrator().fit([1, 1, 2], [0, 1, 1]);
    expect(calibrator.predict([1])[0]).toBeCloseTo(0.5, 12);
    expect(() => new IsotonicCalibrator().predict([0.3])).toThrow(
      "Invalid value for `state` in IsotonicCalibrator.predict. Expected a fitted calibrator (call fit first). Received: 'unfitted'.",
    );
  });
});

describe('IsotonicCalibrator save and load', () => {
  it('round-trips through JSON text to identical predictions and names malformed fields', () => {
    const calibrator = new IsotonicCalibrator().fit([1, 2, 3, 4, 5, 6], [0, 1, 0, 0, 1, 1]);
    const json = calibrator.toJSON();
    expect(json).toMatchObject({ format: 'loom-ml/isotonic-calibrator', version: 1, ...calibrator.fittedPoints });
    const restored = IsotonicCalibrator.fromJSON(JSON.parse(JSON.stringify(json)));
    const scores = [0, 1, 1.5, 3, 4.2, 5, 10];
    expect(restored.predict(scores)).toEqual(calibrator.predict(scores));
    const load = (changes: object) => () => IsotonicCalibrator.fromJSON({ ...json, ...changes });
    expect(() => new IsotonicCalibrator().toJSON()).toThrow(/^Invalid value for `state` in IsotonicCalibrator.toJSON/);
    expect(load({ values: [0] })).toThrow(`Invalid value for \`values\` in IsotonicCalibrator.fromJSON. Expected ${json.scores.length} values (one per score). Received: '1 values'.`);
    expect(load({ scores: [1, 3, 2, 4, 5, 6].slice(0, json.scores.length) })).toThrow('Invalid value for `scores[2]` in IsotonicCalibrator.fromJSON. Expected a score >= scores[1] (3). Received: 2.');
    expect(load({ version: 0 })).toThrow('Invalid value for `version` in IsotonicCalibrator.fromJSON. Expected 1. Received: 0.');
  });
});
