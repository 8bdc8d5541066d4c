// The README examples' steps on synthetic events with two planted taste groups, checked: ALS, BPR
// and the two-tower model beat popularity, a new item lands among its genre, models save and load.
// tools/readme-examples runs the README blocks themselves on MovieLens, as a user would.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  BprMf,
  ImplicitAls,
  ItemKnnRecommender,
  PopularityRecommender,
  TopKIndex,
  TwoTower,
  seededRandom,
  evaluateRecommender,
  formatMetricsTable,
  multiHotEncode,
  randomSplit,
  type InteractionEvent,
} from '../src/index.js';
import { loadRecommender, saveRecommender } from '../src/node.js';

it('runs the README example end to end', async () => {
  // Two taste groups over 40 films; 60 users; ratings 1..5 and timestamps.
  const random = seededRandom(99);
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

  // README: factors 64, epochs 10, batch 1024 for MovieLens; smaller here (cpu backend in tests).
  const bpr = new BprMf({ factors: 8, epochs: 6, batchSize: 128, learningRate: 0.02, seed: 1 }).fit(matrix);
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
    await saveRecommender(als, join(directory, 'als.loom'), { users, items });
    const loaded = await loadRecommender(join(directory, 'als.loom'));
    expect(loaded.model.recommend(loaded.users!.indexOf('ann'), 10)).toEqual(recs);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

it('runs the README two-tower example (genres as item features, a new item from its genres)', async () => {
  // Two taste groups over 40 films; a film's group shows in its genres, as in the README example.
  const random = seededRandom(7);
  const events: InteractionEvent[] = [];
  for (let user = 0; user < 60; user++) {
    for (let film = 0; film < 40; film++) {
      if (random() < (user % 2 === film % 2 ? 0.5 : 0.05)) events.push({ user: user === 0 ? 'ann' : `user${user}`, item: film === 0 ? 'alien' : `film${film}` });
    }
  }
  const split = randomSplit(events, { testFraction: 0.2, seed: 42 });
  const { users, items, matrix } = split.train;
  const genresOf: Record<string, string[]> = { alien: ['Horror', 'Sci-Fi'] };
  for (let film = 1; film < 40; film++) genresOf[`film${film}`] = film % 2 === 0 ? ['Horror', 'Sci-Fi'] : ['Comedy', 'Romance'];
  const genres = multiHotEncode(Array.from({ length: items.size }, (_, item) => genresOf[String(items.idAt(item))] ?? []));
  // README: batchSize 256 and 5 epochs on MovieLens; smaller here (cpu backend in tests).
  const tower = new TwoTower({ embeddingDimension: 8, temperature: 0.1, batchSize: 64, learningRate: 0.05, epochs: 5, seed: 1 }).fit(matrix, { itemFeatures: genres.rows });
  const recs = tower.recommend(users.indexOf('ann'), 10);
  expect(recs).toHaveLength(10);
  expect(tower.similarItems(items.indexOf('alien'), 5)).toHaveLength(5);
  const popularity = evaluateRecommender(new PopularityRecommender().fit(matrix), split, { k: 10 });
  expect(evaluateRecommender(tower, split, { k: 10 }).ndcg).toBeGreaterThan(popularity.ndcg);
  const newMovie = tower.embedItemFeatures([multiHotEncode([['Horror', 'Sci-Fi']], { vocabulary: genres.vocabulary }).rows[0]!]);
  // The new horror film is closer to the horror films than to the comedies.
  const index = new TopKIndex(tower.itemEmbeddings, 8, { metric: 'cosine' });
  const nearest = Array.from(index.query(newMovie, 5).indices, (item) => String(items.idAt(item)));
  expect(nearest.filter((id) => genresOf[id]![0] === 'Horror').length).toBeGreaterThanOrEqual(4);
  const directory = await mkdtemp(join(tmpdir(), 'loom-readme-tower-'));
  try {
    await saveRecommender(tower, join(directory, 'two-tower.loom'), { users, items });
    expect((await loadRecommender(join(directory, 'two-tower.loom'))).model.recommend(users.indexOf('ann'), 10)).toEqual(recs);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

it('runs the README browser-storage example (fake IndexedDB in Node)', async () => {
  await import('fake-indexeddb/auto');
  const { buildInteractions, ImplicitAls: Als, loadRecommender: load, saveRecommender: save } = await import('../src/index.js');
  const { users, items, matrix } = buildInteractions([
    { user: 'ann', item: 'alien' },
    { user: 'ann', item: 'aliens' },
    { user: 'bob', item: 'alien' },
  ]);
  const als = new Als({ factors: 2, epochs: 5, seed: 1 }).fit(matrix);
  await save(als, 'indexeddb://movie-als', { users, items });
  const { model } = await load('indexeddb://movie-als');
  const [top] = model.recommend(users.indexOf('bob'), 1);
  expect(items.idAt(top!.item)).toBe('aliens');
});
