import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { expect, it } from 'vitest';
import {
  AutoencoderDetector, BalancedBatchSampler, IsolationForest, LogisticRegression, MlpClassifier, StackingClassifier,
  averagePrecision, minMaxAverage, rocAuc, outOfFoldScores, rankAverage, stratifiedFolds, type BaseLearner,
} from './index.js';
import { seededRandom } from './random.js';

/** Tiny synthetic data: 2 features, about 10% positives where both features are high. */
function synthetic(count: number, seed: number) {
  const random = seededRandom(seed);
  const features = Array.from({ length: count }, () => [random() * 2 - 1, random() * 2 - 1]);
  const labels = features.map(([a, b]) => (a! + b! + 0.4 * (random() - 0.5) > 1.1 ? 1 : 0));
  return { features, labels };
}

it('runs the README models example', async () => {
  const { features: trainFeatures, labels: trainLabels } = synthetic(300, 1);
  const { features: testFeatures, labels: testLabels } = synthetic(200, 2);
  await expectNoLeakedTensors(async () => {
    // --- README models example (body) ---
    // An MLP: class weights, or focal loss, or balanced batches; early stopping on a validation share.
    const mlp = await MlpClassifier.fit(trainFeatures, trainLabels, {
      hiddenUnits: [16], classWeight: 'balanced', epochs: 5, validationFraction: 0.2, seed: 1,
      onEpoch: (epoch, logs) => console.log(epoch, logs.loss, logs.val_loss),
    });
    const mlpScores = mlp.predictProba(testFeatures);               // Float64Array of P(class 1)
    const saved = JSON.stringify(mlp.toJSON());                     // architecture + weights
    const focal = await MlpClassifier.fit(trainFeatures, trainLabels, { focalLoss: { gamma: 2, alpha: 0.75 }, epochs: 5, seed: 1 });
    const balanced = await MlpClassifier.fit(trainFeatures, trainLabels, { balancedBatches: { positiveFraction: 0.5 }, epochs: 2, seed: 1 });

    // The sampler on its own: index batches with a fixed share of positives.
    const sampler = new BalancedBatchSampler(trainLabels, { batchSize: 32, positiveFraction: 0.5, seed: 1 });
    const firstBatch = sampler.nextEpoch()[0]!;                      // Int32Array: 16 positive, 16 negative rows

    // A differentiable score for gradient explanations (logistic regression has one too).
    const x = tf.tensor2d(testFeatures.slice(0, 4));
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(mlp.scoreTensor(input as tf.Tensor2D)))(x);

    // An autoencoder anomaly detector, trained on the normal rows (label 0) only.
    const autoencoder = await new AutoencoderDetector({ hiddenUnits: [4, 1, 4], epochs: 5, seed: 1 }).fit(trainFeatures, trainLabels);
    const reconstructionErrors = autoencoder.score(testFeatures);    // higher = more anomalous

    // Combining scores on different scales: by rank, or after min-max scaling.
    const forest = new IsolationForest({ seed: 1 }).fit(trainFeatures);
    const byRank = rankAverage([mlpScores, forest.score(testFeatures)]);
    const byMinMax = minMaxAverage([mlpScores, reconstructionErrors], { weights: [3, 1] });

    // Stacking: a logistic regression over the base models' out-of-fold scores.
    const learners: BaseLearner[] = [
      { name: 'logistic', fit: async (rows, labels) => { const m = await LogisticRegression.fit(rows, labels, { classWeight: 'balanced' }); return { score: (r) => m.predictProba(r) }; } },
      { name: 'forest', fit: (rows) => { const f = new IsolationForest({ seed: 1 }).fit(rows); return { score: (r) => f.score(r) }; } },
    ];
    const stack = await StackingClassifier.fit(trainFeatures, trainLabels, learners, { folds: 3, seed: 1 });
    // The same pieces on their own: seeded stratified folds, and each learner's out-of-fold scores.
    const folds = stratifiedFolds(trainLabels, 3, 1);                 // Int32Array: fold of each row
    const { scores: outOfFold } = await outOfFoldScores(trainFeatures, trainLabels, learners, { folds: 3, seed: 1 });
    const stacked = stack.predictProba(testFeatures);
    console.log(stack.learnerNames, stack.metaWeights);

    [mlp, focal, balanced, autoencoder, stack].forEach((model) => model.dispose());
    tf.dispose([x, gradient]);
    // --- end ---
    expect(MlpClassifier.fromJSON(JSON.parse(saved)).dispose()).toBeUndefined();
    expect(Array.from(firstBatch, (i) => trainLabels[i]).filter((y) => y === 1)).toHaveLength(16);
    // The positives sit in one corner: every supervised score ranks them far above chance (base rate ~0.1).
    for (const scores of [mlpScores, byRank, byMinMax, stacked]) expect(averagePrecision(testLabels, scores)).toBeGreaterThan(0.3);
    expect(gradient.shape).toEqual([4, 2]);
    expect(new Set(folds)).toEqual(new Set([0, 1, 2]));
    expect(outOfFold).toHaveLength(2);
    expect(rocAuc(trainLabels, outOfFold[0]!)).toBeGreaterThan(0.8);
  });
}, 60_000);

// The README block runs as written (backend, lending-club data and all) in tools/readme-examples;
// this test runs the same code after its set-up on planted data, where the results are known.
it('the README runs the code this test checks, after its own set-up', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /## Models example[^\n]*\n+(?:[^\n]*\n)*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const self = readFileSync(new URL(import.meta.url), 'utf8');
  const body = /\/\/ --- README models example \(body\) ---\n([\s\S]*?)\n\s*\/\/ --- end ---/.exec(self)?.[1] ?? '';
  const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('import'));
  expect(lines(body).length).toBeGreaterThan(10);
  expect(lines(block).slice(-lines(body).length)).toEqual(lines(body));
});
