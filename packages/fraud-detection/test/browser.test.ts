// @loom-ml/fraud-detection in headless Chromium: a page bundled from dist/index.js (esbuild,
// platform browser, no externals) fits a logistic regression and scores loans; saves a model to
// IndexedDB and loads it after a reload; and moves saved model bytes between Node and the page.
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, expect, it } from 'vitest';
import { deserializeFraudModel, IsolationForest, LogisticRegression, rocAuc, serializeFraudModel, type LogisticRegressionJSON } from '../src/index.js';
import { fixtureLoans, LOGISTIC_OPTIONS } from './browser-fixture.js';

// A model fitted and saved here, for the page to fetch.
const fixture = fixtureLoans();
const nodeModel = await LogisticRegression.fit(fixture.rows, fixture.labels, LOGISTIC_OPTIONS);

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({
  entry: new URL('./browser-page.ts', import.meta.url),
  packageDir: new URL('..', import.meta.url),
  files: { 'models/logistic.loom': serializeFraudModel(nodeModel) },
});
afterAll(() => opened.close());

it('fits a logistic regression in the page that ranks bad loans first, and its JSON scores the same in Node (atol 1e-6)', async () => {
  const page = await opened.call<{ auc: number; firstScores: number[]; json: LogisticRegressionJSON }>('fitLogisticRegression');
  const { rows, labels } = fixtureLoans();
  // Bad loans sit 1.5 and 1.0 higher on uniform(-1, 1) features: well separated, not perfectly.
  expect(page.auc).toBeGreaterThan(0.85);
  const restored = LogisticRegression.fromJSON(page.json);
  const nodeScores = restored.predictProba(rows);
  expect(rocAuc(labels, nodeScores)).toBeCloseTo(page.auc, 10);
  page.firstScores.forEach((score, i) => expect(Math.abs(score - nodeScores[i]!)).toBeLessThanOrEqual(1e-6));
});

it('scores in the page with a model fitted and saved as JSON in Node, as Node does (atol 1e-6)', async () => {
  const { rows, labels } = fixtureLoans();
  const model = await LogisticRegression.fit(rows, labels, LOGISTIC_OPTIONS);
  const inPage = await opened.call<number[]>('scoreWithSaved', JSON.parse(JSON.stringify(model.toJSON())));
  const inNode = model.predictProba(rows.slice(0, 10));
  inPage.forEach((score, i) => expect(Math.abs(score - inNode[i]!)).toBeLessThanOrEqual(1e-6));
});

it('saves an isolation forest to IndexedDB and, after a page reload, loads it scoring the same', async () => {
  const before = await opened.call<number[]>('saveForestToIndexedDb', 'forest');
  await opened.reload();
  expect(await opened.call<number[]>('scoreWithStoredForest', 'forest')).toEqual(before);
});

it('loads a model file written in Node from a URL, and Node loads the bytes of a model saved in the page, scoring the same', async () => {
  const page = await opened.call<{ nodeModelScores: number[]; forestBytes: number[]; forestScores: number[] }>('exchangeBytes', 'models/logistic.loom');
  const rows = fixture.rows.slice(0, 10);
  // The weights arrive bit for bit; the page's arithmetic may differ in the last bits (atol 1e-6, as above).
  const inNode = nodeModel.predictProba(rows);
  page.nodeModelScores.forEach((score, i) => expect(Math.abs(score - inNode[i]!)).toBeLessThanOrEqual(1e-6));
  const forest = deserializeFraudModel(Uint8Array.from(page.forestBytes)) as IsolationForest;
  // Same trees and split points (checked bit for bit by model-bytes.test.ts); Chromium's V8 and
  // Node's may round Math.log / ** differently in the last bit (atol 1e-12).
  Array.from(forest.score(rows)).forEach((score, i) => expect(Math.abs(score - page.forestScores[i]!)).toBeLessThanOrEqual(1e-12));
});
