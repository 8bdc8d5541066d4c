// @loom-ml/recommenders in headless Chromium: a page bundled from dist/index.js (esbuild,
// platform browser, no externals) fits implicit ALS and recommends, as Node does; serialized
// models move between Node and the page in both directions.
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, expect, it } from 'vitest';
import { buildInteractions, deserializeRecommender, ImplicitAls, serializeRecommender, type SerializedRecommenderJson } from '../src/index.js';
import { ALS_OPTIONS, EVENTS, SCI_FI } from './browser-fixture.js';

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({ entry: new URL('./browser-page.ts', import.meta.url), packageDir: new URL('..', import.meta.url) });
afterAll(() => opened.close());

type Named = { item: string; score: number }[];

function nodeAls() {
  const { users, items, matrix } = buildInteractions(EVENTS);
  return { users, items, als: new ImplicitAls(ALS_OPTIONS).fit(matrix) };
}

it('fits implicit ALS in the page and recommends the rest of the liked group, with Node’s items and scores (atol 1e-5)', async () => {
  const page = await opened.call<{ recommendations: Named; similar: Named }>('fitAlsAndRecommend');
  // ann liked two sci-fi movies: the other three come first, nothing she saw is recommended.
  expect(page.recommendations.map((r) => r.item).sort()).toEqual(SCI_FI.filter((item) => item !== 'alien' && item !== 'aliens').sort());
  expect(page.similar.every((r) => SCI_FI.includes(r.item))).toBe(true);

  const { users, items, als } = nodeAls();
  const node = als.recommend(users.indexOf('ann'), 3, { excludeSeen: true });
  expect(page.recommendations.map((r) => r.item)).toEqual(node.map((r) => String(items.idAt(r.item))));
  page.recommendations.forEach((r, i) => expect(Math.abs(r.score - node[i]!.score)).toBeLessThanOrEqual(1e-5));
});

it('moves a serialized ALS model from the page to Node and from Node to the page, recommending the same', async () => {
  const page = await opened.call<{ recommendations: Named; saved: { json: SerializedRecommenderJson; binary: number[] } }>('fitAlsAndRecommend');
  const restored = deserializeRecommender(page.saved.json, Uint8Array.from(page.saved.binary));
  const inNode = restored.model.recommend(restored.users!.indexOf('ann'), 3, { excludeSeen: true }).map(({ item, score }) => ({ item: String(restored.items!.idAt(item)), score }));
  expect(inNode).toEqual(page.recommendations);

  const { users, items, als } = nodeAls();
  const { json, binary } = serializeRecommender(als, { users, items });
  const inPage = await opened.call<Named>('recommendFromSaved', json, Array.from(binary));
  expect(inPage).toEqual(als.recommend(users.indexOf('ann'), 3, { excludeSeen: true }).map(({ item, score }) => ({ item: String(items.idAt(item)), score })));
});
