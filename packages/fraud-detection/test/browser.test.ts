// @loom-ml/fraud-detection in headless Chromium: a page bundled from dist/index.js (esbuild,
// platform browser, no externals) fits a logistic regression and scores loans.
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, expect, it } from 'vitest';
import { LogisticRegression, rocAuc, type LogisticRegressionJSON } from '../src/index.js';
import { fixtureLoans, LOGISTIC_OPTIONS } from './browser-fixture.js';

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({ entry: new URL('./browser-page.ts', import.meta.url), packageDir: new URL('..', import.meta.url) });
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
