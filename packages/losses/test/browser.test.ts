// @loom-ml/losses in headless Chromium: a page bundled from dist/index.js (esbuild, platform
// browser, no externals) computes losses whose values are checked by hand here.
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, expect, it } from 'vitest';

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({ entry: new URL('./browser-page.ts', import.meta.url), packageDir: new URL('..', import.meta.url) });
afterAll(() => opened.close());

const close = (actual: number[], expected: number[], atol: number) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => expect(Math.abs(value - expected[i]!)).toBeLessThanOrEqual(atol));
};

it('computes sparse categorical and binary cross-entropy from logits, and a summed MSE, in the page (atol 1e-5)', async () => {
  const result = await opened.call<{ backend: string; sparseCategorical: number[]; meanSquaredSum: number[]; binaryFromLogits: number[]; leaked: number }>('losses');
  expect(result.backend).toBe('cpu');
  // log-sum-exp of the row minus the label's logit, in float64.
  const logSumExp = (row: number[]) => Math.log(row.reduce((sum, x) => sum + Math.exp(x), 0));
  close(result.sparseCategorical, [logSumExp([0.1, 0.2, 3]) - 3, logSumExp([2, -1, 0]) - 2], 1e-5);
  // Per-sample means of squared errors (0+1)/2 and (4+9)/2, summed: 0.5 + 6.5.
  close(result.meanSquaredSum, [7], 1e-6);
  // softplus(x) - x*y: log(1+e^2) - 2 and log(1+e^-1).
  close(result.binaryFromLogits, [Math.log1p(Math.exp(2)) - 2, Math.log1p(Math.exp(-1))], 1e-6);
  expect(result.leaked).toBe(0);
});
