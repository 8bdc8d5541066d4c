import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { accuracy, averagePrecision, brierScore, ConfusionMatrix, confusionMatrix, getMetric, logLoss, meanSquaredError, METRIC_NAMES, precisionRecallF1, rocAuc } from './index.js';

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

  it('logLoss, brierScore, mse and macro F1 over 3 batches', () => {
    const names = ['logLoss', 'brierScore', 'mse'] as const;
    const streaming = names.map((name) => getMetric(name));
    // 3 classes: label = floor(3 * u), prediction one-hot-ish rows from a second stream
    const classLabels = seeded(n, 3).map((v) => Math.floor(v * 3));
    const rows = seeded(n, 4).map((v, i) => [0, 1, 2].map((c): number => (c === classLabels[i] && v < 0.6 ? 0.8 : 0.1)));
    const macro = new ConfusionMatrix(3, 'f1', 0.5, 'macro');
    const micro = new ConfusionMatrix(3, 'precision', 0.5, 'micro');
    for (let start = 0; start < n; start += 25) {
      const end = Math.min(n, start + 25);
      const y = tf.tensor1d(labels.slice(start, end));
      const p = tf.tensor1d(scores.slice(start, end));
      for (const metric of streaming) metric.update(y, p);
      const yc = tf.tensor1d(classLabels.slice(start, end));
      const pc = tf.tensor2d(rows.slice(start, end));
      macro.update(yc, pc);
      micro.update(yc, pc);
      tf.dispose([y, p, yc, pc]);
    }
    // Tensors hold float32 scores, the functional forms read float64 arrays: tolerance 1e-6.
    expect(streaming[0]!.result()).toBeCloseTo(logLoss(labels, scores), 6);
    expect(streaming[1]!.result()).toBeCloseTo(brierScore(labels, scores), 6);
    expect(streaming[2]!.result()).toBeCloseTo(meanSquaredError(labels, scores), 6);
    const predicted = rows.map((row) => row.indexOf(Math.max(...row)));
    const matrix = confusionMatrix(classLabels, predicted, 3);
    expect(macro.matrix()).toEqual(matrix);
    expect(macro.result()).toBeCloseTo(precisionRecallF1(matrix, { average: 'macro' }).f1, 12);
    expect(micro.result()).toBeCloseTo(precisionRecallF1(matrix, { average: 'micro' }).precision, 12);
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
