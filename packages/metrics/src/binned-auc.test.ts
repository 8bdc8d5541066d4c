import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { averagePrecision, BinnedAuc, rocAuc } from './index.js';

describe('BinnedAuc (constant-memory streaming AUC)', () => {
  it('equals the exact metrics when scores sit on distinct bins (sklearn example)', () => {
    // With 10 bins, 0.1, 0.4, 0.35, 0.8 fall in bins 1, 4, 3, 8: order preserved, so exact.
    const roc = new BinnedAuc({ numBins: 10 });
    const pr = new BinnedAuc({ numBins: 10, curve: 'pr' });
    for (const [y, s] of [[[0, 0], [0.1, 0.4]], [[1, 1], [0.35, 0.8]]] as const) {
      const labels = tf.tensor1d([...y]);
      const scores = tf.tensor1d([...s]);
      roc.update(labels, scores);
      pr.update(labels, scores);
      tf.dispose([labels, scores]);
    }
    expect(roc.result()).toBeCloseTo(0.75, 12);
    expect(pr.result()).toBeCloseTo(5 / 6, 12);
  });

  it('treats scores in one bin as tied (the documented approximation)', () => {
    // 2 bins: 0.6 and 0.9 share bin 1, so the positive at 0.9 ties the negative at 0.6.
    // Exact AUC: 1. Binned: pairs (0.9 vs 0.6) tie -> 0.5, (0.9 vs 0.1) -> 1 => 1.5 / 2.
    const metric = new BinnedAuc({ numBins: 2 });
    const labels = tf.tensor1d([1, 0, 0]);
    const scores = tf.tensor1d([0.9, 0.6, 0.1]);
    metric.update(labels, scores);
    expect(rocAuc([1, 0, 0], [0.9, 0.6, 0.1])).toBe(1);
    expect(metric.result()).toBeCloseTo(0.75, 12);
    tf.dispose([labels, scores]);
  });

  it('integer sample weights equal repeating samples', () => {
    const labels = [1, 0, 1, 0, 1];
    const scores = [0.55, 0.45, 0.25, 0.15, 0.95];
    const weights = [2, 1, 3, 2, 1];
    const repeatedLabels = labels.flatMap((y, i) => new Array<number>(weights[i]!).fill(y));
    const repeatedScores = scores.flatMap((s, i) => new Array<number>(weights[i]!).fill(s));
    for (const curve of ['roc', 'pr'] as const) {
      const metric = new BinnedAuc({ curve, numBins: 20 });
      const y = tf.tensor1d(labels);
      const s = tf.tensor1d(scores);
      const w = tf.tensor1d(weights);
      metric.update(y, s, w);
      tf.dispose([y, s, w]);
      const exact = curve === 'roc' ? rocAuc(repeatedLabels, repeatedScores) : averagePrecision(repeatedLabels, repeatedScores);
      expect(metric.result()).toBeCloseTo(exact, 12);
    }
  });

  it('is NaN for one class, keeps no tensors, and names bad input', () => {
    const metric = new BinnedAuc();
    const y = tf.tensor1d([0, 0]);
    const s = tf.tensor1d([0.3, 0.7]);
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 10; i++) metric.update(y, s);
    });
    expect(metric.result()).toBeNaN();
    expect(() => new BinnedAuc({ numBins: 0 })).toThrow('Invalid value for `numBins` in BinnedAuc. Expected a positive integer. Received: 0.');
    const bad = tf.tensor1d([2, 0]);
    expect(() => metric.update(bad, s)).toThrow("Invalid value for `yTrue` in binnedAuc. Expected 0/1 labels. Received: '2 at index 0'.");
    metric.reset();
    expect(metric.result()).toBeNaN();
    tf.dispose([y, s, bad]);
  });
});
