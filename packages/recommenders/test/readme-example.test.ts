// The README example, run on synthetic events so that it stays runnable.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  BprMf,
  ImplicitAls,
  ItemKnnRecommender,
  PopularityRecommender,
  createRng,
  evaluateRecommender,
  formatMetricsTable,
  loadRecommender,
  randomSplit,
  saveRecommender,
  type InteractionEvent,
} from '../src/index.js';

it('runs the README example end to end', async () => {
  // Two taste groups over 40 films; 60 users; ratings 1..5 and timestamps.
  const random = createRng(99);
  const events: InteractionEvent[] = [{ user: 'ann', item: 'alien', value: 5, timestamp: 0 }];
  for (let user = 0; user < 60; user++) {
    for (let film = 0; film < 40; film++) {
      const sameGroup = user % 2 === film % 2;
      if (random() < (sameGroup ? 0.5 : 0.05)) {
        events.push({ user: user === 0 ? 'ann' : `user${user}`, item: film === 0 ? 'alien' : `film${film}`, value: 1 + Math.floor(random() * 5), timestamp: events.length });
      }
    }
  }
  const split = randomSplit(events, { testFraction: 0.2, seed: 42 });
  const { users, items, matrix } = split.train;
  const losses: number[] = [];
  const als = new ImplicitAls({ factors: 4, alpha: 2, regularization: 2, epochs: 10, seed: 1, onEpoch: ({ loss }) => losses.push(loss) }).fit(matrix);
  const recs = als.recommend(users.indexOf('ann'), 10, { excludeSeen: true });
  expect(recs).toHaveLength(10);
  for (const { item } of recs) expect(matrix.has(users.indexOf('ann'), item)).toBe(false);

  // README: factors 64, epochs 30, batch 1024 for MovieLens; smaller here (cpu backend in tests).
  const bpr = new BprMf({ factors: 8, epochs: 15, batchSize: 128, learningRate: 0.02, seed: 1 }).fit(matrix);
  expect(bpr.history.at(-1)!.loss).toBeLessThan(bpr.history[0]!.loss);

  const knn = new ItemKnnRecommender({ neighbours: 50, weighting: 'cosine' }).fit(matrix);
  expect(knn.similarItems(items.indexOf('alien'), 5)).toHaveLength(5);

  const popularity = evaluateRecommender(new PopularityRecommender().fit(matrix), split, { k: 10 });
  const alsMetrics = evaluateRecommender(als, split, { k: 10 });
  // The group structure is learnable: ALS must beat popularity on NDCG here.
  expect(alsMetrics.ndcg).toBeGreaterThan(popularity.ndcg);
  expect(evaluateRecommender(bpr, split, { k: 10 }).ndcg).toBeGreaterThan(popularity.ndcg);
  const table = formatMetricsTable([
    { name: 'popularity', metrics: popularity },
    { name: 'ALS', metrics: alsMetrics },
  ]);
  expect(table.split('\n')).toHaveLength(4);

  const directory = await mkdtemp(join(tmpdir(), 'loom-readme-'));
  try {
    await saveRecommender(als, join(directory, 'als'), { users, items });
    const loaded = await loadRecommender(join(directory, 'als'));
    expect(loaded.model.recommend(loaded.users!.indexOf('ann'), 10)).toEqual(recs);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
