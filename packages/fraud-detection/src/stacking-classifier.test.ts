import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { rocAuc } from './curves.js';
import type { FeatureRows } from './feature-matrix.js';
import { IsolationForest, type IsolationForestJSON } from './isolation-forest.js';
import { LogisticRegression, type LogisticRegressionJSON } from './logistic-regression.js';
import { MlpClassifier } from './mlp-classifier.js';
import { seededRandom } from './random.js';
import { outOfFoldScores, stratifiedFolds, StackingClassifier, type BaseLearner } from './stacking-classifier.js';

/** Labels depend on feature 0 through a noisy logistic link; feature 1 is pure noise. */
function noisy(count: number, seed: number) {
  const random = seededRandom(seed);
  const rows = Array.from({ length: count }, () => [random(), random()]);
  const labels = rows.map(([a]) => (random() < 1 / (1 + Math.exp(-6 * (a! - 0.5))) ? 1 : 0));
  return { rows, labels };
}

/** An honest rule: the score is feature 0 (it learns nothing, so it cannot overfit). */
const honest: BaseLearner = { name: 'feature0', fit: () => ({ score: (rows) => Array.from(rows, (r) => r[0]!) }) };

/** A lookup table: the label of a row it has seen, a coin flip for any other row. Perfect in sample, chance out of sample. */
function memoriser(seen?: Set<readonly number[] | Float32Array>[]): BaseLearner {
  return {
    name: 'memoriser',
    fit: (rows: FeatureRows, labels: number[]) => {
      seen?.push(new Set(rows));
      const table = new Map(rows.map((r, i) => [r, labels[i]!]));
      const coin = seededRandom(99);
      return { score: (query: FeatureRows) => Array.from(query, (q) => table.get(q) ?? (coin() < 0.5 ? 0 : 1)) };
    },
  };
}

describe('stratifiedFolds', () => {
  it('deals each class evenly into the folds, the same for a seed', () => {
    const labels = [...Array(10).fill(0), ...Array(4).fill(1)];
    const folds = stratifiedFolds(labels, 2, 3);
    for (const cls of [0, 1]) for (const f of [0, 1]) expect(labels.filter((y, i) => y === cls && folds[i] === f)).toHaveLength(cls === 0 ? 5 : 2);
    expect(Array.from(stratifiedFolds(labels, 2, 3))).toEqual(Array.from(folds));
    expect(() => stratifiedFolds([0, 0, 1], 2)).toThrow('Invalid value for `labels` in stratifiedFolds. Expected at least 2 rows of each class for 2 folds. Received: \'1 rows of class 1\'.');
  });
});

describe('outOfFoldScores and StackingClassifier', () => {
  it('never scores a row with a model that saw it', async () => {
    const { rows, labels } = noisy(60, 1);
    const seen: Set<readonly number[] | Float32Array>[] = [];
    const { scores, folds } = await outOfFoldScores(rows, labels, [memoriser(seen)], { folds: 3, seed: 2 });
    expect(seen).toHaveLength(3);
    rows.forEach((row, i) => {
      expect(seen[folds[i]!]!.has(row)).toBe(false);
      // every other fold's model did train on it
      seen.forEach((set, f) => f !== folds[i] && expect(set.has(row)).toBe(true));
    });
    // The memoriser is perfect in sample; out of fold it is a coin flip.
    expect(rocAuc(labels, scores[0]!)).toBeLessThan(0.65);
  });

  it('is not fooled by a memorising model, where stacking on in-sample scores would be', async () => {
    const train = noisy(300, 3);
    const test = noisy(400, 4);
    const learners = [honest, memoriser()];
    const stack = await StackingClassifier.fit(train.rows, train.labels, learners, { folds: 5, seed: 1 });
    const stackedAuc = rocAuc(test.labels, stack.predictProba(test.rows));
    const honestAuc = rocAuc(test.labels, test.rows.map((r) => r[0]!));

    // The leak, done by hand: a meta model on in-sample scores sees the memoriser as perfect.
    const memory = memoriser().fit(train.rows, train.labels) as ReturnType<BaseLearner['fit']> & { score: (r: FeatureRows) => number[] };
    const inSample = memory.score(train.rows);
    expect(rocAuc(train.labels, inSample)).toBe(1);
    const leakyMeta = await LogisticRegression.fit(train.rows.map((r, i) => [r[0]!, inSample[i]!]), train.labels, { epochs: 100, learningRate: 0.05, l2: 1e-4 });
    const testMemory = memory.score(test.rows);
    const leakyAuc = rocAuc(test.labels, leakyMeta.predictProba(test.rows.map((r, i) => [r[0]!, testMemory[i]!])));

    // Out-of-fold stacking trusts the honest model: as good as it alone (within 0.02; measured 0.869 vs 0.869),
    // far above the leaky stack (measured 0.70).
    expect(stack.metaWeights[0]).toBeGreaterThan(stack.metaWeights[1]!);
    expect(stackedAuc).toBeGreaterThan(honestAuc - 0.02);
    expect(stackedAuc).toBeGreaterThan(leakyAuc + 0.05);
    expect(stack.outOfFold).toHaveLength(2);
    stack.dispose();
  }, 30_000);

  it('refits every base model on all rows and disposes them', async () => {
    const { rows, labels } = noisy(40, 5);
    const fitted: number[] = [];
    let disposed = 0;
    const counting: BaseLearner = {
      name: 'counting',
      fit: (x) => {
        fitted.push(x.length);
        return { score: (r) => Array.from(r, (v) => v[0]!), dispose: () => void disposed++ };
      },
    };
    const stack = await StackingClassifier.fit(rows, labels, [counting], { folds: 4, seed: 1 });
    // Four fold models on about 3/4 of the rows, then one on all 40.
    expect(fitted.slice(0, 4).reduce((a, b) => a + b, 0)).toBe(3 * 40);
    expect(fitted[4]).toBe(40);
    expect(disposed).toBe(4);
    stack.dispose();
    expect(disposed).toBe(5);
    expect(() => stack.predictProba(rows)).toThrow('StackingClassifier.predictProba: the classifier was disposed.');
  });

  it('leaks no tensors with tensor-backed learners (logistic regression, MLP)', async () => {
    const { rows, labels } = noisy(60, 7);
    const learners: BaseLearner[] = [
      { name: 'logistic', fit: async (x, y) => { const m = await LogisticRegression.fit(x, y, { epochs: 2 }); return { score: (r) => m.predictProba(r) }; } },
      { name: 'mlp', fit: async (x, y) => { const m = await MlpClassifier.fit(x, y, { hiddenUnits: [4], epochs: 1 }); return { score: (r) => m.predictProba(r), dispose: () => m.dispose() }; } },
    ];
    await expectNoLeakedTensors(async () => {
      const stack = await StackingClassifier.fit(rows, labels, learners, { folds: 2, seed: 1, meta: { epochs: 5 } });
      expect(stack.predictProba(rows)).toHaveLength(60);
      stack.dispose();
    }, 'StackingClassifier');
  }, 30_000);

  it('names a learner that returns bad scores', async () => {
    const { rows, labels } = noisy(20, 6);
    const broken: BaseLearner = { name: 'broken', fit: () => ({ score: (r) => Array.from(r, () => NaN) }) };
    await expect(outOfFoldScores(rows, labels, [broken], { folds: 2 })).rejects.toThrow("outOfFoldScores: learner 'broken' returned NaN for row 0.");
    await expect(StackingClassifier.fit(rows, labels, [])).rejects.toThrow('Invalid value for `learners` in StackingClassifier.fit.');
  });
});

describe('StackingClassifier save and load', () => {
  /** A logistic learner whose fitted scorer can be saved: score and toJSON from the model. */
  const logistic: BaseLearner = {
    name: 'logistic',
    fit: async (rows, labels) => {
      const model = await LogisticRegression.fit(rows, labels, { epochs: 3, seed: 1 });
      return { score: (r) => model.predictProba(r), toJSON: () => model.toJSON() };
    },
  };
  // An IsolationForest is itself a scorer with toJSON.
  const forest: BaseLearner = { name: 'forest', fit: (rows) => new IsolationForest({ trees: 20, sampleSize: 32, seed: 2 }).fit(rows) };
  const loadModel = (saved: unknown, name: string) => {
    if (name === 'forest') return IsolationForest.fromJSON(saved as IsolationForestJSON);
    const model = LogisticRegression.fromJSON(saved as LogisticRegressionJSON);
    return { score: (r: FeatureRows) => model.predictProba(r), toJSON: () => model.toJSON() };
  };

  it('round-trips through JSON text to identical probabilities, leaking no tensors', async () => {
    const { rows, labels } = noisy(120, 5);
    const stack = await expectNoLeakedTensors(() => StackingClassifier.fit(rows, labels, [logistic, forest], { folds: 3, seed: 1, meta: { epochs: 5 } }));
    const json = stack.toJSON();
    expect(json).toMatchObject({ format: 'loom-ml/stacking-classifier', version: 1, learnerNames: ['logistic', 'forest'] });
    const restored = expectNoLeakedTensors(() => StackingClassifier.fromJSON(JSON.parse(JSON.stringify(json)), loadModel));
    const test = noisy(50, 6).rows;
    expect(Array.from(restored.predictProba(test))).toEqual(Array.from(stack.predictProba(test)));
    expect(restored.metaWeights).toEqual(stack.metaWeights);
    expect(restored.toJSON()).toEqual(json);
  }, 30_000);

  it('names the learner whose model cannot be saved, and malformed fields', async () => {
    const { rows, labels } = noisy(60, 7);
    const stack = await StackingClassifier.fit(rows, labels, [honest, forest], { folds: 2, seed: 1, meta: { epochs: 2 } });
    expect(() => stack.toJSON()).toThrow("StackingClassifier.toJSON: learner 'feature0' returned a model without toJSON(); return a scorer with toJSON() from its fit to save the stack.");
    const saved = (await StackingClassifier.fit(rows, labels, [logistic, forest], { folds: 2, seed: 1, meta: { epochs: 2 } })).toJSON();
    const load = (changes: object, loader = loadModel) => () => StackingClassifier.fromJSON({ ...saved, ...changes }, loader);
    expect(load({ spread: [1] })).toThrow("Invalid value for `spread` in StackingClassifier.fromJSON. Expected 2 entries (one per learner). Received: '1 entries'.");
    expect(load({ meta: { ...saved.meta, weights: [1] } })).toThrow("Invalid value for `meta.weights` in StackingClassifier.fromJSON. Expected 2 weights (one per learner). Received: '1 weights'.");
    expect(load({ meta: { ...saved.meta, bias: 'x' } })).toThrow("Invalid value for `bias` in LogisticRegression.fromJSON. Expected a finite number. Received: 'x'.");
    expect(load({}, () => ({}) as never)).toThrow("Invalid value for `models[0]` in StackingClassifier.fromJSON. Expected loadModel to return a { score(rows) } scorer for learner 'logistic'. Received: {}.");
    expect(load({ format: 'x' })).toThrow("Invalid value for `format` in StackingClassifier.fromJSON. Expected 'loom-ml/stacking-classifier' (the output of toJSON()). Received: 'x'.");
  }, 30_000);
});
