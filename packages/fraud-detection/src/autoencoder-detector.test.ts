import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { AutoencoderDetector } from './autoencoder-detector.js';
import { rocAuc } from './curves.js';
import { seededRandom } from './random.js';

/**
 * Normal rows lie near a 2-D plane in 8-D (x = A z + small noise); outliers are drawn with the
 * same per-feature spread but off the plane, so only the joint structure gives them away.
 */
function planeWithOutliers(normals: number, outliers: number, seed: number) {
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const basis = [0, 1].map((k) => Array.from({ length: 8 }, (_, j) => Math.cos((k + 1) * (j + 1))));
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < normals; i++) {
    const z = [random() * 2 - 1, random() * 2 - 1];
    rows.push(basis[0]!.map((_, j) => z[0]! * basis[0]![j]! + z[1]! * basis[1]![j]! + 0.05 * gaussian()));
    labels.push(0);
  }
  for (let i = 0; i < outliers; i++) {
    rows.push(basis[0]!.map((_, j) => 0.6 * gaussian() * Math.hypot(basis[0]![j]!, basis[1]![j]!)));
    labels.push(1);
  }
  return { rows, labels };
}

/** Reconstruction error written out in plain JavaScript from the saved weights and scaling. */
function scoreByHand(json: ReturnType<AutoencoderDetector['toJSON']>, row: number[]): number {
  const x = row.map((v, j) => (v - json.mean[j]!) / json.scale[j]!);
  let activations = x;
  const layers = json.weights.length / 2;
  for (let l = 0; l < layers; l++) {
    const kernel = json.weights[2 * l]!;
    const bias = json.weights[2 * l + 1]!;
    const [inputs, units] = kernel.shape as [number, number];
    activations = Array.from({ length: units }, (_, u) => {
      let z = bias.values[u]!;
      for (let i = 0; i < inputs; i++) z += activations[i]! * kernel.values[i * units + u]!;
      return l < layers - 1 ? Math.tanh(z) : z;
    });
  }
  return activations.reduce((sum, v, j) => sum + (v - x[j]!) ** 2, 0) / x.length;
}

describe('AutoencoderDetector', () => {
  it('ranks off-plane outliers above normal rows (AUC > 0.9) and scores by per-row reconstruction MSE', async () => {
    const train = planeWithOutliers(300, 6, 1);
    const test = planeWithOutliers(300, 30, 2);
    const detector = await new AutoencoderDetector({ hiddenUnits: [6, 2, 6], epochs: 25, batchSize: 64, learningRate: 0.02, seed: 1 }).fit(train.rows);
    const scores = detector.score(test.rows);
    const auc = rocAuc(test.labels, scores);
    expect(auc).toBeGreaterThan(0.9);
    // The outliers are not extreme feature by feature: distance from the mean ranks them far worse.
    const json = detector.toJSON();
    const distance = test.rows.map((row) => row.reduce((sum, v, j) => sum + ((v - json.mean[j]!) / json.scale[j]!) ** 2, 0));
    expect(rocAuc(test.labels, distance)).toBeLessThan(0.8);
    // The score is the mean squared error of the reconstruction (float32 network vs float64 by hand: 1e-4 relative).
    test.rows.slice(0, 10).forEach((row, i) => expect(scores[i]! / scoreByHand(json, row)).toBeCloseTo(1, 4));
    // Training loss fell: it is the same MSE, averaged over the training rows.
    expect(detector.history.at(-1)!.loss).toBeLessThan(detector.history[0]!.loss! / 2);
    detector.dispose();
  }, 30_000);

  it('with labels, trains on the normal rows only', async () => {
    // A third of the training rows are outliers: an autoencoder fitted on them learns them too.
    const train = planeWithOutliers(200, 100, 3);
    const test = planeWithOutliers(200, 20, 4);
    const options = { hiddenUnits: [6, 2, 6], epochs: 30, batchSize: 64, learningRate: 0.01, seed: 2 };
    const all = await new AutoencoderDetector(options).fit(train.rows);
    const normalOnly = await new AutoencoderDetector(options).fit(train.rows, train.labels);
    expect(rocAuc(test.labels, normalOnly.score(test.rows))).toBeGreaterThan(rocAuc(test.labels, all.score(test.rows)));
    // Standardisation used the normal rows' statistics: the saved means are those of the 200 normals.
    const normalMean = train.rows.slice(0, 200).reduce((sum, row) => sum + row[0]!, 0) / 200;
    expect(normalOnly.toJSON().mean[0]).toBeCloseTo(normalMean, 5);
    all.dispose();
    normalOnly.dispose();
  }, 30_000);

  it('round-trips through JSON and leaks no tensors', async () => {
    const { rows } = planeWithOutliers(100, 5, 5);
    await expectNoLeakedTensors(async () => {
      const detector = await new AutoencoderDetector({ epochs: 2, seed: 3 }).fit(rows);
      const copy = AutoencoderDetector.fromJSON(JSON.parse(JSON.stringify(detector.toJSON())));
      expect(Array.from(copy.score(rows))).toEqual(Array.from(detector.score(rows)));
      // Default layers for 8 features: [4, 2, 4].
      expect(detector.toJSON().hiddenUnits).toEqual([4, 2, 4]);
      await detector.fit(rows); // refitting frees the previous network
      copy.dispose();
      detector.dispose();
    }, 'AutoencoderDetector');
  });

  it('names the offending option, row or label', async () => {
    expect(() => new AutoencoderDetector({ hiddenUnits: [] })).toThrow('Invalid value for `hiddenUnits` in AutoencoderDetector. Expected a non-empty array of positive integers. Received: [].');
    expect(() => new AutoencoderDetector({ epochs: 0 })).toThrow('Invalid value for `epochs` in AutoencoderDetector. Expected a positive integer. Received: 0.');
    await expect(new AutoencoderDetector().fit([[1, 2], [3, 4]], [1, 1])).rejects.toThrow('Invalid value for `labels` in AutoencoderDetector.fit. Expected at least 2 rows labelled 0 (normal) to train on. Received: \'0 normal rows\'.');
    await expect(new AutoencoderDetector().fit([[1, 2], [3, Infinity]])).rejects.toThrow('AutoencoderDetector.fit: row 1, feature 1 is Infinity; impute missing values first.');
    expect(() => new AutoencoderDetector().score([[1, 2]])).toThrow('AutoencoderDetector.score: call fit(rows) first (or the detector was disposed).');
  });
});
