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
  /** The `k` best-scored items for `user`, best first, skipping what they have in training (unless `excludeSeen: false`). */
  recommend(user: number, k: number, options?: RecommendOptions): Recommendation[];
  /** `recommend` for many users at once: one list per user, in the order given. */
  recommendBatch(users: ArrayLike<number>, k: number, options?: RecommendOptions): Recommendation[][];
  /** Scores for someone described only by the items they interacted with (e.g. a new visitor). */
  scoreFromItems(items: ArrayLike<number>, values?: ArrayLike<number>): Float32Array;
  /** The `k` best items for someone described by the items they interacted with (scored by `scoreFromItems`), skipping those items. */
  recommendFromItems(items: ArrayLike<number>, k: number, options?: RecommendFromItemsOptions): Recommendation[];
}

/** Options of `recommendFromItems`. */
export interface RecommendFromItemsOptions {
  /** Value of each given item (rating or count); default 1 for each. */
  values?: ArrayLike<number>;
  /** Skip the given items; default true. */
  excludeSeen?: boolean;
  /** Further item indices to skip. */
  exclude?: ArrayLike<number>;
}

/** Shared recommend/recommendBatch on top of `scoreItems`; subclasses store `userItems` in fit. */
export abstract class BaseRecommender implements Recommender {
  abstract readonly name: string;
  protected userItems: CsrMatrix | null = null;

  /** Number of users (rows) of the training matrix; throws before `fit`. */
  get userCount(): number {
    return this.fitted().rows;
  }

  /** Number of items (columns) of the training matrix; throws before `fit`. */
  get itemCount(): number {
    return this.fitted().columns;
  }

  /** The training matrix (users × items) the model was fitted on. */
  get trainingMatrix(): CsrMatrix {
    return this.fitted();
  }

  abstract scoreItems(user: number): Float32Array;

  abstract scoreFromItems(items: ArrayLike<number>, values?: ArrayLike<number>): Float32Array;

  /**
   * Recommends for a user not in the training matrix, from the items they liked (the same
   * scoring as for a known user with that history; for ALS the user vector is solved exactly).
   */
  recommendFromItems(items: ArrayLike<number>, k: number, options: RecommendFromItemsOptions = {}): Recommendation[] {
    const where = `${this.name}.recommendFromItems`;
    const itemCount = this.fitted().columns;
    this.checkItems(items, options.values, where);
    if (!Number.isInteger(k) || k < 0) throw invalidValue('k', where, 'a non-negative integer', k);
    const excluded = new Uint8Array(itemCount);
    if (options.excludeSeen ?? true) for (let i = 0; i < items.length; i++) excluded[items[i]!] = 1;
    if (options.exclude !== undefined) {
      for (let i = 0; i < options.exclude.length; i++) {
        const item = options.exclude[i]!;
        if (item >= 0 && item < itemCount) excluded[item] = 1;
      }
    }
    const top = selectTopK(this.scoreFromItems(items, options.values), k, excluded);
    return Array.from(top.indices, (item, i) => ({ item, score: top.scores[i]! }));
  }

  protected checkItems(items: ArrayLike<number>, values: ArrayLike<number> | undefined, where: string): void {
    const itemCount = this.fitted().columns;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (!Number.isInteger(item) || item < 0 || item >= itemCount) {
        throw invalidValue(`items[${i}]`, where, `an integer in [0, ${itemCount})`, item);
      }
    }
    if (values !== undefined && values.length !== items.length) {
      throw invalidValue('values', where, `length ${items.length} (one per item)`, values.length);
    }
  }

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
