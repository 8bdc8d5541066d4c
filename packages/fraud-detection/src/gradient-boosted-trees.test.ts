import { describe, expect, it } from 'vitest';
import { rocAuc } from './curves.js';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { LogisticRegression } from './logistic-regression.js';
import { seededRandom } from './random.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function xorData(count: number, seed: number): { rows: number[][]; labels: number[] } {
  const random = seededRandom(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const a = random() * 2 - 1;
    const b = random() * 2 - 1;
    rows.push([a, b, random()]); // the third feature is noise
    labels.push(a > 0 !== b > 0 ? 1 : 0);
  }
  return { rows, labels };
}

describe('GradientBoostedTrees', () => {
  it('grows the stump the Newton-boosting formulas give on a hand-computed case', () => {
    // x = 1..4, y = 0 0 1 1: base score log(2/2) = 0, so p = 0.5, g = p - y = ±0.5, h = 0.25.
    // Best split x <= 2.5 (midpoint of the distinct values): G_L = 1, H_L = 0.5, G_R = -1, H_R = 0.5.
    // With λ = 1 and learning rate 1: left leaf -1/1.5 = -2/3, right leaf +2/3.
    const model = new GradientBoostedTrees({ trees: 1, maxDepth: 1, learningRate: 1, l2: 1, minChildWeight: 0 }).fit([[1], [2], [3], [4]], [0, 0, 1, 1]);
    const tree = model.toJSON().trees[0]!;
    expect(tree.feature[0]).toBe(0);
    expect(tree.threshold[0]).toBe(2.5);
    const probabilities = model.predictProba([[1], [2.5], [2.6], [9]]);
    const expected = [sigmoid(-2 / 3), sigmoid(-2 / 3), sigmoid(2 / 3), sigmoid(2 / 3)];
    probabilities.forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 12));
    // Gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) - G²/(H+λ) = 1/1.5 + 1/1.5 - 0 = 4/3.
    expect(model.featureImportance()[0]).toBeCloseTo(4 / 3, 12);
  });

  it('learns XOR, which a logistic regression cannot (test ROC-AUC)', async () => {
    const train = xorData(800, 1);
    const test = xorData(400, 2);
    const trees = new GradientBoostedTrees({ trees: 60, maxDepth: 2, learningRate: 0.3, seed: 3 }).fit(train.rows, train.labels);
    const logistic = await LogisticRegression.fit(train.rows, train.labels);
    const treeAuc = rocAuc(test.labels, Array.from(trees.predictProba(test.rows)));
    const logisticAuc = rocAuc(test.labels, Array.from(logistic.predictProba(test.rows)));
    expect(treeAuc).toBeGreaterThan(0.97);
    expect(logisticAuc).toBeLessThan(0.65);
    // The noise feature earns far less gain than the two that define the classes.
    const importance = trees.featureImportance();
    expect(importance[2]!).toBeLessThan(0.1 * Math.min(importance[0]!, importance[1]!));
  });

  it('is deterministic for a seed with row subsampling, and the JSON round trip scores identically', () => {
    const { rows, labels } = xorData(300, 4);
    const options = { trees: 20, subsample: 0.7, seed: 5 };
    const first = new GradientBoostedTrees(options).fit(rows, labels).predictProba(rows);
    const model = new GradientBoostedTrees(options).fit(rows, labels);
    expect(Array.from(model.predictProba(rows))).toEqual(Array.from(first));
    const restored = GradientBoostedTrees.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(restored.predictProba(rows))).toEqual(Array.from(first));
  });

  it('class weights raise the scores of the rare class', () => {
    const { rows, labels } = xorData(400, 6);
    const rare = labels.map((label, i) => (label === 1 && i % 5 !== 0 ? 0 : label));
    const plain = new GradientBoostedTrees({ trees: 20 }).fit(rows, rare).predictProba(rows);
    const weighted = new GradientBoostedTrees({ trees: 20, classWeight: [1, 5] }).fit(rows, rare).predictProba(rows);
    const mean = (values: Float64Array) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(weighted)).toBeGreaterThan(mean(plain) + 0.1);
  });

  it('names bad options, labels, rows and saved fields', () => {
    expect(() => new GradientBoostedTrees({ trees: 0 })).toThrow('Invalid value for `trees` in GradientBoostedTrees. Expected a positive integer. Received: 0.');
    expect(() => new GradientBoostedTrees({ subsample: 1.5 })).toThrow('`subsample`');
    expect(() => new GradientBoostedTrees().fit([[1], [2]], [0, 2])).toThrow('`labels[1]`');
    expect(() => new GradientBoostedTrees().fit([[1], [2]], [1, 1])).toThrow('one class only');
    expect(() => new GradientBoostedTrees().fit([[1, 2], [2]], [0, 1])).toThrow('row 1 has 1 features, expected 2');
    expect(() => new GradientBoostedTrees().predictProba([[1]])).toThrow('call fit()');
    const saved = new GradientBoostedTrees({ trees: 2, minChildWeight: 0 }).fit([[1], [2], [3], [4]], [0, 0, 1, 1]).toJSON();
    expect(() => GradientBoostedTrees.fromJSON({ ...saved, format: 'other' })).toThrow('`format`');
    const broken = JSON.parse(JSON.stringify(saved));
    broken.trees[0].left[0] = 0;
    expect(() => GradientBoostedTrees.fromJSON(broken)).toThrow('`trees[0].left[0]`');
  });
});
