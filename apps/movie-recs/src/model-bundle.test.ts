import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBundle } from '../test/fixture-bundle.js';
import { AppError } from './errors.js';
import { loadBundle, saveBundle } from './model-bundle.js';

const bundle = await fixtureBundle();
const directory = await mkdtemp(join(tmpdir(), 'movie-recs-load-'));
const saved = join(directory, 'saved');
beforeAll(() => saveBundle(saved, bundle));
afterAll(() => rm(directory, { recursive: true, force: true }));

/** A copy of the saved bundle with one file replaced. */
async function variant(name: string, file: string, contents: string | Uint8Array): Promise<string> {
  const copy = join(directory, name);
  await cp(saved, copy, { recursive: true });
  await writeFile(join(copy, file), contents);
  return copy;
}

async function loadError(path: string, options?: Parameters<typeof loadBundle>[1]): Promise<AppError> {
  const error = await loadBundle(path, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

// Issue 18, item 7: loadBundle read movies.json with a bare JSON.parse and trusted its shape.
describe('loadBundle checks the whole bundle before serving', () => {
  it.each([
    ['not an array', { movies: [] }, '`movies.json` in loadBundle. Expected an array of movies written by `pnpm start`. Received: {"movies":[]}.'],
    ['a null movie', [null], '`[0]` in loadBundle. Expected a movie { id, title, year, genres }. Received: null.'],
    ['a text id', [{ id: '1', title: 'Toy Story', year: 1995, genres: [] }], "`[0].id` in loadBundle. Expected a non-negative integer. Received: '1'."],
    ['a repeated id', [{ id: 1, title: 'A', year: null, genres: [] }, { id: 1, title: 'B', year: null, genres: [] }], '`[1].id` in loadBundle. Expected an id no other movie has. Received: 1.'],
    ['no title', [{ id: 1, year: 1995, genres: [] }], '`[0].title` in loadBundle. Expected a string of at most 500 characters. Received: nothing.'],
    ['a year as text', [{ id: 1, title: 'A', year: '1995', genres: [] }], "`[0].year` in loadBundle. Expected an integer or null. Received: '1995'."],
    ['genres as text', [{ id: 1, title: 'A', year: 1995, genres: 'Comedy' }], "`[0].genres` in loadBundle. Expected an array of genre names. Received: 'Comedy'."],
  ])('refuses movies.json with %s, naming the field', async (label, movies, message) => {
    const path = await variant(`movies-${label.replace(/\W+/g, '-')}`, 'movies.json', JSON.stringify(movies));
    expect((await loadError(path)).message).toBe(`${join(path, 'movies.json')}: Invalid value for ${message}`);
  });

  it('refuses a movies.json that does not parse, is not UTF-8 or is over the limit', async () => {
    let path = await variant('movies-unparsable', 'movies.json', '[{"id": 1,');
    expect((await loadError(path)).message).toMatch(new RegExp(`^Invalid value for \`movies.json\` in loadBundle\\. Expected JSON in ${join(path, 'movies.json')}\\. Received: a file that does not parse \\(`));
    path = await variant('movies-latin1', 'movies.json', new Uint8Array([0x5b, 0xe9, 0x5d]));
    expect((await loadError(path)).message).toBe(`Invalid value for \`movies.json\` in loadBundle. Expected UTF-8 JSON in ${join(path, 'movies.json')}. Received: bytes that are not UTF-8.`);
    expect((await loadError(saved, { maxMoviesBytes: 100 })).message).toMatch(/^The movie catalogue .*movies\.json has \d+ bytes, more than the limit of 100 \(raise maxBytes if you trust it\)\.$/);
  });

  it('turns the package errors for a damaged model into one named error, and checks the id mappings', async () => {
    let path = await variant('weights-truncated', 'weights.bin', '');
    await truncate(join(path, 'weights.bin'), 10);
    const error = await loadError(path);
    expect(error.message).toMatch(/^The recommender folder .* payload has 10 bytes; its header's tensors take \d+\. The file is truncated\.$/); // the package's words, one line
    const model = JSON.parse(await readFile(join(saved, 'model.json'), 'utf8'));
    model.metadata.items.ids = model.metadata.items.ids.slice(1);
    path = await variant('items-short', 'model.json', JSON.stringify(model));
    // recommenders' loader names the short id list itself; loadBundle checks the same again.
    expect((await loadError(path)).message).toMatch(/^Invalid value for `[^`]*items[^`]*` in \w+\. /);
  });
});
