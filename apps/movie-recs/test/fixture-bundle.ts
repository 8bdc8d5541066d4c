import { fileURLToPath } from 'node:url';
import { ImplicitAls, buildInteractions } from '@loom-ml/recommenders';
import { MovieCatalog } from '../src/catalog.js';
import { popularityOf, type ModelBundle } from '../src/model-bundle.js';
import { readMovies, readRatings, type Movie } from '../src/movielens.js';

export const FIXTURE_RATINGS = fileURLToPath(new URL('./fixtures/ratings.csv', import.meta.url));
export const FIXTURE_MOVIES = fileURLToPath(new URL('./fixtures/movies.csv', import.meta.url));

/**
 * A small ALS model on the fixture: 24 users in three taste groups (family 1–4, sci-fi 5–8,
 * romance 9–12), 12 rated movies plus one never rated (13).
 */
export async function fixtureBundle(): Promise<ModelBundle & { movies: Movie[] }> {
  const [events, movies] = await Promise.all([readRatings(FIXTURE_RATINGS), readMovies(FIXTURE_MOVIES)]);
  const { users, items, matrix } = buildInteractions(events);
  const model = new ImplicitAls({ factors: 3, alpha: 5, regularization: 1, epochs: 10, seed: 1 }).fit(matrix);
  return { model, users, items, movies, catalog: new MovieCatalog(movies, popularityOf(model, items)) };
}
