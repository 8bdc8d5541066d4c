import { describe, expect, it } from 'vitest';
import { buildInteractions } from './interactions.js';
import { BprMf } from './bpr-mf.js';
import { ExplicitMf } from './explicit-mf.js';
import { ImplicitAls } from './implicit-als.js';
import { ItemKnnRecommender } from './item-knn.js';
import { PopularityRecommender } from './popularity.js';
import { WarpMf } from './warp-mf.js';
import { createRng } from './rng.js';
import { deserializeRecommender, serializeRecommender } from './serialization.js';

const random = createRng(3);
const events = Array.from({ length: 120 }, () => ({
  user: `u${Math.floor(random() * 15)}`,
  item: Math.floor(random() * 12),
  value: 1 + Math.floor(random() * 3),
}));
// One item with no training interactions at the end, so the column count is not implied by indices.
const interactions = buildInteractions(events);
interactions.items.add('never-seen');
const matrix = buildInteractions(events, { users: interactions.users, items: interactions.items }).matrix;

describe('serializeRecommender / deserializeRecommender', () => {
  it.each([
    new PopularityRecommender().fit(matrix),
    new ItemKnnRecommender({ neighbours: 5, weighting: 'tfidf' }).fit(matrix),
    new ExplicitMf({ factors: 2, epochs: 2, seed: 8 }).fit(matrix),
    new BprMf({ factors: 3, epochs: 1, batchSize: 16, seed: 8 }).fit(matrix),
    new WarpMf({ factors: 3, epochs: 1, batchSize: 16, seed: 8 }).fit(matrix),
  ])('round-trips $name in memory (bytes only, as in a browser)', (model) => {
    const { json, binary } = serializeRecommender(model, { items: interactions.items });
    const loaded = deserializeRecommender(JSON.parse(JSON.stringify(json)), binary.slice());
    expect(loaded.model.name).toBe(model.name);
    expect(loaded.items?.indexOf('never-seen')).toBe(12);
    expect(loaded.users).toBeUndefined();
    for (let user = 0; user < matrix.rows; user++) expect(loaded.model.recommend(user, 4)).toEqual(model.recommend(user, 4));
  });

  it('keeps ALS factors bit-exact and rejects a foreign JSON', () => {
    const als = new ImplicitAls({ factors: 3, epochs: 3, alpha: 4, seed: 8 }).fit(matrix);
    const { json, binary } = serializeRecommender(als);
    const restored = deserializeRecommender(JSON.parse(JSON.stringify(json)), binary).model as ImplicitAls;
    expect(Array.from(restored.itemFactors)).toEqual(Array.from(als.itemFactors));
    expect(restored.options.factors).toBe(3);
    expect(() => deserializeRecommender({ ...json, format: 'other' as never }, binary)).toThrow(
      "Invalid value for `json.format` in deserializeRecommender. Expected 'loom-ml/recommenders' version 1. Received: 'other 1'.",
    );
  });
});
