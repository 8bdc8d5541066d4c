// @loom-ml/optimizers in headless Chromium: a page bundled from dist/index.js (esbuild, platform
// browser, no externals) runs Adam; the steps are checked against Adam written out here.
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, expect, it } from 'vitest';

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({ entry: new URL('./browser-page.ts', import.meta.url), packageDir: new URL('..', import.meta.url) });
afterAll(() => opened.close());

/** Adam as Kingma & Ba write it (eps outside the root, as optax), in float64, on f(w) = sum(w²). */
function referenceAdam(start: number[], learningRate: number, steps: number): number[][] {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const w = [...start];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < w.length; i++) {
      const g = 2 * w[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      w[i] = w[i]! - (learningRate * (m[i]! / (1 - b1 ** t))) / (Math.sqrt(v[i]! / (1 - b2 ** t)) + eps);
    }
    out.push([...w]);
  }
  return out;
}

it('takes Adam steps in the page that match Adam by hand (float32, atol 1e-5), with JSON-safe state and no leaks', async () => {
  const result = await opened.call<{ trajectory: number[][]; stateBytes: number; leaked: number }>('adamSteps', [1, -2], 0.1, 5);
  const expected = referenceAdam([1, -2], 0.1, 5);
  // The first step moves each weight by the learning rate against its gradient's sign.
  expect(result.trajectory[0]![0]).toBeCloseTo(0.9, 6);
  expect(result.trajectory[0]![1]).toBeCloseTo(-1.9, 6);
  result.trajectory.forEach((weights, step) => weights.forEach((value, i) => expect(Math.abs(value - expected[step]![i]!)).toBeLessThanOrEqual(1e-5)));
  expect(result.stateBytes).toBeGreaterThan(0);
  expect(result.leaked).toBe(0);
});
