import { PopularityRecommender } from '@loom-ml/recommenders';
import { describe, expect, it } from 'vitest';
import { fixtureBundle } from '../test/fixture-bundle.js';
import { becauseOf } from './because.js';
import { formatRecommendations, recommendForLikes, recommendForUser } from './recommend.js';

const bundle = await fixtureBundle();

describe('because you liked (ALS item-item contributions)', () => {
  it('splits each score exactly into one term per liked movie (float32 factors: 1e-5)', () => {
    const model = bundle.model;
    const likes = [9, 10, 3].map((id) => bundle.items.indexOf(id));
    const values = [5, 1, 3];
    const scores = model.scoreFromItems(likes, values);
    const targets = Array.from({ length: model.itemCount }, (_, i) => i);
    const terms = becauseOf(model, likes, values, targets)!;
    targets.forEach((i) => {
      expect(terms[i]!.map((t) => t.item).sort()).toEqual([...likes].sort());
      expect(Math.abs(terms[i]!.reduce((s, t) => s + t.contribution, 0) - scores[i]!)).toBeLessThan(1e-5);
      // Largest first.
      terms[i]!.slice(1).forEach((t, n) => expect(t.contribution).toBeLessThanOrEqual(terms[i]![n]!.contribution));
    });
  });

  it('names the liked movies behind each recommendation, in the CLI text too', () => {
    const recs = recommendForLikes(bundle, [9, 10], 2);
    for (const rec of recs) {
      expect(rec.because!.length).toBeGreaterThan(0);
      for (const reason of rec.because!) {
        expect([9, 10]).toContain(reason.id);
        expect(reason.contribution).toBeGreaterThan(0);
      }
    }
    const text = formatRecommendations(recs).split('\n');
    expect(text[1]).toMatch(/^ {4}because you liked .+ \(\+\d+\.\d\d\)/);
    // A known user: the reasons are movies they rated.
    const rated = new Set(Array.from(bundle.model.trainingMatrix.rowIndices(bundle.users.indexOf(1)), (i) => Number(bundle.items.idAt(i))));
    for (const rec of recommendForUser(bundle, 1, 3)) for (const reason of rec.because ?? []) expect(rated.has(reason.id)).toBe(true);
  });

  it('has no reasons for a model that is not ALS', () => {
    const popularity = new PopularityRecommender().fit(bundle.model.trainingMatrix);
    expect(becauseOf(popularity, [0], undefined, [1])).toBeNull();
  });
});
