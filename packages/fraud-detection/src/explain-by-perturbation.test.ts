import { describe, expect, it } from 'vitest';
import { explainByPerturbation, formatAttributions, IsolationForest, LogisticRegression, TabularEncoder, tabularBaseline } from './index.js';
import { seededRandom } from './random.js';

describe('explainByPerturbation', () => {
  it('gives w_i (x_i − b_i) for a linear score (hand-computed), largest first', () => {
    // f(x) = 2 x0 − 3 x1 + 1; row [1, 2] scores −3; with x0 = 0: −5, with x1 = 0: 3.
    const score = (rows: (readonly number[])[]) => rows.map(([a, b]) => 2 * a! - 3 * b! + 1);
    const explanation = explainByPerturbation(score, [1, 2], { baseline: [0, 0], features: ['amount', 'age'] });
    expect(explanation).toEqual({
      score: -3,
      attributions: [
        { feature: 'age', value: 2, baseline: 0, attribution: -6 },
        { feature: 'amount', value: 1, baseline: 0, attribution: 2 },
      ],
    });
  });

  it('scores the row and every perturbed row in one call, for object rows and a subset of columns', () => {
    const calls: unknown[][] = [];
    const score = (rows: Record<string, unknown>[]) => {
      calls.push(rows);
      return rows.map((r) => (r.grade === 'G' ? 0.5 : 0) + 0.01 * Number(r.rate));
    };
    const row = { grade: 'G', rate: 30, state: 'CA' };
    const { score: total, attributions } = explainByPerturbation(score, row, { baseline: { grade: 'B', rate: 10, state: 'NY' }, features: ['grade', 'rate'] });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual([row, { ...row, grade: 'B' }, { ...row, rate: 10 }]);
    expect(total).toBeCloseTo(0.8, 12);
    expect(attributions.map((a) => [a.feature, a.value, a.baseline])).toEqual([['grade', 'G', 'B'], ['rate', 30, 10]]);
    expect(attributions[0]!.attribution).toBeCloseTo(0.5, 12);
    expect(attributions[1]!.attribution).toBeCloseTo(0.2, 12);
  });

  it('awaits an async model', async () => {
    const score = async (rows: (readonly number[])[]) => rows.map(([a]) => 10 * a!);
    const explanation = await explainByPerturbation(score, [3], { baseline: [1] });
    expect(explanation).toEqual({ score: 30, attributions: [{ feature: 'x0', value: 3, baseline: 1, attribution: 20 }] });
  });

  it('explains a weighted logistic regression on raw rows: the pushed-up column comes first', async () => {
    const random = seededRandom(4);
    const rows = Array.from({ length: 600 }, () => ({ rate: 5 + 20 * random(), grade: random() < 0.5 ? 'A' : 'E' }));
    const labels = rows.map((r) => (random() < 1 / (1 + Math.exp(-(0.4 * (r.rate - 15) + (r.grade === 'E' ? 0.5 : -0.5)))) ? 1 : 0));
    const schema = { numeric: ['rate'], categorical: ['grade'] };
    const encoder = TabularEncoder.fit(rows, schema);
    const model = await LogisticRegression.fit(encoder.transform(rows), labels, { classWeight: 'balanced', epochs: 8, learningRate: 0.05, seed: 1 });
    const baseline = tabularBaseline(rows, schema);
    const scoreRows = (batch: Record<string, unknown>[]) => model.predictProba(encoder.transform(batch));
    const { score, attributions } = explainByPerturbation(scoreRows, { rate: 24, grade: 'E' }, { baseline });
    // The rate sits 9 points above the median (about 1.6 standard deviations) with a true log-odds
    // slope of 0.4 per point; the grade moves the log-odds by only 1.
    expect(attributions.map((a) => a.feature)).toEqual(['rate', 'grade']);
    expect(attributions[0]!.attribution).toBeGreaterThan(0);
    expect(score).toBeCloseTo(model.predictProba(encoder.transform([{ rate: 24, grade: 'E' }]))[0]!, 12);
  }, 30_000);

  it('explains an isolation forest: the outlying feature gets the largest positive attribution', () => {
    const random = seededRandom(8);
    const rows = Array.from({ length: 300 }, () => [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1]);
    const forest = new IsolationForest({ trees: 100, sampleSize: 128, seed: 1 }).fit(rows);
    const { attributions } = explainByPerturbation((batch) => forest.score(batch), [0.1, 7, -0.2], { baseline: [0, 0, 0], features: ['a', 'b', 'c'] });
    expect(attributions[0]!.feature).toBe('b');
    expect(attributions[0]!.attribution).toBeGreaterThan(0.05);
    expect(Math.abs(attributions[0]!.attribution)).toBeGreaterThan(5 * Math.abs(attributions[1]!.attribution));
  });

  it('names bad input', () => {
    const score = (rows: unknown[]) => rows.map(() => 1);
    expect(() => explainByPerturbation(score, [1, 2], { baseline: [0] })).toThrow("Invalid value for `baseline` in explainByPerturbation. Expected 2 values (one per feature of the row). Received: '1 values'.");
    expect(() => explainByPerturbation(score, { a: 1 }, { baseline: [0] })).toThrow('Invalid value for `baseline` in explainByPerturbation. Expected the same kind of row as `row` (an object). Received: [0].');
    expect(() => explainByPerturbation(score, { a: 1, b: 2 }, { baseline: { a: 0 }, features: ['a', 'b'] })).toThrow(
      'Invalid value for `baseline` in explainByPerturbation. Expected a value for every attributed column, including `b`. Received: {"a":0}.',
    );
    expect(() => explainByPerturbation(score, [1, 2], { baseline: [0, 0], features: ['a'] })).toThrow("Invalid value for `features` in explainByPerturbation. Expected 2 names (one per position of the row). Received: '1 names'.");
    expect(() => explainByPerturbation(() => [1], [1, 2], { baseline: [0, 0] })).toThrow(
      "Invalid value for `scoreRows` in explainByPerturbation. Expected a function returning 3 scores for 3 rows. Received: '1 scores'.",
    );
    expect(() => explainByPerturbation(() => [1, Number.NaN], [1], { baseline: [0] })).toThrow('explainByPerturbation: scoreRows returned NaN for the row with `x0` at its baseline; scores must be finite.');
  });
});

describe('formatAttributions', () => {
  it('writes one signed line, per feature or per column', () => {
    expect(formatAttributions([{ feature: 'int_rate', attribution: 0.2104 }, { feature: 'term', attribution: -0.05 }])).toBe('int_rate +0.21, term -0.05');
    expect(formatAttributions([{ column: 'sub_grade', attribution: 0.1234 }], { digits: 3 })).toBe('sub_grade +0.123');
  });
});
