import type { CsrMatrix } from './csr-matrix.js';
import { invalidValue, RecommenderError } from './errors.js';
import { selectTopK } from './top-k.js';

/** One recommended item (dense index) and its model score. */
export interface Recommendation {
  item: number;
  score: number;
}

/** Options of `recommend` and `recommendBatch`. */
export interface RecommendOptions {
  /** Skip items the user has in the training matrix; default true. */
  excludeSeen?: boolean;
  /** Further item indices to skip. */
  exclude?: ArrayLike<number>;
}

/**
 * What every model here offers once fitted on a user × item matrix. Users and items are dense
 * indices (see `IdMapping` to go from external ids).
 *
 * @example
 * const model = new PopularityRecommender().fit(matrix);
 * model.recommend(0, 10, { excludeSeen: true }); // [{ item, score }, ...]
 */
export interface Recommender {
  readonly name: string;
  readonly userCount: number;
  readonly itemCount: number;
  /** Score of every item for `user` (higher is better). */
  scoreItems(user: number): Float32Array;
  recommend(user: number, k: number, options?: RecommendOptions): Recommendation[];
  recommendBatch(users: ArrayLike<number>, k: number, options?: RecommendOptions): Recommendation[][];
}

/** Shared recommend/recommendBatch on top of `scoreItems`; subclasses store `userItems` in fit. */
export abstract class BaseRecommender implements Recommender {
  abstract readonly name: string;
  protected userItems: CsrMatrix | null = null;

  get userCount(): number {
    return this.fitted().rows;
  }

  get itemCount(): number {
    return this.fitted().columns;
  }

  /** The training matrix (users × items) the model was fitted on. */
  get trainingMatrix(): CsrMatrix {
    return this.fitted();
  }

  abstract scoreItems(user: number): Float32Array;

  recommend(user: number, k: number, options: RecommendOptions = {}): Recommendation[] {
    const matrix = this.fitted();
    this.checkUser(user, 'recommend');
    if (!Number.isInteger(k) || k < 0) throw invalidValue('k', `${this.name}.recommend`, 'a non-negative integer', k);
    const excluded = new Uint8Array(matrix.columns);
    if (options.excludeSeen ?? true) for (const item of matrix.rowIndices(user)) excluded[item] = 1;
    if (options.exclude !== undefined) {
      for (let i = 0; i < options.exclude.length; i++) {
        const item = options.exclude[i]!;
        if (item >= 0 && item < excluded.length) excluded[item] = 1;
      }
    }
    const top = selectTopK(this.scoreItems(user), k, excluded);
    return Array.from(top.indices, (item, i) => ({ item, score: top.scores[i]! }));
  }

  recommendBatch(users: ArrayLike<number>, k: number, options: RecommendOptions = {}): Recommendation[][] {
    return Array.from(users, (user) => this.recommend(user, k, options));
  }

  protected fitted(): CsrMatrix {
    if (this.userItems === null) {
      throw new RecommenderError(`${this.name} is not fitted. Call fit(userItems) first.`);
    }
    return this.userItems;
  }

  protected checkUser(user: number, method: string): void {
    const rows = this.fitted().rows;
    if (!Number.isInteger(user) || user < 0 || user >= rows) {
      throw invalidValue('user', `${this.name}.${method}`, `an integer in [0, ${rows})`, user);
    }
  }
}
