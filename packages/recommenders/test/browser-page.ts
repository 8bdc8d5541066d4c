// Page program for browser.test.ts, bundled from the built dist with no externals.
import { buildInteractions, deserializeRecommender, ImplicitAls, loadRecommender, saveRecommender, serializeRecommender } from '@loom-ml/recommenders';
import { exposeToTest } from '@loom-ml/test-utils/page';
import { ALS_OPTIONS, EVENTS } from './browser-fixture.js';

type Named = { item: string; score: number }[];

function fitAls() {
  const { users, items, matrix } = buildInteractions(EVENTS);
  return { users, items, als: new ImplicitAls(ALS_OPTIONS).fit(matrix) };
}

async function annFrom(loaded: ReturnType<typeof deserializeRecommender>): Promise<Named> {
  const { model, users, items } = loaded;
  return model.recommend(users!.indexOf('ann'), 3, { excludeSeen: true }).map(({ item, score }) => ({ item: String(items!.idAt(item)), score }));
}

exposeToTest({
  /** Fits implicit ALS on the fixture and returns ann's top 3 (unseen), the items like 'alien', and the saved bytes. */
  fitAlsAndRecommend() {
    const { users, items, als } = fitAls();
    const named = (list: { item: number; score: number }[]) => list.map(({ item, score }) => ({ item: String(items.idAt(item)), score }));
    return {
      recommendations: named(als.recommend(users.indexOf('ann'), 3, { excludeSeen: true })),
      similar: named(als.similarItems(items.indexOf('alien'), 3)),
      saved: Array.from(serializeRecommender(als, { users, items })),
    };
  },

  /** Restores a model serialized in Node and recommends for ann with it. */
  recommendFromSaved(bytes: number[]) {
    return annFrom(deserializeRecommender(Uint8Array.from(bytes)));
  },

  /** Fits, saves to IndexedDB and returns ann's recommendations. */
  async saveToIndexedDb(name: string) {
    const { users, items, als } = fitAls();
    await saveRecommender(als, `indexeddb://${name}`, { users, items });
    return annFrom({ model: als, users, items });
  },

  /** Loads what saveToIndexedDb stored (after a reload) and recommends for ann. */
  async loadFromIndexedDb(name: string) {
    return annFrom(await loadRecommender(`indexeddb://${name}`));
  },

  /** Loads a `.loom` file written in Node from a URL of the test server. */
  async loadFromUrl(url: string) {
    return annFrom(await loadRecommender(url, { signal: AbortSignal.timeout(10_000) }));
  },

  /** The message of the error a download past maxBytes gives. */
  async refuseLargeUrl(url: string) {
    try {
      await loadRecommender(url, { maxBytes: 64 });
      return 'loaded';
    } catch (error) {
      return (error as Error).message;
    }
  },
});
