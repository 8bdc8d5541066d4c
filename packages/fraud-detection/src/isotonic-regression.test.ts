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

  it('averages tied scores before pooling, as scikit-learn does, whatever the row order', () => {
    // Hand computation (sklearn's "secondary" tie rule): the two rows at 0.3 become one point of
    // weight 2 at (0 + 1) / 2 = 0.5; 0.4 < 0.5 violates nothing, so f = [0.4, 0.5, 0.5].
    // Before the fix this gave [0.4667, 0.4667, 0.4667], and [0.4, 0.5, 0.5] with the rows reordered.
    const expected = [0.4, 0.5, 0.5];
    for (const [scores, targets] of [
      [[0.1, 0.3, 0.3], [0.4, 0, 1]],
      [[0.1, 0.3, 0.3], [0.4, 1, 0]],
      [[0.3, 0.1, 0.3], [1, 0.4, 0]],
    ] as const) {
      const predicted = new IsotonicCalibrator().fit(scores, targets).predict([0.1, 0.3, 0.3]);
      predicted.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
    }
    // scikit-learn's own regression test for ties (issue 9432; R isotone gpava ties="secondary"):
    // x = [0, 1, 1, 2, 3, 4], y = [0, 0, 1, 0, 0, 1] gives [0, 0.25, 0.25, 0.25, 0.25, 1]. By hand:
    // points (0, 0), (1, 0.5 w2), (2, 0), (3, 0), (4, 1); pooling 0.5, 0, 0 gives (1 + 0 + 0) / 4 = 0.25.
    const x = [0, 1, 1, 2, 3, 4];
    const y = [0, 0, 1, 0, 0, 1];
    const reference = [0, 0.25, 0.25, 0.25, 0.25, 1];
    new IsotonicCalibrator().fit(x, y).predict(x).forEach((v, i) => expect(v).toBeCloseTo(reference[i]!, 12));
  });

  it('gives bit-identical fits for every order of rows with many ties (seeded shuffles)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const scores = Array.from({ length: 60 }, () => Math.floor(random() * 8) / 8);
    const targets = scores.map((s) => (random() < s ? 1 : 0));
    const weights = scores.map(() => 1 + Math.floor(random() * 3));
    const reference = new IsotonicCalibrator().fit(scores, targets, weights).fittedPoints;
    for (let round = 0; round < 10; round++) {
      const order = scores.map((_, i) => i).sort(() => random() - 0.5);
      const fitted = new IsotonicCalibrator().fit(order.map((i) => scores[i]!), order.map((i) => targets[i]!), order.map((i) => weights[i]!)).fittedPoints;
      expect(fitted).toEqual(reference);
    }
  });

  it('weights rows, ignores rows of weight 0 and names bad weights and targets', () => {
    // (1, 1, w3) and (2, 0, w1) violate: pooled to (3·1 + 1·0) / 4 = 0.75; the weight-0 row at 3 is dropped.
    const calibrator = new IsotonicCalibrator().fit([1, 2, 3], [1, 0, 0], [3, 1, 0]);
    expect(calibrator.fittedPoints).toEqual({ scores: [1, 2], values: [0.75, 0.75] });
    expect(() => new IsotonicCalibrator().fit([1, 2], [0, 1], [1, -1])).toThrow(
      'Invalid value for `weights[1]` in IsotonicCalibrator.fit. Expected a finite number >= 0. Received: -1.',
    );
    expect(() => new IsotonicCalibrator().fit([1, 2], [0, Number.NaN])).toThrow(
      'Invalid value for `targets[1]` in IsotonicCalibrator.fit. Expected a finite number. Received: NaN.',
    );
    expect(() => new IsotonicCalibrator().fit([1, 2], [0, 1], [0, 0])).toThrow(
      "Invalid value for `weights` in IsotonicCalibrator.fit. Expected at least one weight above 0. Received: 'all 0'.",
    );
    expect(() => new IsotonicCalibrator().fit([1, 2], [0, 1], [1])).toThrow(
      'Invalid value for `weights` in IsotonicCalibrator.fit. Expected an array as long as scores (2). Received: 1.',
    );
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
