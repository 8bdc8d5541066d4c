import * as tf from '@tensorflow/tfjs-core';
import { dense, input, model as functional, sequential, concatenate } from '@loom-ml/layers';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { ExplainError, integratedGradients, quadrature, saliency, smoothGrad } from './index.js';

const w = [0.8, -1.5, 2.0, 0.25];
const c = 0.3;
const a = [1.5, -0.5, 2, 0.75];
// f(x) = w·x + c and q(x) = Σ a_i x_i², written directly in tfjs, one score per row.
const linear = (x: tf.Tensor) => tf.add(tf.reshape(tf.matMul(x as tf.Tensor2D, tf.tensor2d(w, [4, 1])), [-1]), c);
const quadratic = (x: tf.Tensor) => tf.sum(tf.mul(tf.square(x), tf.tensor1d(a)), 1);
const rows = [
  [2, -1, 1.5, 0.5],
  [0.5, 0.5, -0.5, -2],
  [-1, 3, 0, 1],
];
const base = [0.2, 0.1, -0.3, 0];

describe('saliency', () => {
  it('is w for a linear model and 2 a x for a quadratic one; gradient x input multiplies by x (float32: 1e-5)', () => {
    const x = tf.tensor2d(rows);
    const result = expectNoLeakedTensors(() => ({
      linear: saliency(linear, x),
      quadratic: saliency(quadratic, x, { method: 'gradient' }),
      times: saliency(quadratic, x, { method: 'gradient-x-input', batchSize: 2 }),
    }));
    rows.forEach((row, r) => {
      row.forEach((v, i) => {
        expect(Math.abs(result.linear.attributions[0]!.row(r)[i]! - w[i]!)).toBeLessThan(1e-5);
        expect(Math.abs(result.quadratic.attributions[0]!.row(r)[i]! - 2 * a[i]! * v)).toBeLessThan(1e-5);
        expect(Math.abs(result.times.attributions[0]!.row(r)[i]! - 2 * a[i]! * v * v)).toBeLessThan(1e-5);
      });
      expect(Math.abs(result.linear.scores[r]! - (row.reduce((s, v, i) => s + v * w[i]!, 0) + c))).toBeLessThan(1e-5);
    });
    expect(result.linear.attributions[0]!.shape).toEqual([3, 4]);
    x.dispose();
  });
});

describe('integratedGradients', () => {
  it('is w (x − b) for a linear model and a (x² − b²) for a quadratic one, exactly with the trapezoid rule (1e-5)', () => {
    const x = tf.tensor2d(rows);
    const b = tf.tensor1d(base);
    for (const steps of [1, 3, 16]) {
      const lin = expectNoLeakedTensors(() => integratedGradients(linear, x, { baseline: b, steps }));
      const quad = expectNoLeakedTensors(() => integratedGradients(quadratic, x, { baseline: b, steps, batchSize: 5 }));
      rows.forEach((row, r) => {
        row.forEach((v, i) => {
          expect(Math.abs(lin.attributions[0]!.row(r)[i]! - w[i]! * (v - base[i]!))).toBeLessThan(1e-5);
          // The gradient 2a(b + α(x − b)) is linear in α: the trapezoid rule integrates it exactly.
          expect(Math.abs(quad.attributions[0]!.row(r)[i]! - a[i]! * (v * v - base[i]! ** 2))).toBeLessThan(1e-4);
        });
        expect(Math.abs(lin.completenessGap[r]!)).toBeLessThan(1e-5);
        expect(Math.abs(quad.completenessGap[r]!)).toBeLessThan(1e-4);
      });
    }
    tf.dispose([x, b]);
  });

  it('has the closed-form error of the right Riemann rule on a quadratic: a (x − b)² / steps', () => {
    // Σ_k (1/S) 2a(b + (k/S)(x − b))(x − b) = a(x² − b²) + a(x − b)²/S for k = 1..S.
    const x = tf.tensor2d(rows);
    const b = tf.tensor1d(base);
    const steps = 8;
    const result = expectNoLeakedTensors(() => integratedGradients(quadratic, x, { baseline: b, steps, method: 'riemann-right' }));
    const middle = integratedGradients(quadratic, x, { baseline: b, steps, method: 'riemann-middle' });
    const left = integratedGradients(quadratic, x, { baseline: b, steps, method: 'riemann-left' });
    rows.forEach((row, r) =>
      row.forEach((v, i) => {
        const exact = a[i]! * (v * v - base[i]! ** 2);
        const error = (a[i]! * (v - base[i]!) ** 2) / steps;
        expect(Math.abs(result.attributions[0]!.row(r)[i]! - (exact + error))).toBeLessThan(1e-4);
        expect(Math.abs(left.attributions[0]!.row(r)[i]! - (exact - error))).toBeLessThan(1e-4);
        expect(Math.abs(middle.attributions[0]!.row(r)[i]! - exact)).toBeLessThan(1e-4);
      }),
    );
    tf.dispose([x, b]);
  });

  it('keeps completeness on a Sequential tanh network: |gap| < 1e-3 at 64 trapezoid steps, shrinking with more steps', () => {
    const net = sequential([dense({ units: 16, activation: 'tanh', inputShape: [4], kernelInitializer: { name: 'glorotUniform', seed: 1 } }), dense({ units: 1, kernelInitializer: { name: 'glorotUniform', seed: 2 } })]);
    const x = tf.tensor2d(rows.map((row) => row.map((v) => 2 * v)));
    const coarse = expectNoLeakedTensors(() => integratedGradients(net, x, { steps: 2 }));
    const fine = expectNoLeakedTensors(() => integratedGradients(net, x, { steps: 64 }));
    fine.completenessGap.forEach((gap, r) => {
      expect(Math.abs(gap)).toBeLessThan(1e-3);
      expect(Math.abs(fine.scores[r]! - fine.baselineScores[r]!)).toBeGreaterThan(1e-2);
    });
    expect(Math.max(...coarse.completenessGap.map(Math.abs))).toBeGreaterThan(10 * Math.max(...fine.completenessGap.map(Math.abs)));
    net.dispose();
    x.dispose();
  });

  it('explains a functional model with two inputs: attributions per input, completeness over both', () => {
    const left = input({ shape: [3], name: 'left' });
    const right = input({ shape: [2], name: 'right' });
    const joined = concatenate().connect([dense({ units: 8, activation: 'tanh', kernelInitializer: { name: 'glorotUniform', seed: 3 } }).connect(left), right]);
    const twoInputs = functional({ inputs: [left, right], outputs: dense({ units: 1, activation: 'sigmoid', kernelInitializer: { name: 'glorotUniform', seed: 4 } }).connect(joined) });
    const xs = [tf.tensor2d([[1, -2, 0.5], [0, 1, 1]]), tf.tensor2d([[0.3, -1], [2, 0.5]])];
    const rightBaseline = tf.tensor1d([1, 1]);
    const result = expectNoLeakedTensors(() => integratedGradients(twoInputs, xs, { baseline: [0, rightBaseline], steps: 64 }));
    expect(result.attributions.map((t) => t.shape)).toEqual([[2, 3], [2, 2]]);
    result.completenessGap.forEach((gap) => expect(Math.abs(gap)).toBeLessThan(1e-4));
    const total = result.attributions[0]!.rowSums().map((s, r) => s + result.attributions[1]!.rowSums()[r]!);
    total.forEach((s, r) => expect(Math.abs(s - (result.scores[r]! - result.baselineScores[r]!))).toBeLessThan(1e-4));
    twoInputs.dispose();
    tf.dispose([...xs, rightBaseline]);
  });

  it('explains the predicted class of a softmax model, or the class asked for', () => {
    const weights = tf.tensor2d([[1, -1, 0], [0, 2, -1]]);
    const softmaxLinear = (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, weights);
    const x = tf.tensor2d([[3, 0], [0, 1], [-1, -1]]);
    const predicted = expectNoLeakedTensors(() => integratedGradients(softmaxLinear, x, { steps: 1 }));
    expect(predicted.targets).toEqual([0, 1, 2]);
    // Logits are linear: the attribution of class k is W[:, k] x exactly.
    expect(Array.from(predicted.attributions[0]!.row(0))).toEqual([3, 0]);
    expect(Array.from(predicted.attributions[0]!.row(1))).toEqual([-0, 2]);
    const asked = integratedGradients(softmaxLinear, x, { steps: 1, target: [2, 2, 0] });
    expect(asked.targets).toEqual([2, 2, 0]);
    expect(Array.from(asked.attributions[0]!.row(1))).toEqual([0, -1]);
    tf.dispose([weights, x]);
  });

  it('gives the same attributions whatever the batch size (1e-6)', () => {
    const x = tf.tensor2d(rows);
    const one = integratedGradients(quadratic, x, { steps: 10, batchSize: 1 });
    const many = integratedGradients(quadratic, x, { steps: 10, batchSize: 1000 });
    one.attributions[0]!.data.forEach((v, k) => expect(Math.abs(v - many.attributions[0]!.data[k]!)).toBeLessThan(1e-6));
    x.dispose();
  });

  it('names bad options and leaves no tensor behind when it throws', () => {
    const x = tf.tensor2d(rows);
    const short = tf.tensor1d([1, 2]);
    const ids = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
    expectNoLeakedTensors(() => {
      expect(() => integratedGradients(linear, x, { steps: 0 })).toThrow('Invalid value for `steps` in integratedGradients. Expected an integer from 1 to 100000. Received: 0.');
      expect(() => integratedGradients(linear, x, { method: 'simpson' as never })).toThrow("Invalid value for `method` in integratedGradients. Expected 'trapezoid', 'riemann-right', 'riemann-left' or 'riemann-middle'. Received: 'simpson'.");
      expect(() => integratedGradients(linear, x, { baseline: short })).toThrow("Invalid value for `baseline` in integratedGradients. Expected shape [4] (one example) or [3, 4] (one per row). Received: 'shape [2]'.");
      expect(() => integratedGradients((t: tf.Tensor) => tf.sum(t), x)).toThrow("Invalid value for `model` in integratedGradients. Expected a model returning one output row per input row (batch 3 first). Received: 'an output of shape []'.");
      expect(() => integratedGradients(linear, x, { target: 2 })).toThrow('Invalid value for `target` in integratedGradients. Expected 0 (the output has one column). Received: 2.');
      expect(() => integratedGradients(linear, ids)).toThrow('Invalid value for `inputs` in integratedGradients. Expected float32 values (ids are not differentiable: use embeddingAttributions for token ids). Received: \'dtype int32\'.');
      expect(() => integratedGradients(linear, x, { baseline: Number.NaN })).toThrow(ExplainError);
    });
    tf.dispose([x, short, ids]);
  });

  it('has the quadrature weights it documents', () => {
    expect(Array.from(quadrature(2, 'trapezoid').alphas)).toEqual([0, 0.5, 1]);
    expect(Array.from(quadrature(2, 'trapezoid').weights)).toEqual([0.25, 0.5, 0.25]);
    expect(Array.from(quadrature(4, 'riemann-middle').alphas)).toEqual([0.125, 0.375, 0.625, 0.875]);
  });
});

describe('smoothGrad', () => {
  it('is exactly w for a linear model whatever the noise', () => {
    const x = tf.tensor2d(rows);
    const result = expectNoLeakedTensors(() => smoothGrad(linear, x, { samples: 8, noiseLevel: 0.5, seed: 3 }));
    rows.forEach((_, r) => result.attributions[0]!.row(r).forEach((v, i) => expect(Math.abs(v - w[i]!)).toBeLessThan(1e-5)));
    x.dispose();
  });

  it('averages 2 a (x + ε) to 2 a x on a quadratic within 4 standard errors (2|a|σ/√samples), and repeats with its seed', () => {
    const x = tf.tensor2d(rows);
    const samples = 400;
    const result = expectNoLeakedTensors(() => smoothGrad(quadratic, x, { samples, stddev: 0.3, seed: 7, batchSize: 97 }));
    rows.forEach((row, r) =>
      row.forEach((v, i) => {
        const standardError = (2 * Math.abs(a[i]!) * 0.3) / Math.sqrt(samples);
        expect(Math.abs(result.attributions[0]!.row(r)[i]! - 2 * a[i]! * v)).toBeLessThan(4 * standardError);
      }),
    );
    const again = smoothGrad(quadratic, x, { samples, stddev: 0.3, seed: 7 });
    expect(Array.from(again.attributions[0]!.data)).toEqual(Array.from(result.attributions[0]!.data));
    const other = smoothGrad(quadratic, x, { samples, stddev: 0.3, seed: 8 });
    expect(Array.from(other.attributions[0]!.data)).not.toEqual(Array.from(result.attributions[0]!.data));
    x.dispose();
  });

  it('scales the noise to each row’s range by default', () => {
    const x = tf.tensor2d([[0, 1, 2, 3], [5, 5, 5, 5]]);
    const { stddevs } = smoothGrad(linear, x, { samples: 2, noiseLevel: 0.1 });
    expect(stddevs[0]![0]).toBeCloseTo(0.3, 10);
    expect(stddevs[1]![0]).toBe(0);
    expect(() => smoothGrad(linear, x, { samples: 0 })).toThrow('Invalid value for `samples` in smoothGrad. Expected an integer from 1 to 100000. Received: 0.');
    x.dispose();
  });
});
