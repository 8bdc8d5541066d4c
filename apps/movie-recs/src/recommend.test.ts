import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureBundle } from '../test/fixture-bundle.js';
import { loadBundle, saveBundle } from './model-bundle.js';
import { formatRecommendations, recommendForLikes, recommendForUser } from './recommend.js';

const bundle = await fixtureBundle();
const directory = await mkdtemp(join(tmpdir(), 'movie-recs-bundle-'));
afterAll(() => rm(directory, { recursive: true, force: true }));
const family = new Set([1, 2, 3, 4]);
const romance = new Set([9, 10, 11, 12]);

describe('recommendations on the fixture model', () => {
  it('gives user 1 (family group, skipped Toy Story) Toy Story first, never a movie they rated', () => {
    const recs = recommendForUser(bundle, 1, 3);
    expect(recs[0]).toMatchObject({ id: 1, title: 'Toy Story (1995)', genres: ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'] });
    const rated = new Set([2, 3, 4, 6]);
    expect(recs.every((r) => !rated.has(r.id))).toBe(true);
    expect(formatRecommendations(recs).split('\n')[0]).toBe(' 1. Toy Story (1995)  [Adventure, Animation, Children, Comedy, Fantasy]');
  });

  it('recommends romance to a new visitor who likes two romance movies', () => {
    const recs = recommendForLikes(bundle, [9, 10], 2);
    expect(recs.map((r) => r.id).every((id) => romance.has(id) && id !== 9 && id !== 10)).toBe(true);
    expect(family.has(recommendForLikes(bundle, [1, 2], 1)[0]!.id)).toBe(true);
  });

  it('names unknown users and unusable movies', () => {
    expect(() => recommendForUser(bundle, 999, 5)).toThrow(
      'Invalid value for `user` in recommend. Expected a user id from the training data (1 to 24 in MovieLens-small). Received: 999.',
    );
    expect(() => recommendForLikes(bundle, [13], 5)).toThrow(
      "Invalid value for `likes` in recommend. Expected movies with ratings in the training data. Received: 'Never Rated (2001)'.",
    );
    expect(() => recommendForLikes(bundle, [4242], 5)).toThrow('Invalid value for `likes` in recommend. Expected known movie ids. Received: 4242.');
    expect(() => bundle.catalog.findByTitle('Toy Story')).toThrow(
      'Invalid value for `like` in recommend. Expected a movie title with its year, as "Toy Story (1995)" (did you mean "Toy Story (1995)"?). Received: \'Toy Story\'.',
    );
  });

  it('finds titles case-insensitively and searches by words, most rated first', () => {
    expect(bundle.catalog.findByTitle('  toy story (1995) ').id).toBe(1);
    expect(bundle.catalog.search('alien', 5).map((m) => m.title)).toEqual(['Alien (1979)', 'Aliens (1986)'].sort((a, b) => (a === 'Alien (1979)' ? -1 : 1)));
    expect(bundle.catalog.search('the seattle', 5).map((m) => m.id)).toEqual([12]);
    expect(bundle.catalog.search('   ', 5)).toEqual([]);
  });

  it('saves and loads the bundle (atomic files, same recommendations)', async () => {
    await saveBundle(directory, bundle);
    expect((await readdir(directory)).sort()).toEqual(['model.json', 'movies.json', 'weights.bin']);
    const loaded = await loadBundle(directory);
    expect(recommendForUser(loaded, 5, 4)).toEqual(recommendForUser(bundle, 5, 4));
    await expect(loadBundle(join(directory, 'missing'))).rejects.toThrow(
      `Invalid value for \`model\` in loadBundle. Expected a directory written by \`pnpm start\` (model.json, weights.bin, movies.json). Received: '${join(directory, 'missing')}'.`,
    );
  });
});
