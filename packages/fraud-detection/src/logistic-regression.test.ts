import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { LogisticRegression, TabularEncoder } from './index.js';
import { seededRandom } from './random.js';

describe('LogisticRegression', () => {
  it('recovers the coefficients of synthetic logistic data (true w = [2, -1], b = -0.5)', async () => {
    const random = seededRandom(5);
    const features = Array.from({ length: 4000 }, () => [random() * 4 - 2, random() * 4 - 2]);
    const labels = features.map(([a, b]) => (random() < 1 / (1 + Math.exp(-(2 * a! - b! - 0.5))) ? 1 : 0));
    const before = tf.memory().numTensors;
    const model = await LogisticRegression.fit(features, labels, { l2: 0, epochs: 40, learningRate: 0.05, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    // Maximum likelihood on 4,000 samples: standard errors ≈ 0.07, so ±0.25 is a loose 3-sigma band.
    expect(model.weights[0]).toBeGreaterThan(1.75);
    expect(model.weights[0]).toBeLessThan(2.25);
    expect(model.weights[1]).toBeGreaterThan(-1.25);
    expect(model.weights[1]).toBeLessThan(-0.75);
    expect(model.bias).toBeGreaterThan(-0.75);
    expect(model.bias).toBeLessThan(-0.25);
  }, 30_000); // 640 Adam steps: about 4 s on an idle cpu backend, more on a shared machine

  it('balanced class weights raise the scores of a rare class', async () => {
    const random = seededRandom(9);
    const features = Array.from({ length: 1000 }, () => [random()]);
    const labels = features.map(([v]) => (v! > 0.95 && random() < 0.8 ? 1 : 0));
    const options = { epochs: 60, learningRate: 0.1, seed: 1 };
    const plain = await LogisticRegression.fit(features, labels, options);
    const balanced = await LogisticRegression.fit(features, labels, { ...options, classWeight: 'balanced' });
    const mean = (p: Float64Array) => p.reduce((a, b) => a + b, 0) / p.length;
    const baseRate = labels.reduce<number>((a, b) => a + b, 0) / labels.length;
    // Unweighted: the mean probability matches the base rate (a property of the logistic MLE).
    expect(mean(plain.predictProba(features))).toBeCloseTo(baseRate, 1);
    // Balanced weights make both classes count equally: the mean moves far above the base rate.
    expect(mean(balanced.predictProba(features))).toBeGreaterThan(3 * baseRate);
  });
});

describe('TabularEncoder', () => {
  const rows = [
    { income: 10, grade: 'A' },
    { income: 30, grade: 'B' },
    { income: '', grade: 'A' },
  ];

  it('standardises with training statistics, flags missing values and one-hot encodes with an out-of-vocabulary slot', () => {
    const encoder = TabularEncoder.fit(rows, { numeric: ['income'], categorical: ['grade'] });
    expect(encoder.featureNames).toEqual(['income', 'income_missing', 'grade=A', 'grade=B', 'grade=<other>']);
    // mean 20, std 10 over the two present values
    expect(encoder.transform([{ income: 40, grade: 'Z' }, { income: null, grade: 'B' }])).toEqual([
      [2, 0, 0, 0, 1],
      [0, 1, 0, 1, 0],
    ]);
    const copy = TabularEncoder.fromJSON(JSON.parse(JSON.stringify(encoder.toJSON())));
    expect(copy.transform(rows)).toEqual(encoder.transform(rows));
  });

  it('saves versioned JSON, still loads 0.1 JSON without a version, and names malformed fields', () => {
    const encoder = TabularEncoder.fit(rows, { numeric: ['income'], categorical: ['grade'] });
    const json = encoder.toJSON();
    expect(json).toMatchObject({ format: 'loom-ml/tabular-encoder', version: 1 });
    const { format: _format, version: _version, ...unversioned } = json;
    expect(TabularEncoder.fromJSON(unversioned).transform(rows)).toEqual(encoder.transform(rows));
    const load = (changes: object) => () => TabularEncoder.fromJSON({ ...json, ...changes });
    expect(load({ version: 2 })).toThrow('Invalid value for `version` in TabularEncoder.fromJSON. Expected 1. Received: 2.');
    expect(load({ format: 'loom-ml/isolation-forest' })).toThrow("Invalid value for `format` in TabularEncoder.fromJSON. Expected 'loom-ml/tabular-encoder' (the output of toJSON()). Received: 'loom-ml/isolation-forest'.");
    expect(load({ schema: { numeric: ['income'] } })).toThrow('Invalid value for `schema.categorical` in TabularEncoder.fromJSON. Expected an array of column names. Received: null.');
    expect(load({ numeric: { income: { mean: 20, std: 0, sawMissing: true } } })).toThrow('Invalid value for `numeric.income.std` in TabularEncoder.fromJSON. Expected a finite number > 0. Received: 0.');
    expect(load({ numeric: {} })).toThrow('Invalid value for `numeric.income` in TabularEncoder.fromJSON. Expected { mean, std, sawMissing }. Received: null.');
    expect(load({ categories: { grade: ['A', 2] } })).toThrow("Invalid value for `categories.grade` in TabularEncoder.fromJSON. Expected an array of category strings. Received: ['A', 2].");
  });

  it('names the column and row of a bad value', () => {
    const encoder = TabularEncoder.fit(rows, { numeric: ['income'], categorical: [] });
    expect(() => encoder.transform([{ income: 1 }, { income: 'n/a' }])).toThrow('column `income` row 1: expected a number, received "n/a".');
  });
});

describe('LogisticRegression save and load', () => {
  it('round-trips through JSON text to identical scores and log-odds, leaking no tensors', async () => {
    const random = seededRandom(11);
    const features = Array.from({ length: 300 }, () => [random() * 2 - 1, random() * 2 - 1, random()]);
    const labels = features.map(([a, b]) => (a! - b! + 0.3 * random() > 0.2 ? 1 : 0));
    const model = await expectNoLeakedTensors(() => LogisticRegression.fit(features, labels, { epochs: 3, seed: 2 }));
    const json = model.toJSON();
    expect(json).toMatchObject({ format: 'loom-ml/logistic-regression', version: 1, weights: Array.from(model.weights), bias: model.bias });
    const restored = expectNoLeakedTensors(() => LogisticRegression.fromJSON(JSON.parse(JSON.stringify(json))));
    // float32 weights are exact in JSON's float64 decimal form, so scores are bit-identical.
    expect(Array.from(restored.weights)).toEqual(Array.from(model.weights));
    expect(Array.from(restored.predictProba(features))).toEqual(Array.from(model.predictProba(features)));
    expect(Array.from(restored.logOdds(features))).toEqual(Array.from(model.logOdds(features)));
  });

  it('logOdds is w·x + b and predictProba its sigmoid (hand-computed)', () => {
    const model = LogisticRegression.fromJSON({ format: 'loom-ml/logistic-regression', version: 1, weights: [2, -1], bias: 0.5 });
    // z = 0.5 + 2·1 − 1·3 = −0.5; σ(−0.5) = 0.3775406687981454
    expect(model.logOdds([[1, 3]])[0]).toBe(-0.5);
    expect(model.predictProba([[1, 3]])[0]).toBeCloseTo(0.3775406687981454, 15);
  });

  it('names the bad field of malformed JSON', () => {
    const good = { format: 'loom-ml/logistic-regression', version: 1, weights: [1, 2], bias: 0 } as const;
    const load = (json: unknown) => () => LogisticRegression.fromJSON(json as never);
    expect(load(null)).toThrow("Invalid value for `format` in LogisticRegression.fromJSON. Expected 'loom-ml/logistic-regression' (the output of toJSON()). Received: null.");
    expect(load({ ...good, format: 'loom-ml/mlp-classifier' })).toThrow("Invalid value for `format` in LogisticRegression.fromJSON. Expected 'loom-ml/logistic-regression' (the output of toJSON()). Received: 'loom-ml/mlp-classifier'.");
    expect(load({ ...good, version: 2 })).toThrow('Invalid value for `version` in LogisticRegression.fromJSON. Expected 1. Received: 2.');
    expect(load({ ...good, weights: [] })).toThrow('Invalid value for `weights` in LogisticRegression.fromJSON. Expected a non-empty array of finite numbers. Received: [].');
    expect(load({ ...good, weights: [1, 'x'] })).toThrow("Invalid value for `weights[1]` in LogisticRegression.fromJSON. Expected a finite number. Received: 'x'.");
    expect(load({ ...good, bias: null })).toThrow('Invalid value for `bias` in LogisticRegression.fromJSON. Expected a finite number. Received: null.');
  });
});
