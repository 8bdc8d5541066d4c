import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IdMapping, SavableRecommender } from '@loom-ml/recommenders';
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

/** Loads what {@link saveBundle} wrote; a clear error when the directory holds no model. */
export async function loadBundle(directory: string): Promise<ModelBundle> {
  let loaded;
  let movies: Movie[];
  try {
    await access(join(directory, 'model.json'));
    loaded = await loadRecommender(directory);
    movies = JSON.parse(await readFile(join(directory, 'movies.json'), 'utf8')) as Movie[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError(
        `Invalid value for \`model\` in loadBundle. Expected a directory written by \`pnpm start\` (model.json, weights.bin, movies.json). Received: '${directory}'.`,
      );
    }
    throw error;
  }
  const { model, users, items } = loaded;
  if (users === undefined || items === undefined) {
    throw new AppError(`Invalid value for \`model\` in loadBundle. Expected a model saved with its user and item ids. Received: '${directory}'.`);
  }
  return { model, users, items, catalog: new MovieCatalog(movies, popularityOf(model, items)) };
}
