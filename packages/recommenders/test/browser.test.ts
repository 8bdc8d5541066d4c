// @loom-ml/recommenders in headless Chromium: a page bundled from dist/index.js (esbuild,
// platform browser, no externals) fits implicit ALS and recommends, as Node does; saves to
// IndexedDB and loads after a reload; loads a `.loom` file written in Node from a URL within a
// size limit; and moves saved bytes between Node and the page in both directions.
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, expect, it } from 'vitest';
import { buildInteractions, deserializeRecommender, ImplicitAls, serializeRecommender } from '../src/index.js';
import { ALS_OPTIONS, EVENTS, SCI_FI } from './browser-fixture.js';

type Named = { item: string; score: number }[];

function nodeAls() {
  const { users, items, matrix } = buildInteractions(EVENTS);
  return { users, items, als: new ImplicitAls(ALS_OPTIONS).fit(matrix) };
}
const fromNode = nodeAls();
const nodeBytes = serializeRecommender(fromNode.als, { users: fromNode.users, items: fromNode.items });
const nodeRecommendations: Named = fromNode.als
  .recommend(fromNode.users.indexOf('ann'), 3, { excludeSeen: true })
  .map(({ item, score }) => ({ item: String(fromNode.items.idAt(item)), score }));

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({
  entry: new URL('./browser-page.ts', import.meta.url),
  packageDir: new URL('..', import.meta.url),
  files: { 'models/als.loom': nodeBytes },
});
afterAll(() => opened.close());

it('fits implicit ALS in the page and recommends the rest of the liked group, with Node’s items and scores (atol 1e-5)', async () => {
  const page = await opened.call<{ recommendations: Named; similar: Named }>('fitAlsAndRecommend');
  // ann liked two sci-fi movies: the other three come first, nothing she saw is recommended.
  expect(page.recommendations.map((r) => r.item).sort()).toEqual(SCI_FI.filter((item) => item !== 'alien' && item !== 'aliens').sort());
  expect(page.similar.every((r) => SCI_FI.includes(r.item))).toBe(true);
  expect(page.recommendations.map((r) => r.item)).toEqual(nodeRecommendations.map((r) => r.item));
  page.recommendations.forEach((r, i) => expect(Math.abs(r.score - nodeRecommendations[i]!.score)).toBeLessThanOrEqual(1e-5));
});

it('moves a serialized ALS model from the page to Node and from Node to the page, recommending the same', async () => {
  const page = await opened.call<{ recommendations: Named; saved: number[] }>('fitAlsAndRecommend');
  const restored = deserializeRecommender(Uint8Array.from(page.saved));
  const inNode = restored.model.recommend(restored.users!.indexOf('ann'), 3, { excludeSeen: true }).map(({ item, score }) => ({ item: String(restored.items!.idAt(item)), score }));
  expect(inNode).toEqual(page.recommendations);
  expect(await opened.call<Named>('recommendFromSaved', Array.from(nodeBytes))).toEqual(nodeRecommendations);
});

it('saves to IndexedDB, and after a page reload loads the model recommending the same', async () => {
  const before = await opened.call<Named>('saveToIndexedDb', 'movie-als');
  await opened.reload();
  expect(await opened.call<Named>('loadFromIndexedDb', 'movie-als')).toEqual(before);
});

it('loads a .loom file written in Node from a URL, and stops a download past maxBytes', async () => {
  expect(await opened.call<Named>('loadFromUrl', 'models/als.loom')).toEqual(nodeRecommendations);
  expect(await opened.call<string>('refuseLargeUrl', 'models/als.loom')).toMatch(/more than the limit of 64 bytes/);
});
