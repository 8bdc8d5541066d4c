import { describe, expect, it } from 'vitest';
import { IdMapping } from './id-mapping.js';
import { buildInteractions } from './interactions.js';
import { BprMf } from './bpr-mf.js';
import { ExplicitMf } from './explicit-mf.js';
import { ImplicitAls } from './implicit-als.js';
import { ItemKnnRecommender } from './item-knn.js';
import { PopularityRecommender } from './popularity.js';
import { WarpMf } from './warp-mf.js';
import { seededRandom } from './rng.js';
import { deserializeRecommender, serializeRecommender } from './serialization.js';

const random = seededRandom(3);
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
    const bytes = serializeRecommender(model, { items: interactions.items });
    const loaded = deserializeRecommender(bytes.slice());
    expect(loaded.model.name).toBe(model.name);
    expect(loaded.items?.indexOf('never-seen')).toBe(12);
    expect(loaded.users).toBeUndefined();
    for (let user = 0; user < matrix.rows; user++) expect(loaded.model.recommend(user, 4)).toEqual(model.recommend(user, 4));
  });

  it('keeps ALS factors bit-exact and rejects bytes that are not a saved model', () => {
    const als = new ImplicitAls({ factors: 3, epochs: 3, alpha: 4, seed: 8 }).fit(matrix);
    const restored = deserializeRecommender(serializeRecommender(als)).model as ImplicitAls;
    expect(Array.from(restored.itemFactors)).toEqual(Array.from(als.itemFactors));
    expect(restored.options.factors).toBe(3);
    expect(() => deserializeRecommender(new TextEncoder().encode('{"format":"loom-ml/recommenders"}'))).toThrow(
      'Invalid value for `bytes` in deserializeRecommender. Expected a saved model (a Loom container, starting "LOOMSAFE"); for a model saved by 0.1 pass its json and binary parts. Received: \'33 bytes of something else\'.',
    );
  });

  it('keeps item-kNN similarities, so loading does not re-fit', () => {
    const knn = new ItemKnnRecommender({ neighbours: 3, weighting: 'tfidf' }).fit(matrix);
    const restored = deserializeRecommender(serializeRecommender(knn)).model as ItemKnnRecommender;
    expect(restored.similarityMatrix).toEqual(knn.similarityMatrix);
    expect(restored.similarItems(2, 4)).toEqual(knn.similarItems(2, 4));
  });

  it('refuses id mappings that do not match the matrix', () => {
    const popularity = new PopularityRecommender().fit(matrix);
    expect(() => serializeRecommender(popularity, { items: new IdMapping(['a']) })).toThrow(
      `Invalid value for \`mappings.items\` in serializeRecommender. Expected ${matrix.columns} ids (one per column of the training matrix). Received: '1 ids'.`,
    );
  });
});
