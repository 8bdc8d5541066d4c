import type { CsrMatrix } from './csr-matrix.js';
import { BaseRecommender } from './recommender.js';

/**
 * Baseline: every user gets the items with the most distinct users in training.
 *
 * @example
 * const model = new PopularityRecommender().fit(split.train.matrix);
 * model.recommend(3, 10); // most popular items user 3 has not seen
 */
export class PopularityRecommender extends BaseRecommender {
  readonly name = 'PopularityRecommender';
  private counts: Float32Array = new Float32Array(0);

  /** Counts each item's training users in a user × item matrix. */
  fit(userItems: CsrMatrix): this {
    this.userItems = userItems;
    this.counts = Float32Array.from(userItems.columnCounts());
    return this;
  }

  /** Number of training users per item (the same for every user). */
  scoreItems(user: number): Float32Array {
    this.checkUser(user, 'scoreItems');
    return this.counts.slice();
  }

  /** The same popularity scores: they do not depend on the user. */
  scoreFromItems(items: ArrayLike<number>, values?: ArrayLike<number>): Float32Array {
    this.checkItems(items, values, `${this.name}.scoreFromItems`);
    return this.counts.slice();
  }
}
