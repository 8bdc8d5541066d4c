// Newcomer program 2 (issue 22, "Done when"): implicit-feedback ALS and each user's top 10,
// written from the recommenders README alone. It type-checks under --strict with no casts, its
// evaluation speaks metrics' names (averagePrecision, reciprocalRank), and the seed makes its
// factors the same bit for bit on every run.
import { ImplicitAls, evaluateRecommender, randomSplit, type InteractionEvent, type RecommenderMetrics } from '@loom-ml/recommenders';

export interface AlsTop10Result {
  /** The fitted user and item factors. */
  userFactors: Float32Array;
  itemFactors: Float32Array;
  /** The first user's ten recommendations, as external item ids with scores. */
  top10: { item: string | number; score: number }[];
  /** Precision, recall, nDCG, averagePrecision, reciprocalRank... at 10 on the held-out fifth. */
  metrics: RecommenderMetrics;
}

/** Splits `events` 80/20 per user, fits ALS and recommends 10 unseen items to the first user. */
export function alsTop10(events: readonly InteractionEvent[], seed: number): AlsTop10Result {
  const split = randomSplit(events, { testFraction: 0.2, seed });
  const { users, items, matrix } = split.train;
  const als = new ImplicitAls({ factors: 8, alpha: 2, regularization: 0.5, epochs: 5, seed }).fit(matrix);
  const firstUser = users.indexOf(users.idAt(0));
  const top10 = als.recommend(firstUser, 10, { excludeSeen: true }).map(({ item, score }) => ({ item: items.idAt(item), score }));
  return { userFactors: als.userFactors, itemFactors: als.itemFactors, top10, metrics: evaluateRecommender(als, split, { k: 10 }) };
}
