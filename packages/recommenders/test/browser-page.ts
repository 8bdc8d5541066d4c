// Page program for browser.test.ts, bundled from the built dist with no externals.
import { buildInteractions, deserializeRecommender, ImplicitAls, serializeRecommender, type SerializedRecommenderJson } from '@loom-ml/recommenders';
import { exposeToTest } from '@loom-ml/test-utils/page';
import { ALS_OPTIONS, EVENTS } from './browser-fixture.js';

exposeToTest({
  /** Fits implicit ALS on the fixture and returns ann's top 3 (unseen) and the items like 'alien'. */
  fitAlsAndRecommend() {
    const { users, items, matrix } = buildInteractions(EVENTS);
    const als = new ImplicitAls(ALS_OPTIONS).fit(matrix);
    const named = (list: { item: number; score: number }[]) => list.map(({ item, score }) => ({ item: String(items.idAt(item)), score }));
    const { json, binary } = serializeRecommender(als, { users, items });
    return {
      recommendations: named(als.recommend(users.indexOf('ann'), 3, { excludeSeen: true })),
      similar: named(als.similarItems(items.indexOf('alien'), 3)),
      saved: { json, binary: Array.from(binary) },
    };
  },

  /** Restores a model serialized in Node and recommends for ann with it. */
  recommendFromSaved(json: SerializedRecommenderJson, binary: number[]) {
    const { model, users, items } = deserializeRecommender(json, Uint8Array.from(binary));
    return model.recommend(users!.indexOf('ann'), 3, { excludeSeen: true }).map(({ item, score }) => ({ item: String(items!.idAt(item)), score }));
  },
});
