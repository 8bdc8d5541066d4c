// @loom-ml/explain in headless Chromium: a page bundled from dist/index.js (esbuild, platform
// browser, no externals) explains small models whose attributions are known in closed form.
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, expect, it } from 'vitest';

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({ entry: new URL('./browser-page.ts', import.meta.url), packageDir: new URL('..', import.meta.url) });
afterAll(() => opened.close());

it('integrated gradients, occlusion and exact KernelSHAP give their closed forms in the page', async () => {
  const result = await opened.call<{ backend: string; ig: number[]; gaps: number[]; drops: number[]; shap: number[]; exact: boolean; leaked: number }>('explain');
  expect(result.backend).toBe('cpu');
  // Σ a x² from a zero baseline: a_i x_i² exactly (trapezoid, gradient linear in α); float32: 1e-5.
  const expected = [1.5 * 4, -0.5 * 1, 2 * 2.25, 1.5 * 0.25, -0.5 * 0.25, 2 * 0.25];
  result.ig.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5));
  result.gaps.forEach((gap) => expect(Math.abs(gap)).toBeLessThan(1e-5));
  // Sum of ones over each 2 × 2 patch of a 4 × 4 image of ones.
  expect(result.drops).toEqual([4, 4, 4, 4]);
  // p·q + r from 0: the product's 6 splits evenly between p and q (Shapley), r keeps its 1.
  expect(result.exact).toBe(true);
  [3, 3, 1].forEach((v, i) => expect(Math.abs(result.shap[i]! - v)).toBeLessThan(1e-9));
  expect(result.leaked).toBe(0);
});
