import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { integratedGradients, LogisticRegression, MlpClassifier } from './index.js';
import { seededRandom } from './random.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

// A logistic model f(x) = σ(w·x + c) written directly in tfjs.
const w = [0.8, -1.5, 2.0];
const c = 0.3;
const logistic = (x: tf.Tensor2D) => tf.sigmoid(tf.add(tf.reshape(tf.matMul(x, tf.tensor2d(w, [3, 1])), [-1]), c)) as tf.Tensor1D;
const linear = (x: tf.Tensor2D) => tf.add(tf.reshape(tf.matMul(x, tf.tensor2d(w, [3, 1])), [-1]), c) as tf.Tensor1D;
const x = [
  [2, -1, 1.5],
  [0.5, 0.5, -0.5],
];
const baseline = [0.2, 0.1, -0.3];

describe('integratedGradients', () => {
  it('is exactly w_i (x_i − b_i) for a linear model, at any number of steps', () => {
    for (const steps of [1, 7]) {
      const result = expectNoLeakedTensors(() => integratedGradients(linear, x, { baseline, steps }));
      x.forEach((row, r) => {
        // float32 arithmetic: 1e-5 absolute.
        row.forEach((v, i) => expect(Math.abs(result.attributions[r]![i]! - w[i]! * (v - baseline[i]!))).toBeLessThan(1e-5));
        expect(Math.abs(result.scores[r]! - (dot(w, row) + c))).toBeLessThan(1e-5);
        expect(Math.abs(result.completenessGap[r]!)).toBeLessThan(1e-5);
      });
    }
  });

  it('matches the closed form for a logistic model within the stated quadrature error', () => {
    // Along the path z(α) = z_b + α Δz with Δz = w·(x − b), so the path integral is exact:
    //   IG_i = w_i Δx_i (σ(z_x) − σ(z_b)) / Δz.
    // Trapezoid error on ∫₀¹ σ'(z(α)) dα is at most max|σ'''| Δz² / (12 m²) = Δz² / (96 m²) (|σ'''| ≤ 1/8);
    // right Riemann error is at most max|σ''| |Δz| / (2m), max|σ''| = 1/(6√3).
    // Completeness gap bounds: multiply by |Δz| (Σ w_i Δx_i = Δz). Plus 1e-5 for float32.
    for (const [method, steps] of [['trapezoid', 16], ['riemann-right', 64]] as const) {
      const result = expectNoLeakedTensors(() => integratedGradients(logistic, x, { baseline, steps, method }));
      x.forEach((row, r) => {
        const delta = row.map((v, i) => v - baseline[i]!);
        const dz = dot(w, delta);
        const zx = dot(w, row) + c;
        const zb = dot(w, baseline) + c;
        const meanSlope = (sigmoid(zx) - sigmoid(zb)) / dz;
        const slopeError = method === 'trapezoid' ? dz ** 2 / (96 * steps ** 2) : (Math.abs(dz) / (6 * Math.sqrt(3))) / (2 * steps);
        delta.forEach((d, i) => {
          const expected = w[i]! * d * meanSlope;
          expect(Math.abs(result.attributions[r]![i]! - expected)).toBeLessThanOrEqual(Math.abs(w[i]! * d) * slopeError + 1e-5);
        });
        expect(Math.abs(result.scores[r]! - sigmoid(zx))).toBeLessThan(1e-6);
        expect(Math.abs(result.baselineScores[r]! - sigmoid(zb))).toBeLessThan(1e-6);
        expect(Math.abs(result.completenessGap[r]!)).toBeLessThanOrEqual(Math.abs(dz) * slopeError + 1e-5);
      });
    }
    // The first row has Δz = 6.69: a visible error at 4 steps that more steps remove.
    const coarse = integratedGradients(logistic, x, { baseline, steps: 4 }).completenessGap[0]!;
    const fine = integratedGradients(logistic, x, { baseline, steps: 64 }).completenessGap[0]!;
    expect(Math.abs(coarse)).toBeGreaterThan(1e-3);
    expect(Math.abs(fine)).toBeLessThan(Math.abs(coarse) / 50);
  });

  it('agrees with a float64 reference for a tanh network (analytic gradient, 4,000-step midpoint rule)', () => {
    const hidden = [
      [0.9, -0.4, 0.3],
      [-0.7, 0.8, 0.5],
      [0.2, 0.6, -1.1],
      [1.3, 0.1, 0.4],
    ];
    const bias = [0.1, -0.2, 0.05, 0];
    const out = [1.2, -0.8, 0.6, 0.9];
    const network = (input: tf.Tensor2D) => tf.reshape(tf.matMul(tf.tanh(tf.add(tf.matMul(input, tf.transpose(tf.tensor2d(hidden))), bias)), tf.tensor2d(out, [4, 1])), [-1]) as tf.Tensor1D;
    const gradientAt = (point: number[]) => {
      const local = hidden.map((row, j) => out[j]! * (1 - Math.tanh(dot(row, point) + bias[j]!) ** 2));
      return point.map((_, i) => hidden.reduce((sum, row, j) => sum + local[j]! * row[i]!, 0));
    };
    const result = expectNoLeakedTensors(() => integratedGradients(network, x, { baseline, steps: 100 }));
    const nodes = 4000;
    x.forEach((row, r) => {
      const reference = row.map(() => 0);
      for (let k = 0; k < nodes; k++) {
        const alpha = (k + 0.5) / nodes;
        gradientAt(row.map((v, i) => baseline[i]! + alpha * (v - baseline[i]!))).forEach((g, i) => (reference[i]! += g / nodes));
      }
      // Trapezoid at 100 steps on a smooth path with |g''| of order 10: error ≲ 10 / (12 · 100²) ≈ 1e-4.
      row.forEach((v, i) => expect(Math.abs(result.attributions[r]![i]! - reference[i]! * (v - baseline[i]!))).toBeLessThan(2e-4));
      expect(Math.abs(result.completenessGap[r]!)).toBeLessThan(2e-4);
    });
  });

  it('explains the package models through their scoreTensor: LogisticRegression matches its closed form, MlpClassifier keeps completeness', async () => {
    const random = seededRandom(11);
    const features = Array.from({ length: 400 }, () => [random() * 4 - 2, random() * 4 - 2, random() * 4 - 2]);
    const labels = features.map(([a, b]) => (a! - b! + random() - 0.5 > 0.5 ? 1 : 0));
    const rows = features.slice(0, 3);
    const zero = [0, 0, 0];
    const logistic = await LogisticRegression.fit(features, labels, { epochs: 5, seed: 1 });
    const fromModel = expectNoLeakedTensors(() => integratedGradients((input) => logistic.scoreTensor(input), rows, { baseline: zero, steps: 32 }));
    const weights = Array.from(logistic.weights);
    rows.forEach((row, r) => {
      const dz = dot(weights, row);
      const meanSlope = (sigmoid(dz + logistic.bias) - sigmoid(logistic.bias)) / dz;
      // Same trapezoid bound as above, plus 1e-5 for float32.
      row.forEach((v, i) => expect(Math.abs(fromModel.attributions[r]![i]! - weights[i]! * v * meanSlope)).toBeLessThanOrEqual(Math.abs(weights[i]! * v) * (dz ** 2 / (96 * 32 ** 2)) + 1e-5));
    });
    const mlp = await MlpClassifier.fit(features, labels, { hiddenUnits: [8], epochs: 3, seed: 1 });
    const fromMlp = expectNoLeakedTensors(() => integratedGradients((input) => mlp.scoreTensor(input), rows, { baseline: zero, steps: 128 }));
    // A smooth network: the trapezoid gap at 128 steps is far below the scores' scale.
    for (const gap of fromMlp.completenessGap) expect(Math.abs(gap)).toBeLessThan(1e-3);
    mlp.dispose();
  }, 30_000);

  it('takes tensors, a per-row baseline, and leaves the caller’s tensors alone', () => {
    const input = tf.tensor2d(x);
    const perRow = tf.tensor2d([baseline, [0, 0, 0]]);
    const result = expectNoLeakedTensors(() => integratedGradients(linear, input, { baseline: perRow, steps: 2 }));
    expect(input.isDisposed || perRow.isDisposed).toBe(false);
    expect(result.attributions[1]!.map((v) => Number(v.toFixed(5)))).toEqual(x[1]!.map((v, i) => Number((w[i]! * v).toFixed(5))));
    tf.dispose([input, perRow]);
  });

  it('names bad input and leaks nothing when it throws', () => {
    const badShape = (input: tf.Tensor2D) => tf.matMul(input, tf.ones([3, 1])) as unknown as tf.Tensor1D;
    expectNoLeakedTensors(() => {
      expect(() => integratedGradients(badShape, x, { baseline })).toThrow(
        "Invalid value for `scoreTensor` in integratedGradients. Expected a function returning one score per row (shape [2]). Received: 'shape [2, 1]'.",
      );
      expect(() => integratedGradients(linear, x, { baseline: [0, 0] })).toThrow("Invalid value for `baseline` in integratedGradients. Expected one row of 3 values or 2 rows of 3. Received: 'shape [1, 2]'.");
      expect(() => integratedGradients(linear, [[1, Number.NaN, 0]], { baseline })).toThrow("Invalid value for `x` in integratedGradients. Expected finite numbers. Received: 'NaN at row 0, feature 1'.");
    });
    expect(() => integratedGradients(linear, x, { baseline, steps: 0 })).toThrow('Invalid value for `steps` in integratedGradients. Expected a positive integer. Received: 0.');
    expect(() => integratedGradients(linear, x, { baseline, method: 'simpson' as never })).toThrow("Invalid value for `method` in integratedGradients. Expected 'trapezoid' or 'riemann-right'. Received: 'simpson'.");
  });
});
