// @loom-ml/metrics in headless Chromium: a page bundled from dist/index.js (esbuild, platform
// browser, no externals) computes metrics whose values are checked by hand here.
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, expect, it } from 'vitest';

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({ entry: new URL('./browser-page.ts', import.meta.url), packageDir: new URL('..', import.meta.url) });
afterAll(() => opened.close());

it('computes ROC AUC, average precision, a confusion matrix, NDCG and streaming accuracy in the page', async () => {
  const result = await opened.call<Record<string, unknown>>('metrics');
  // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ordered right.
  expect(result.rocAuc).toBeCloseTo(0.75, 10);
  // Ranked 0.8 (pos), 0.4, 0.35 (pos), 0.1: precision 1/1 and 2/3 at the positives, averaged.
  expect(result.averagePrecision).toBeCloseTo((1 + 2 / 3) / 2, 10);
  expect(result.confusionMatrix).toEqual([[1, 0], [1, 1]]);
  // The one relevant item at rank 2 of 3: 1/log2(3) over an ideal DCG of 1.
  expect(result.ndcg).toBeCloseTo(1 / Math.log2(3), 10);
  // Argmax 0 (label 0, right) and 1 (label 2, wrong).
  expect(result.streamingAccuracy).toBe(0.5);
});
