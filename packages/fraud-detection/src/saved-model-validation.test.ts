import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AutoencoderDetector } from './autoencoder-detector.js';
import { FraudError } from './errors.js';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { LogisticRegression } from './logistic-regression.js';
import { MlpClassifier, type MlpClassifierJSON } from './mlp-classifier.js';
import { TabularEncoder, type TabularEncoderJSON } from './tabular-encoder.js';

// A 2-3-1 MLP and a 2-1-2 autoencoder, written by hand (shapes as toJSON writes them).
const mlpJson = {
  format: 'loom-ml/mlp-classifier',
  version: 1,
  inputSize: 2,
  hiddenUnits: [3],
  dropout: 0,
  weights: [
    { shape: [2, 3], values: [0.1, -0.2, 0.3, 0.4, 0.5, -0.6] },
    { shape: [3], values: [0, 0.1, 0] },
    { shape: [3, 1], values: [1, -1, 0.5] },
    { shape: [1], values: [0.2] },
  ],
} as MlpClassifierJSON;
const autoencoderJson = {
  format: 'loom-ml/autoencoder-detector',
  version: 1,
  inputSize: 2,
  hiddenUnits: [1],
  activation: 'tanh',
  mean: [0, 1],
  scale: [1, 2],
  weights: [
    { shape: [2, 1], values: [0.5, -0.5] },
    { shape: [1], values: [0] },
    { shape: [1, 2], values: [1, 1] },
    { shape: [2], values: [0, 0] },
  ],
} as const;
const edit = <T extends object>(json: T, change: (copy: any) => void): T => {
  const copy = JSON.parse(JSON.stringify(json));
  change(copy);
  return copy;
};

/** Runs `load`, which must throw `expected`, and checks it left no tensor and no large allocation behind. */
function expectRefused(load: () => unknown, expected: string): void {
  const tensors = tf.memory().numTensors;
  const rss = process.memoryUsage().rss;
  expect(load).toThrow(FraudError);
  expect(load).toThrow(expected);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 2 ** 20);
}

describe('fromJSON checks the architecture and every weight before building a network', () => {
  it('loads the hand-written models, scoring as a hand forward pass', () => {
    const mlp = MlpClassifier.fromJSON(mlpJson);
    // h = relu([1, 2]·W1 + b1) = relu([0.9, 0.9, -0.9]) = [0.9, 0.9, 0]; logit = 0.9 - 0.9 + 0 + 0.2.
    expect(mlp.predictProba([[1, 2]])[0]).toBeCloseTo(1 / (1 + Math.exp(-0.2)), 6);
    mlp.dispose();
    const detector = AutoencoderDetector.fromJSON(autoencoderJson as never);
    expect(detector.score([[0, 1]])).toHaveLength(1);
    detector.dispose();
  });

  it('refuses a tiny file declaring three 20000 x 20000 layers without allocating them', () => {
    expectRefused(
      () => MlpClassifier.fromJSON(edit(mlpJson, (j) => ((j.inputSize = 20000), (j.hiddenUnits = [20000, 20000, 20000])))),
      'Invalid value for `weights` in MlpClassifier.fromJSON. Expected 8 saved weights. Received: \'4 weights\'.',
    );
    expectRefused(
      () => MlpClassifier.fromJSON(edit(mlpJson, (j) => ((j.inputSize = 20000), (j.hiddenUnits = [20000]), (j.weights[0].shape = [20000, 20000])))),
      "Invalid value for `weights[0].values` in MlpClassifier.fromJSON. Expected 400000000 values (shape [20000, 20000]). Received: '6 values'.",
    );
    expectRefused(
      () => AutoencoderDetector.fromJSON(edit(autoencoderJson, (j) => ((j.inputSize = 50000), (j.mean = []), (j.scale = []))) as never),
      "Invalid value for `mean` in AutoencoderDetector.fromJSON. Expected 50000 values (one per input). Received: '0 values'.",
    );
  });

  it.each([
    ['a weight of the wrong shape', edit(mlpJson, (j) => (j.weights[2].shape = [1, 3])), 'Invalid value for `weights[2].shape` in MlpClassifier.fromJSON. Expected [3, 1]. Received: \'[1, 3]\'.'],
    ['a NaN weight (JSON null)', edit(mlpJson, (j) => (j.weights[0].values[4] = null)), 'Invalid value for `weights[0].values[4]` in MlpClassifier.fromJSON. Expected a finite float32. Received: null.'],
    ['a weight beyond float32', edit(mlpJson, (j) => (j.weights[3].values[0] = 1e39)), 'Invalid value for `weights[3].values[0]` in MlpClassifier.fromJSON. Expected a finite float32. Received: 1e+39.'],
    ['a dropout of 1', edit(mlpJson, (j) => (j.dropout = 1)), 'Invalid value for `dropout` in MlpClassifier.fromJSON. Expected a number in [0, 1). Received: 1.'],
    ['a fractional layer size', edit(mlpJson, (j) => (j.hiddenUnits = [2.5])), 'Invalid value for `hiddenUnits` in MlpClassifier.fromJSON. Expected an array of at most 64 positive integers. Received: [2.5].'],
  ])('MlpClassifier: %s', (_, json, expected) => expectRefused(() => MlpClassifier.fromJSON(json), expected));

  it.each([
    ['a zero scale', edit(autoencoderJson, (j) => (j.scale[1] = 0)), 'Invalid value for `scale[1]` in AutoencoderDetector.fromJSON. Expected a finite number > 0. Received: 0.'],
    ['an unknown activation', edit(autoencoderJson, (j) => (j.activation = 'sigmoid')), "Invalid value for `activation` in AutoencoderDetector.fromJSON. Expected 'tanh' or 'relu'. Received: 'sigmoid'."],
    ['no hidden layer', edit(autoencoderJson, (j) => (j.hiddenUnits = [])), 'Invalid value for `hiddenUnits` in AutoencoderDetector.fromJSON. Expected a non-empty array'],
    ['an output layer of the wrong width', edit(autoencoderJson, (j) => ((j.weights[2] = { shape: [1, 3], values: [1, 1, 1] }), (j.weights[3] = { shape: [3], values: [0, 0, 0] }))), 'Invalid value for `weights[2].shape` in AutoencoderDetector.fromJSON. Expected [1, 2].'],
  ])('AutoencoderDetector: %s', (_, json, expected) => expectRefused(() => AutoencoderDetector.fromJSON(json as never), expected));

  it('LogisticRegression refuses weights that float32 turns into Infinity', () => {
    const json = LogisticRegression.fromJSON({ format: 'loom-ml/logistic-regression', version: 1, weights: [1, 2], bias: 0.5 }).toJSON();
    expectRefused(() => LogisticRegression.fromJSON({ ...json, weights: [1, 1e39] }), 'Invalid value for `weights[1]` in LogisticRegression.fromJSON. Expected a finite float32. Received: 1e+39.');
    expectRefused(() => LogisticRegression.fromJSON({ ...json, bias: -1e40 }), 'Invalid value for `bias` in LogisticRegression.fromJSON. Expected a finite float32. Received: -1e+40.');
  });
});

describe('fromJSON of models without tensors', () => {
  it('GradientBoostedTrees: a file declaring a billion features allocates nothing, and scoring names the width', () => {
    const json = { format: 'loom-ml/gradient-boosted-trees', version: 1, features: 1e9, baseScore: 0, trees: [{ feature: [-1], threshold: [0], left: [0], right: [0], value: [0.5] }] };
    const rss = process.memoryUsage().rss;
    const model = GradientBoostedTrees.fromJSON(json);
    expect(() => model.predictProba([[1, 2, 3]])).toThrow('GradientBoostedTrees.predictProba: row 0 has 3 features, expected 1000000000.');
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * 2 ** 20);
  });

  it('TabularEncoder: a column named constructor or toString needs its own statistics; columns and categories appear once', () => {
    const base: TabularEncoderJSON = { format: 'loom-ml/tabular-encoder', version: 1, schema: { numeric: ['constructor'], categorical: ['toString'] }, numeric: {}, categories: {} };
    expectRefused(() => TabularEncoder.fromJSON(base), 'Invalid value for `numeric.constructor` in TabularEncoder.fromJSON. Expected { mean, std, sawMissing }. Received: null.');
    const withStats = { ...base, numeric: { constructor: { mean: 0, std: 1, sawMissing: false } } } as unknown as TabularEncoderJSON;
    expectRefused(() => TabularEncoder.fromJSON(withStats), 'Invalid value for `categories.toString` in TabularEncoder.fromJSON. Expected an array of category strings. Received: null.');
    const complete = { ...withStats, categories: { toString: ['a', 'b'] } } as unknown as TabularEncoderJSON;
    expect(TabularEncoder.fromJSON(complete).transform([{ constructor: 2, toString: 'b' }])).toEqual([[2, 0, 1, 0]]);
    expectRefused(() => TabularEncoder.fromJSON({ ...complete, categories: { toString: ['a', 'a'] } }), "Invalid value for `categories.toString` in TabularEncoder.fromJSON. Expected each category once. Received: 'a'.");
    expectRefused(() => TabularEncoder.fromJSON({ ...complete, schema: { numeric: ['constructor'], categorical: ['constructor'] } }), "Invalid value for `schema` in TabularEncoder.fromJSON. Expected each column named once. Received: 'constructor'.");
  });

  it('cuts a hostile value in messages', () => {
    const json = LogisticRegression.fromJSON({ format: 'loom-ml/logistic-regression', version: 1, weights: [1], bias: 0 }).toJSON();
    let message = '';
    try {
      LogisticRegression.fromJSON({ ...json, bias: 'x'.repeat(1_000_000) as never });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid value for `bias` in LogisticRegression.fromJSON\. Expected a finite number\. Received: 'x{80}…' \(1000000 characters\)\.$/);
  });
});
