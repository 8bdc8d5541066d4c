import { describe, expect, it } from 'vitest';
import { classificationReport, coverageAt, coverageCurve, fitTemperature, negativeLogLikelihood, pickThreshold, softmaxRows, topLabelEce } from './evaluation.js';
import { seededRandom } from '@loom-ml/core';

/** @loom-ml/core's seeded generator (mulberry32), so the synthetic logits are the same every run. */
const random = seededRandom;

describe('temperature scaling', () => {
  // Over-confident logits: the right class gets a large margin only 70% of the time.
  const classes = 5;
  const n = 2000;
  const next = random(1);
  const labels = Array.from({ length: n }, () => Math.floor(next() * classes));
  const logits = new Float32Array(n * classes);
  labels.forEach((label, i) => {
    for (let c = 0; c < classes; c++) logits[i * classes + c] = 4 * next();
    const top = next() < 0.7 ? label : (label + 1) % classes;
    logits[i * classes + top]! += 8;
  });

  it('finds the NLL minimum that a fine grid search finds (within 1%)', () => {
    const t = fitTemperature(logits, labels, classes);
    let best = 0;
    let bestNll = Infinity;
    for (let k = 0; k <= 4000; k++) {
      const candidate = 0.05 * Math.exp((k / 4000) * Math.log(400)); // 0.05 .. 20, log-spaced
      const nll = negativeLogLikelihood(logits, labels, classes, candidate);
      if (nll < bestNll) [best, bestNll] = [candidate, nll];
    }
    expect(Math.abs(t - best) / best).toBeLessThan(0.01);
    expect(t).toBeGreaterThan(1); // softens the over-confident model
  });

  it('lowers the ECE of an over-confident model and keeps the argmax', () => {
    const t = fitTemperature(logits, labels, classes);
    const before = topLabelEce(softmaxRows(logits, classes), labels, classes);
    const after = topLabelEce(softmaxRows(logits, classes, t), labels, classes);
    expect(before).toBeGreaterThan(0.2);
    expect(after).toBeLessThan(before / 3);
  });

  it('computes the ECE by hand on a tiny case', () => {
    // Two queries with confidence 0.9 (one right), two with 0.6 (both right); 10 bins:
    // |0.5 - 0.9| * 2/4 + |1 - 0.6| * 2/4 = 0.4.
    const probabilities = Float32Array.from([0.9, 0.1, 0.9, 0.1, 0.6, 0.4, 0.4, 0.6]);
    expect(topLabelEce(probabilities, [0, 1, 0, 1], 2, 10)).toBeCloseTo(0.4, 6);
  });
});

describe('coverage and threshold', () => {
  const confidence = [0.99, 0.95, 0.9, 0.9, 0.8, 0.5];
  const correct = [true, true, true, false, true, false];

  it('walks from the most confident query down, answering ties together', () => {
    expect(coverageCurve(confidence, correct)).toEqual([
      { threshold: 0.99, coverage: 1 / 6, accuracy: 1 },
      { threshold: 0.95, coverage: 2 / 6, accuracy: 1 },
      { threshold: 0.9, coverage: 4 / 6, accuracy: 3 / 4 },
      { threshold: 0.8, coverage: 5 / 6, accuracy: 4 / 5 },
      { threshold: 0.5, coverage: 1, accuracy: 4 / 6 },
    ]);
  });

  it('picks the lowest threshold that reaches the target, or hands everything off', () => {
    expect(pickThreshold(confidence, correct, 0.8)).toBe(0.8);
    expect(pickThreshold(confidence, correct, 0.97)).toBe(0.95);
    expect(pickThreshold([0.9], [false], 0.97)).toBeGreaterThan(1);
    expect(coverageAt(confidence, correct, 0.95)).toEqual({ coverage: 2 / 6, accuracy: 1, answered: 2 });
  });
});

describe('classificationReport', () => {
  it('matches accuracy, macro-F1 and per-intent F1 computed by hand', () => {
    // Intent a: tp 2, fp 1, fn 0 -> F1 0.8; b: tp 1, fp 0, fn 1 -> 2/3; c: tp 1, fp 0, fn 0 -> 1.
    const report = classificationReport([0, 0, 0, 1, 2], [0, 0, 1, 1, 2], ['a', 'b', 'c'], 2);
    expect(report.accuracy).toBeCloseTo(4 / 5, 12);
    expect(report.macroF1).toBeCloseTo((0.8 + 2 / 3 + 1) / 3, 12);
    expect(report.worst.map((w) => [w.intent, Number(w.f1.toFixed(6))])).toEqual([
      ['b', 0.666667],
      ['a', 0.8],
    ]);
  });
});
