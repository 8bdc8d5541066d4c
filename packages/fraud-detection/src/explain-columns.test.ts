import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { attributionsByColumn, formatAttributions, integratedGradients, TabularEncoder, tabularBaseline } from './index.js';

const rows = [
  { income: 10, grade: 'A' },
  { income: 30, grade: 'B' },
  { income: '', grade: 'A' },
];
const schema = { numeric: ['income'], categorical: ['grade'] };

describe('attributionsByColumn', () => {
  it('sums a numeric column with its missing flag and a categorical column over its one-hot slots', () => {
    const encoder = TabularEncoder.fit(rows, schema);
    // featureNames: income, income_missing, grade=A, grade=B, grade=<other>
    const result = attributionsByColumn(encoder, [0.1, 0.05, 0.2, -0.1, 0.3]);
    expect(result.map((r) => r.column)).toEqual(['grade', 'income']);
    expect(result[0]!.attribution).toBeCloseTo(0.4, 12);
    expect(result[1]!.attribution).toBeCloseTo(0.15, 12);
  });

  it('maps by the schema, so odd column names still land on their column', () => {
    const odd = [{ 'a=b': 1, x_missing: 2, x: 3, 'c=d': 'e' }, { 'a=b': 2, x_missing: 1, x: 1, 'c=d': 'f' }];
    const encoder = TabularEncoder.fit(odd, { numeric: ['a=b', 'x_missing', 'x'], categorical: ['c=d'] });
    expect(encoder.featureNames).toEqual(['a=b', 'x_missing', 'x', 'c=d=e', 'c=d=f', 'c=d=<other>']);
    const result = attributionsByColumn(encoder, [1, 2, 4, 0.5, 0.25, 0.125]);
    expect(Object.fromEntries(result.map((r) => [r.column, r.attribution]))).toEqual({ 'a=b': 1, x_missing: 2, x: 4, 'c=d': 0.875 });
  });

  it('keeps completeness when integrated gradients of encoded features are summed per column', () => {
    const encoder = TabularEncoder.fit(rows, schema);
    const weights = tf.tensor2d([0.7, 0.4, -0.2, 0.9, 1.5], [5, 1]);
    const score = (x: tf.Tensor2D) => tf.sigmoid(tf.reshape(tf.matMul(x, weights), [-1])) as tf.Tensor1D;
    const baseline = encoder.transform([tabularBaseline(rows, schema)])[0]!;
    const result = expectNoLeakedTensors(() => integratedGradients(score, encoder.transform([{ income: 50, grade: 'B' }]), { baseline, steps: 64 }));
    const columns = attributionsByColumn(encoder, result.attributions[0]!);
    const total = columns.reduce((sum, c) => sum + c.attribution, 0);
    // The trapezoid rule at 64 steps with |Δz| < 3: error < 27 / (96 · 64²) < 1e-4.
    expect(Math.abs(total - (result.scores[0]! - result.baselineScores[0]!))).toBeLessThan(1e-4);
    expect(formatAttributions(columns)).toMatch(/^(income|grade) [+-]\d\.\d\d, (income|grade) [+-]\d\.\d\d$/);
    weights.dispose();
  });

  it('names a wrong number of attributions', () => {
    const encoder = TabularEncoder.fit(rows, schema);
    expect(() => attributionsByColumn(encoder, [1, 2])).toThrow("Invalid value for `attributions` in attributionsByColumn. Expected 5 values (one per encoded feature). Received: '2 values'.");
    expect(() => attributionsByColumn(encoder, [1, 2, Number.NaN, 0, 0])).toThrow("Invalid value for `attributions` in attributionsByColumn. Expected finite numbers. Received: 'NaN at index 2 (grade=A)'.");
  });
});
