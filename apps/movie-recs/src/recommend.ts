import type { MovieView } from './catalog.js';
import { invalidValue } from './errors.js';
import type { ModelBundle } from './model-bundle.js';

/** One recommended movie and its model score. */
export interface MovieRecommendation extends MovieView {
  score: number;
}

/**
 * Top-k movies for a MovieLens user the model was trained on, movies they rated left out.
 *
 * @example
 * recommendForUser(bundle, 42, 10); // [{ id, title, genres, score }, ...]
 */
export function recommendForUser(bundle: ModelBundle, userId: number, k: number): MovieRecommendation[] {
  const user = bundle.users.indexOf(userId);
  if (user < 0) {
    throw invalidValue('user', 'recommend', `a user id from the training data (1 to ${bundle.users.size} in MovieLens-small)`, userId);
  }
  return bundle.model.recommend(user, k, { excludeSeen: true }).map(({ item, score }) => ({
    ...bundle.catalog.view(Number(bundle.items.idAt(item))),
    score,
  }));
}

/**
 * Top-k movies for a new visitor who liked the given movies (by movie id), those left out.
 * Movies without training ratings cannot inform the model and are rejected by name.
 *
 * @example
 * recommendForLikes(bundle, [1, 3114], 10);
 */
export function recommendForLikes(bundle: ModelBundle, movieIds: readonly number[], k: number, where = 'recommend'): MovieRecommendation[] {
  if (movieIds.length === 0) throw invalidValue('likes', where, 'at least one movie', []);
  const items = movieIds.map((id) => {
    const item = bundle.items.indexOf(id);
    if (item < 0) {
      const known = bundle.catalog.get(id) !== undefined;
      throw invalidValue('likes', where, known ? 'movies with ratings in the training data' : 'known movie ids', known ? bundle.catalog.view(id).title : id);
    }
    return item;
  });
  return bundle.model.recommendFromItems([...new Set(items)], k).map(({ item, score }) => ({
    ...bundle.catalog.view(Number(bundle.items.idAt(item))),
    score,
  }));
}

/** Fixed-width text list: rank, title, genres. */
export function formatRecommendations(recommendations: readonly MovieRecommendation[]): string {
  return recommendations
    .map((r, rank) => `${String(rank + 1).padStart(2)}. ${r.title}  [${r.genres.join(', ') || 'no genres'}]`)
    .join('\n');
}
