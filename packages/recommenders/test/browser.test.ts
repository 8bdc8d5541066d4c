// @loom-ml/recommenders in headless Chromium: a page bundled from dist/index.js (esbuild,
// platform browser, no externals) fits implicit ALS and recommends, as Node does.
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, expect, it } from 'vitest';
import { buildInteractions, ImplicitAls } from '../src/index.js';
import { ALS_OPTIONS, EVENTS, SCI_FI } from './browser-fixture.js';

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({ entry: new URL('./browser-page.ts', import.meta.url), packageDir: new URL('..', import.meta.url) });
afterAll(() => opened.close());

type Named = { item: string; score: number }[];

it('fits implicit ALS in the page and recommends the rest of the liked group, with Node’s items and scores (atol 1e-5)', async () => {
  const page = await opened.call<{ recommendations: Named; similar: Named }>('fitAlsAndRecommend');
  // ann liked two sci-fi movies: the other three come first, nothing she saw is recommended.
  expect(page.recommendations.map((r) => r.item).sort()).toEqual(SCI_FI.filter((item) => item !== 'alien' && item !== 'aliens').sort());
  expect(page.similar.every((r) => SCI_FI.includes(r.item))).toBe(true);

  const { users, items, matrix } = buildInteractions(EVENTS);
  const als = new ImplicitAls(ALS_OPTIONS).fit(matrix);
  const node = als.recommend(users.indexOf('ann'), 3, { excludeSeen: true });
  expect(page.recommendations.map((r) => r.item)).toEqual(node.map((r) => String(items.idAt(r.item))));
  page.recommendations.forEach((r, i) => expect(Math.abs(r.score - node[i]!.score)).toBeLessThanOrEqual(1e-5));
});
