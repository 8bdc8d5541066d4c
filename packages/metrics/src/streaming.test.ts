import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { accuracy, averagePrecision, ConfusionMatrix, getMetric, METRIC_NAMES, rocAuc } from './index.js';

function seeded(count: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  });
}

describe('streaming metrics equal the functional forms over split batches', () => {
  const n = 60;
  const labels = seeded(n, 1).map((v) => (v < 0.3 ? 1 : 0));
  const scores = seeded(n, 2).map((v, i) => Math.min(1, v * 0.7 + labels[i]! * 0.3));

  it('auc, prAuc, accuracy over 3 batches', () => {
    const auc = getMetric('auc');
    const prAuc = getMetric('prAuc');
    const acc = getMetric('accuracy');
    for (let start = 0; start < n; start += 20) {
      const y = tf.tensor1d(labels.slice(start, start + 20));
      const p = tf.tensor1d(scores.slice(start, start + 20));
      auc.update(y, p);
      prAuc.update(y, p);
      acc.update(y, p);
      tf.dispose([y, p]);
    }
    expect(auc.result()).toBeCloseTo(rocAuc(labels, scores), 12);
    expect(prAuc.result()).toBeCloseTo(averagePrecision(labels, scores), 12);
    expect(acc.result()).toBeCloseTo(accuracy(labels, scores), 12);
    auc.reset();
    expect(auc.result()).toBeNaN();
  });

  it('weights samples in accuracy and mse', () => {
    const acc = getMetric('accuracy');
    acc.update(tf.tensor1d([0, 1]), tf.tensor2d([[0.9, 0.1], [0.8, 0.2]]), tf.tensor1d([3, 1]));
    expect(acc.result()).toBeCloseTo(0.75);
    const mse = getMetric('mse');
    mse.update(tf.tensor1d([0, 0]), tf.tensor1d([1, 2]), tf.tensor1d([1, 3]));
    expect(mse.result()).toBeCloseTo((1 + 12) / 4);
  });

  it('confusion matrix accumulates counts', () => {
    const metric = new ConfusionMatrix(3);
    metric.update(tf.tensor1d([0, 1]), tf.tensor2d([[0.9, 0.1, 0], [0.1, 0.1, 0.8]]));
    metric.update(tf.tensor1d([2]), tf.tensor2d([[0, 0, 1]]));
    expect(metric.matrix()).toEqual([[1, 0, 0], [0, 0, 1], [0, 0, 1]]);
    expect(metric.result()).toBeCloseTo(2 / 3);
  });

  it('keeps no tensors', () => {
    const metrics = METRIC_NAMES.filter((name) => !name.startsWith('top')).map(getMetric);
    const y = tf.tensor1d([1, 0, 1, 0]);
    const p = tf.tensor1d([0.8, 0.3, 0.6, 0.1]);
    expectNoLeakedTensors(() => {
      for (let i = 0; i < 5; i++) for (const m of metrics) m.update(y, p);
    });
    const top3 = getMetric('top3Accuracy');
    expect(() => top3.update(y, p)).toThrow(/Expected scores of shape \[batch, classes\]/);
    expect(getMetric('precision')).not.toBe(getMetric('precision'));
  });

  it('getMetric names round trip, each call a fresh instance', () => {
    for (const name of METRIC_NAMES) {
      const metric = getMetric(name);
      expect(metric.name).toBe(name);
      expect(getMetric(name)).not.toBe(metric);
      expect(getMetric(metric)).toBe(metric);
    }
  });

  it('weighted confusion matrix: each sample adds its weight', () => {
    // labels [1, 1, 0], predicted [1, 0, 1] with weights [2, 1, 0.5]:
    // tp = 2, fn = 1, fp = 0.5 => precision 2 / 2.5 = 0.8, recall 2 / 3
    const precision = getMetric('precision');
    const recall = getMetric('recall');
    const y = tf.tensor1d([1, 1, 0]);
    const p = tf.tensor1d([0.9, 0.2, 0.7]);
    const w = tf.tensor1d([2, 1, 0.5]);
    precision.update(y, p, w);
    recall.update(y, p, w);
    expect(precision.result()).toBeCloseTo(0.8, 12);
    expect(recall.result()).toBeCloseTo(2 / 3, 12);
    tf.dispose([y, p, w]);
  });

  it('names unknown metrics', () => {
    expect(() => getMetric('acc')).toThrow(/Invalid value for `metric` in getMetric\. Expected one of accuracy/);
  });
});
