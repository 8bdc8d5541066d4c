import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeValue } from '@loom-ml/core';
import { readFileBounded } from '@loom-ml/core/node';
import { LoomError, type IdMapping, type SavableRecommender } from '@loom-ml/recommenders';
import { loadRecommender, saveRecommender } from '@loom-ml/recommenders/node';
import { MovieCatalog } from './catalog.js';
import { AppError } from './errors.js';
import type { Movie } from './movielens.js';

/** A trained model with the id mappings and the movie catalogue it needs to answer requests. */
export interface ModelBundle {
  model: SavableRecommender;
  /** External user ids (MovieLens userId) ↔ model rows. */
  users: IdMapping;
  /** External item ids (MovieLens movieId) ↔ model columns. */
  items: IdMapping;
  catalog: MovieCatalog;
}

/** Ratings per movie id in the model's training matrix (ranks search results). */
export function popularityOf(model: SavableRecommender, items: IdMapping): Map<number, number> {
  const counts = model.trainingMatrix.columnCounts();
  return new Map(Array.from(counts, (count, index) => [Number(items.idAt(index)), count]));
}

/**
 * Writes `model.json` + `weights.bin` (via `saveRecommender`) and `movies.json` into `directory`,
 * each through a temporary file and a rename.
 */
export async function saveBundle(directory: string, bundle: Omit<ModelBundle, 'catalog'> & { movies: readonly Movie[] }): Promise<void> {
  await mkdir(directory, { recursive: true });
  await saveRecommender(bundle.model, directory, { users: bundle.users, items: bundle.items });
  const temporary = join(directory, `movies.json.${process.pid}.tmp`);
  await writeFile(temporary, JSON.stringify(bundle.movies));
  await rename(temporary, join(directory, 'movies.json'));
}

/** Largest movies.json loadBundle reads. Default 64 MiB (MovieLens-small's is about 700 kB). */
export const MAX_MOVIES_BYTES = 64 * 1024 * 1024;

/**
 * Checks the catalogue read from movies.json: an array of `{ id, title, year, genres }` with
 * distinct non-negative integer ids, titles of at most 500 characters, a year or null, and genre
 * names. A wrong field is an {@link AppError} naming it, e.g. "runs/latest/movies.json: Invalid
 * value for \`[3].title\` in loadBundle. Expected a string of at most 500 characters. Received: 7."
 *
 * @example
 * const movies = validateMovies(JSON.parse(text), 'runs/latest/movies.json');
 */
export function validateMovies(value: unknown, file: string): Movie[] {
  const fail = (path: string, expected: string, received: unknown): never => {
    throw new AppError(`${file}: Invalid value for \`${path}\` in loadBundle. Expected ${expected}. Received: ${received === undefined ? 'nothing' : describeValue(received)}.`);
  };
  if (!Array.isArray(value)) return fail('movies.json', 'an array of movies written by `pnpm start`', value);
  const ids = new Set<number>();
  value.forEach((movie: unknown, i) => {
    if (typeof movie !== 'object' || movie === null || Array.isArray(movie)) return fail(`[${i}]`, 'a movie { id, title, year, genres }', movie);
    const { id, title, year, genres } = movie as Record<string, unknown>;
    if (!Number.isSafeInteger(id) || (id as number) < 0) fail(`[${i}].id`, 'a non-negative integer', id);
    if (ids.has(id as number)) fail(`[${i}].id`, 'an id no other movie has', id);
    ids.add(id as number);
    if (typeof title !== 'string' || title.length > 500) fail(`[${i}].title`, 'a string of at most 500 characters', title);
    if (year !== null && !Number.isSafeInteger(year)) fail(`[${i}].year`, 'an integer or null', year);
    if (!Array.isArray(genres) || !genres.every((genre) => typeof genre === 'string' && genre.length <= 100)) fail(`[${i}].genres`, 'an array of genre names', genres);
  });
  return value as Movie[];
}

/**
 * Loads what {@link saveBundle} wrote and checks it all before serving: the model files through
 * `loadRecommender` (size limits, named errors), its user and item ids (one per row and column of
 * the model) and the catalogue ({@link validateMovies}, at most {@link MAX_MOVIES_BYTES}). Any
 * problem is an {@link AppError} naming the file and field.
 *
 * @example
 * const bundle = await loadBundle('runs/latest');
 */
export async function loadBundle(directory: string, { maxMoviesBytes = MAX_MOVIES_BYTES } = {}): Promise<ModelBundle> {
  const missing = () =>
    new AppError(`Invalid value for \`model\` in loadBundle. Expected a directory written by \`pnpm start\` (model.json, weights.bin, movies.json). Received: '${directory}'.`);
  let loaded;
  let text: string;
  const file = join(directory, 'movies.json');
  try {
    await access(join(directory, 'model.json'));
    loaded = await loadRecommender(directory);
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readFileBounded(file, { maxBytes: maxMoviesBytes, what: 'movie catalogue' }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (LoomError.isInstance(error) && / does not exist\.$/.test(error.message))) throw missing();
    // The package and core name the problem (a truncated weights file, a size limit); keep their words.
    if (LoomError.isInstance(error)) throw new AppError(error.message);
    if (error instanceof TypeError && (error as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
      throw new AppError(`Invalid value for \`movies.json\` in loadBundle. Expected UTF-8 JSON in ${file}. Received: bytes that are not UTF-8.`);
    }
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AppError(`Invalid value for \`movies.json\` in loadBundle. Expected JSON in ${file}. Received: a file that does not parse (${(error as Error).message}).`);
  }
  const movies = validateMovies(parsed, file);
  const { model, users, items } = loaded;
  if (users === undefined || items === undefined) {
    throw new AppError(`Invalid value for \`model\` in loadBundle. Expected a model saved with its user and item ids. Received: '${directory}'.`);
  }
  const { rows, columns } = model.trainingMatrix;
  if (users.size !== rows || items.size !== columns) {
    throw new AppError(
      `Invalid value for \`model\` in loadBundle. Expected one user id per model row and one item id per column (${rows} and ${columns}). Received: ${users.size} user ids and ${items.size} item ids in ${join(directory, 'model.json')}.`,
    );
  }
  return { model, users, items, catalog: new MovieCatalog(movies, popularityOf(model, items)) };
}
