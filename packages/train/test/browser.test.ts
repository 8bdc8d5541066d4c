// @loom-ml/train in headless Chromium: a page bundled from dist/index.js (esbuild, platform
// browser, no externals) fits a one-unit dense model with sgd and checks the loss falls.
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, expect, it } from 'vitest';

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({ entry: new URL('./browser-page.ts', import.meta.url), packageDir: new URL('..', import.meta.url) });
afterAll(() => opened.close());

interface FitResult {
  losses: number[];
  evaluatedLoss: number;
  kernel: number[];
  bias: number[];
  predictions: number[];
  plotStartsWithSvg: boolean;
  leaked: number;
}

it('fits y = 2a - 3b + 0.5 in the page: the loss falls to ~0 and the weights reach the solution (atol 1e-3)', async () => {
  const result = await opened.call<FitResult>('fitLine');
  expect(result.losses).toHaveLength(60);
  expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]! / 1000);
  // Noise-free data: gradient descent converges to the exact solution; 1e-3 leaves room for float32.
  expect(Math.abs(result.kernel[0]! - 2)).toBeLessThan(1e-3);
  expect(Math.abs(result.kernel[1]! + 3)).toBeLessThan(1e-3);
  expect(Math.abs(result.bias[0]! - 0.5)).toBeLessThan(1e-3);
  expect(result.evaluatedLoss).toBeLessThan(1e-6);
  // 2 - 3 + 0.5 and -1 - 6 + 0.5.
  result.predictions.forEach((value, i) => expect(Math.abs(value - [-0.5, -6.5][i]!)).toBeLessThan(5e-3));
  expect(result.plotStartsWithSvg).toBe(true);
  expect(result.leaked).toBe(0);
});
