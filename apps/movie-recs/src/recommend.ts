import { becauseOf } from './because.js';
import type { MovieView } from './catalog.js';
import { invalidValue } from './errors.js';
import type { ModelBundle } from './model-bundle.js';

/** A movie of the history and how much it added to a recommendation's score. */
export interface BecauseYouLiked {
  id: number;
  title: string;
  contribution: number;
}

/** One recommended movie and its model score. */
export interface MovieRecommendation extends MovieView {
  score: number;
  /**
   * "Because you liked": the (up to 3) movies of the history that added most to the score, with
   * their ALS item-item contributions (only positive ones; absent for a model that is not ALS).
   */
  because?: BecauseYouLiked[];
}

/** The recommendations with their "because you liked" lists, from the history `items` (model columns). */
function withReasons(bundle: ModelBundle, items: readonly number[], values: readonly number[] | undefined, found: { item: number; score: number }[]): MovieRecommendation[] {
  const reasons = becauseOf(bundle.model, items, values, found.map((r) => r.item));
  return found.map(({ item, score }, n) => {
    const recommendation: MovieRecommendation = { ...bundle.catalog.view(Number(bundle.items.idAt(item))), score };
    if (reasons !== null) {
      recommendation.because = reasons[n]!
        .filter((r) => r.contribution > 0)
        .slice(0, 3)
        .map(({ item: liked, contribution }) => {
          const id = Number(bundle.items.idAt(liked));
          return { id, title: bundle.catalog.view(id).title, contribution };
        });
    }
    return recommendation;
  });
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
  // The reasons come from the user's training ratings, folded in as for a new visitor (the
  // trained user vector is close to that solve, not equal to it).
  const matrix = bundle.model.trainingMatrix;
  return withReasons(bundle, Array.from(matrix.rowIndices(user)), Array.from(matrix.rowValues(user)), bundle.model.recommend(user, k, { excludeSeen: true }));
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
  const history = [...new Set(items)];
  return withReasons(bundle, history, undefined, bundle.model.recommendFromItems(history, k));
}

/** Fixed-width text list: rank, title, genres, and an indented "because you liked" line when there are reasons. */
export function formatRecommendations(recommendations: readonly MovieRecommendation[]): string {
  return recommendations
    .map((r, rank) => {
      const line = `${String(rank + 1).padStart(2)}. ${r.title}  [${r.genres.join(', ') || 'no genres'}]`;
      if (r.because === undefined || r.because.length === 0) return line;
      return `${line}\n    because you liked ${r.because.map((b) => `${b.title} (+${b.contribution.toFixed(2)})`).join(', ')}`;
    })
    .join('\n');
}
