import { readFileSync } from 'node:fs';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { expect, it } from 'vitest';
import {
  IsolationForest, IsotonicCalibrator, LogisticRegression, PlattScaling, StackingClassifier, TabularEncoder,
  type BaseLearner, type FittedScorer, type IsolationForestJSON, type LogisticRegressionJSON, type TabularRow,
} from './index.js';
import { seededRandom } from './random.js';

/** Small loan-like rows, columns named as lending club's: the bad ones have higher rates and more often grade 'C'. */
function loans(count: number, seed: number) {
  const random = seededRandom(seed);
  const rows: TabularRow[] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const bad = random() < 0.15 ? 1 : 0;
    rows.push({ int_rate: 8 + 6 * random() + 5 * bad, annual_inc: random() < 0.1 ? null : 30_000 + 50_000 * random(), sub_grade: ['A', 'B', 'C'][Math.floor(random() * 2.2 + bad)] ?? 'C' });
    labels.push(bad);
  }
  return { rows, labels };
}

it('runs the README save-and-load example', async () => {
  const { rows: trainRows, labels: trainLabels } = loans(400, 1);
  const { rows: validationRows, labels: validationLabels } = loans(200, 2);
  const { rows: newRows } = loans(50, 3);
  await expectNoLeakedTensors(async () => {
    // --- README save-and-load example (body) ---
    // Fit on the training rows: the encoder, a model, an anomaly detector, a calibrator on validation scores.
    const encoder = TabularEncoder.fit(trainRows, { numeric: ['int_rate', 'annual_inc'], categorical: ['sub_grade'] });
    const model = await LogisticRegression.fit(encoder.transform(trainRows), trainLabels, { classWeight: 'balanced', epochs: 5, seed: 1 });
    const forest = new IsolationForest({ seed: 1 }).fit(encoder.transform(trainRows));
    const platt = new PlattScaling().fit(model.logOdds(encoder.transform(validationRows)), validationLabels);
    const isotonic = new IsotonicCalibrator().fit(model.predictProba(encoder.transform(validationRows)), validationLabels);

    // Everything is versioned plain JSON: save it in one file (write a temporary file, then rename it).
    const saved = JSON.stringify({ encoder: encoder.toJSON(), model: model.toJSON(), forest: forest.toJSON(), platt: platt.toJSON(), isotonic: isotonic.toJSON() });

    // At serving time: rebuild each piece; the scores are identical to the fitted ones.
    const json = JSON.parse(saved);
    const served = { encoder: TabularEncoder.fromJSON(json.encoder), model: LogisticRegression.fromJSON(json.model), forest: IsolationForest.fromJSON(json.forest), platt: PlattScaling.fromJSON(json.platt), isotonic: IsotonicCalibrator.fromJSON(json.isotonic) };
    const features = served.encoder.transform(newRows);
    const probabilities = served.platt.predict(served.model.logOdds(features)); // calibrated P(bad)
    const anomalyScores = served.forest.score(features);                          // (0, 1], unsupervised
    // Malformed input names the field: "Invalid value for `bias` in LogisticRegression.fromJSON. Expected a finite number. Received: 'x'."
    try { LogisticRegression.fromJSON({ ...json.model, bias: 'x' }); } catch (error) { console.log((error as Error).message); }

    // Stacking: base models are your own kinds, so each learner's fitted scorer carries its toJSON,
    // and fromJSON asks you to rebuild each one by learner name.
    const learners: BaseLearner[] = [
      { name: 'logistic', fit: async (rows, labels) => { const m = await LogisticRegression.fit(rows, labels, { epochs: 5, seed: 1 }); return { score: (r) => m.predictProba(r), toJSON: () => m.toJSON() }; } },
      { name: 'forest', fit: (rows) => new IsolationForest({ seed: 1 }).fit(rows) }, // a forest is a scorer with toJSON
    ];
    const stack = await StackingClassifier.fit(encoder.transform(trainRows), trainLabels, learners, { folds: 3, seed: 1 });
    const loadModel = (savedModel: unknown, name: string): FittedScorer => {
      if (name === 'forest') return IsolationForest.fromJSON(savedModel as IsolationForestJSON);
      const m = LogisticRegression.fromJSON(savedModel as LogisticRegressionJSON);
      return { score: (r) => m.predictProba(r), toJSON: () => m.toJSON() };
    };
    const restoredStack = StackingClassifier.fromJSON(JSON.parse(JSON.stringify(stack.toJSON())), loadModel);
    const stacked = restoredStack.predictProba(features);
    // --- end ---
    const original = encoder.transform(newRows);
    expect(Array.from(served.model.predictProba(features))).toEqual(Array.from(model.predictProba(original)));
    expect(probabilities).toEqual(platt.predict(model.logOdds(original)));
    expect(served.isotonic.predict(served.model.predictProba(features))).toEqual(isotonic.predict(model.predictProba(original)));
    expect(Array.from(anomalyScores)).toEqual(Array.from(forest.score(original)));
    expect(Array.from(stacked)).toEqual(Array.from(stack.predictProba(original)));
    expect(() => LogisticRegression.fromJSON({ ...json.model, bias: 'x' })).toThrow("Invalid value for `bias` in LogisticRegression.fromJSON. Expected a finite number. Received: 'x'.");
  });
}, 60_000);

// The README block runs as written (backend, lending-club data and all) in tools/readme-examples;
// this test runs the same code after its set-up on small planted rows and checks the round trip.
it('the README runs the code this test checks, after its own set-up', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /## Saving and loading[^\n]*\n+(?:[^\n]*\n)*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const self = readFileSync(new URL(import.meta.url), 'utf8');
  const body = /\/\/ --- README save-and-load example \(body\) ---\n([\s\S]*?)\n\s*\/\/ --- end ---/.exec(self)?.[1] ?? '';
  const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('import'));
  expect(lines(body).length).toBeGreaterThan(10);
  expect(lines(block).slice(-lines(body).length)).toEqual(lines(body));
});
