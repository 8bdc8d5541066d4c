import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { rocAuc } from './curves.js';
import { integratedGradients } from './explain-integrated-gradients.js';
import { LogisticRegression } from './logistic-regression.js';
import { MlpClassifier } from './mlp-classifier.js';
import { seededRandom } from './random.js';

/** Two features; class 1 inside a ring (|x| between 0.8 and 1.4): no linear score separates it. */
function ring(count: number, seed: number) {
  const random = seededRandom(seed);
  const features = Array.from({ length: count }, () => [random() * 4 - 2, random() * 4 - 2]);
  const labels = features.map(([a, b]) => {
    const r = Math.hypot(a!, b!);
    return r > 0.8 && r < 1.4 ? 1 : 0;
  });
  return { features, labels };
}

/** Rare positives (about 5%) in one corner, with label noise. */
function rare(count: number, seed: number) {
  const random = seededRandom(seed);
  const features = Array.from({ length: count }, () => [random(), random()]);
  const labels = features.map(([a, b]) => (a! + b! > 1.7 && random() < 0.9 ? 1 : random() < 0.01 ? 1 : 0));
  return { features, labels };
}

const mean = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0) / values.length;

/** The network's forward pass written out in plain JavaScript from the saved weights. */
function forwardByHand(json: ReturnType<MlpClassifier['toJSON']>, row: number[]): number {
  let activations = row;
  const layers = json.weights.length / 2;
  for (let l = 0; l < layers; l++) {
    const kernel = json.weights[2 * l]!;
    const bias = json.weights[2 * l + 1]!;
    const [inputs, units] = kernel.shape as [number, number];
    const next = Array.from({ length: units }, (_, u) => {
      let z = bias.values[u]!;
      for (let i = 0; i < inputs; i++) z += activations[i]! * kernel.values[i * units + u]!;
      return l < layers - 1 ? Math.max(0, z) : z;
    });
    activations = next;
  }
  return 1 / (1 + Math.exp(-activations[0]!));
}

describe('MlpClassifier', () => {
  it('learns a ring that logistic regression cannot separate, and predicts as its weights say', async () => {
    const train = ring(400, 1);
    const test = ring(400, 2);
    const mlp = await MlpClassifier.fit(train.features, train.labels, { hiddenUnits: [16], epochs: 60, batchSize: 100, learningRate: 0.05, l2: 0, seed: 3 });
    const logistic = await LogisticRegression.fit(train.features, train.labels, { epochs: 20, seed: 1 });
    const mlpAuc = rocAuc(test.labels, mlp.predictProba(test.features));
    const linearAuc = rocAuc(test.labels, logistic.predictProba(test.features));
    // A ring needs a non-linear boundary: the MLP ranks it well, the linear model near chance.
    expect(mlpAuc).toBeGreaterThan(0.95);
    expect(linearAuc).toBeLessThan(0.65);
    // predictProba agrees with a hand-written forward pass over the saved weights (float32 vs float64: 1e-5).
    const json = mlp.toJSON();
    const probabilities = mlp.predictProba(test.features.slice(0, 20));
    test.features.slice(0, 20).forEach((row, i) => expect(probabilities[i]).toBeCloseTo(forwardByHand(json, row), 5));
    mlp.dispose();
  }, 30_000);

  it('scoreTensor is differentiable: its input gradient matches central differences', async () => {
    const { features, labels } = ring(200, 4);
    const mlp = await MlpClassifier.fit(features, labels, { hiddenUnits: [8], epochs: 3, seed: 1 });
    const x = tf.tensor2d([[0.3, -0.7], [1.1, 0.2]]);
    await expectNoLeakedTensors(() => {
      const gradient = tf.grad((input: tf.Tensor) => tf.sum(mlp.scoreTensor(input as tf.Tensor2D)))(x);
      const analytic = gradient.arraySync() as number[][];
      gradient.dispose();
      const json = mlp.toJSON();
      const h = 1e-4;
      [[0.3, -0.7], [1.1, 0.2]].forEach((row, r) => {
        row.forEach((_, j) => {
          const up = [...row];
          const down = [...row];
          up[j]! += h;
          down[j]! -= h;
          const numeric = (forwardByHand(json, up) - forwardByHand(json, down)) / (2 * h);
          // float32 gradient vs a float64 difference quotient: 1e-4 absolute.
          expect(Math.abs(analytic[r]![j]! - numeric)).toBeLessThan(1e-4);
        });
      });
      const scores = mlp.scoreTensor(x);
      expect(Array.from(scores.dataSync())).toEqual(Array.from(mlp.predictProba([[0.3, -0.7], [1.1, 0.2]]), Math.fround));
      scores.dispose();
    }, 'scoreTensor');
    x.dispose();
    mlp.dispose();
  });

  it('works with integratedGradients: attributions add up to f(x) − f(baseline)', async () => {
    const { features, labels } = ring(200, 6);
    const mlp = await MlpClassifier.fit(features, labels, { hiddenUnits: [8], epochs: 3, seed: 2 });
    const rows = [[0.9, -0.4], [-1.2, 0.3]];
    const result = await expectNoLeakedTensors(() => integratedGradients((x) => mlp.scoreTensor(x), rows, { baseline: [0, 0], steps: 200 }), 'integratedGradients(mlp)');
    const expected = mlp.predictProba(rows);
    const atBaseline = mlp.predictProba([[0, 0]])[0]!;
    rows.forEach((_, r) => {
      expect(result.scores[r]).toBeCloseTo(expected[r]!, 6);
      // The logit is piecewise linear and the sigmoid smooth: 200 trapezoid steps land within 1e-3 of the integral.
      expect(Math.abs(result.attributions[r]!.reduce((a, b) => a + b, 0) - (expected[r]! - atBaseline))).toBeLessThan(1e-3);
    });
    mlp.dispose();
  });

  it('class weights, focal loss (with alpha) and balanced batches all lift the scores of a rare class', async () => {
    const { features, labels } = rare(300, 5);
    const base = { hiddenUnits: [8], epochs: 4, batchSize: 32, learningRate: 0.03, seed: 2 };
    const baseRate = mean(labels);
    const meanScore = async (options: Parameters<typeof MlpClassifier.fit>[2]) => {
      const mlp = await MlpClassifier.fit(features, labels, { ...base, ...options });
      const value = mean(mlp.predictProba(features));
      mlp.dispose();
      return value;
    };
    const plain = await meanScore({});
    // Unweighted cross-entropy keeps the mean score near the base rate.
    expect(Math.abs(plain - baseRate)).toBeLessThan(0.05);
    // Each method makes positives count as much as negatives: the mean moves well above the base rate.
    expect(await meanScore({ classWeight: 'balanced' })).toBeGreaterThan(plain + 0.15);
    expect(await meanScore({ balancedBatches: true, epochs: 1 })).toBeGreaterThan(plain + 0.15);
    expect(await meanScore({ focalLoss: { gamma: 2, alpha: 0.9 } })).toBeGreaterThan(plain + 0.1);
  }, 30_000);

  it('early stopping on a stratified validation share keeps the best epoch and reports progress', async () => {
    const { features, labels } = rare(300, 8);
    const epochs: number[] = [];
    const mlp = await MlpClassifier.fit(features, labels, {
      hiddenUnits: [64], epochs: 200, batchSize: 16, learningRate: 0.05, l2: 0, validationFraction: 0.3, patience: 3, seed: 1,
      onEpoch: (epoch, logs) => {
        expect(logs.val_loss).toBeGreaterThan(0);
        epochs.push(epoch);
      },
    });
    // Validation loss stops improving long before 200 epochs on 210 rows.
    expect(mlp.history.length).toBeLessThan(200);
    expect(epochs).toEqual(mlp.history.map((_, i) => i));
    // train's earlyStopping tolerates `patience` flat epochs and stops on the next one.
    expect(mlp.bestEpoch).toBe(mlp.history.length - 1 - (3 + 1));
    const best = Math.min(...mlp.history.map((logs) => logs.val_loss!));
    expect(mlp.history[mlp.bestEpoch!]!.val_loss).toBe(best);
    mlp.dispose();
  }, 30_000);

  it('repeats exactly for a seed and round-trips through JSON', async () => {
    const { features, labels } = rare(200, 9);
    const options = { hiddenUnits: [8, 4], dropout: 0.2, epochs: 3, seed: 11 };
    const a = await MlpClassifier.fit(features, labels, options);
    const b = await MlpClassifier.fit(features, labels, options);
    expect(Array.from(b.predictProba(features))).toEqual(Array.from(a.predictProba(features)));
    const copy = MlpClassifier.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(Array.from(copy.predictProba(features))).toEqual(Array.from(a.predictProba(features)));
    // Float32Array rows score the same as number arrays.
    expect(Array.from(a.predictProba(features.map((row) => Float32Array.from(row))))).toEqual(Array.from(a.predictProba(features.map((row) => row.map(Math.fround)))));
    [a, b, copy].forEach((m) => m.dispose());
    expect(() => a.predictProba(features)).toThrow('MlpClassifier.predictProba: the classifier was disposed.');
  });

  it('toModel is a standalone copy of the network that outputs predictProba, owned by the caller', async () => {
    const { features, labels } = rare(120, 12);
    const mlp = await MlpClassifier.fit(features, labels, { hiddenUnits: [6, 3], dropout: 0.3, epochs: 2, seed: 4 });
    const expected = mlp.predictProba(features);
    const model = mlp.toModel();
    mlp.dispose(); // the copy keeps its own weights
    const rows = tf.tensor2d(features.map((row) => row.map(Math.fround)));
    const probabilities = model.apply(rows, { training: false }) as tf.Tensor;
    expect(probabilities.shape).toEqual([120, 1]);
    // Same float32 network; the only difference is where the sigmoid runs (a layer here, scoreTensor there).
    Array.from(probabilities.dataSync()).forEach((p, i) => expect(Math.abs(p - expected[i]!)).toBeLessThanOrEqual(1e-7));
    expect(model.layers.map((l) => l.className)).toEqual(['Dense', 'Dropout', 'Dense', 'Dropout', 'Dense', 'Activation']);
    tf.dispose([rows, probabilities]);
    model.dispose();
    expect(() => mlp.toModel()).toThrow('MlpClassifier.toModel: the classifier was disposed.');
  });

  it('leaks no tensors through fit, predict and dispose (validation, dropout, focal loss, balanced batches)', async () => {
    const { features, labels } = rare(200, 10);
    for (const options of [
      { validationFraction: 0.2, dropout: 0.1, classWeight: 'balanced' as const },
      { balancedBatches: { positiveFraction: 0.3 }, focalLoss: true, validationFraction: 0.2 },
    ]) {
      await expectNoLeakedTensors(async () => {
        const mlp = await MlpClassifier.fit(features, labels, { hiddenUnits: [4], epochs: 2, seed: 1, ...options });
        mlp.predictProba(features);
        MlpClassifier.fromJSON(mlp.toJSON()).dispose();
        mlp.dispose();
      }, `MlpClassifier ${JSON.stringify(options)}`);
    }
  });

  it('names the offending option, row or label', async () => {
    const rows = [[0], [1], [2], [3]];
    await expect(MlpClassifier.fit(rows, [0, 1, 0, 1], { hiddenUnits: [0] })).rejects.toThrow('Invalid value for `hiddenUnits` in MlpClassifier.fit. Expected an array of positive integers. Received: [0].');
    await expect(MlpClassifier.fit(rows, [0, 1, 0, 1], { balancedBatches: true, classWeight: 'balanced' })).rejects.toThrow('Invalid value for `classWeight` in MlpClassifier.fit. Expected no class weights with balancedBatches');
    await expect(MlpClassifier.fit(rows, [0, 1, 0, 1], { classWeight: 3 as unknown as 'balanced' })).rejects.toThrow("Invalid value for `classWeight` in MlpClassifier.fit. Expected 'balanced' or [negative, positive] non-negative weights. Received: 3.");
    await expect(MlpClassifier.fit(rows, [0, 1, 0, 2])).rejects.toThrow('Invalid value for `labels[3]` in MlpClassifier.fit. Expected 0 or 1. Received: 2.');
    await expect(MlpClassifier.fit([[0], [NaN]], [0, 1])).rejects.toThrow('MlpClassifier.fit: row 1, feature 0 is NaN; impute missing values first.');
    const mlp = await MlpClassifier.fit(rows, [0, 1, 0, 1], { epochs: 1 });
    expect(() => mlp.predictProba([[1, 2]])).toThrow('MlpClassifier.predictProba: row 0 has 2 features, expected 1.');
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => mlp.scoreTensor(x)).toThrow('Invalid value for `x` in MlpClassifier.scoreTensor. Expected a tensor of shape [rows, 1]. Received: \'shape [2, 3]\'.');
    x.dispose();
    mlp.dispose();
  });
});

describe('LogisticRegression.scoreTensor', () => {
  it('equals predictProba, and its input gradient is p(1 - p) w as the formula says', async () => {
    const random = seededRandom(3);
    const features = Array.from({ length: 300 }, () => [random() * 2 - 1, random() * 2 - 1]);
    const labels = features.map(([a, b]) => (a! - 2 * b! + 0.3 * (random() - 0.5) > 0 ? 1 : 0));
    const model = await LogisticRegression.fit(features, labels, { epochs: 10, seed: 1 });
    const rows = [[0.2, 0.4], [-0.5, 0.1]];
    const x = tf.tensor2d(rows);
    await expectNoLeakedTensors(() => {
      const scores = model.scoreTensor(x);
      const expected = model.predictProba(rows);
      Array.from(scores.dataSync()).forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 6));
      const gradient = tf.grad((input: tf.Tensor) => tf.sum(model.scoreTensor(input as tf.Tensor2D)))(x);
      const g = gradient.arraySync() as number[][];
      rows.forEach((_, r) => {
        const p = expected[r]!;
        // d sigmoid(w·x + b) / dx_j = p (1 - p) w_j; float32: 1e-6.
        model.weights.forEach((w, j) => expect(g[r]![j]).toBeCloseTo(p * (1 - p) * w, 6));
      });
      tf.dispose([scores, gradient]);
    }, 'LogisticRegression.scoreTensor');
    x.dispose();
    const wrong = tf.zeros([1, 3]) as tf.Tensor2D;
    expect(() => model.scoreTensor(wrong)).toThrow('Expected a tensor of shape [rows, 2].');
    wrong.dispose();
  });
});
