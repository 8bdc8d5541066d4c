import { CsrMatrix } from './csr-matrix.js';
import { invalidValue } from './errors.js';
import { BaseRecommender } from './recommender.js';
import { selectTopK, type TopK } from './top-k.js';
import { bm25Weight, tfidfWeight, type Bm25Options } from './weighting.js';

/** How item vectors (columns of the user × item matrix) are compared. */
export type ItemKnnWeighting = 'cosine' | 'bm25' | 'tfidf';

/** Options of {@link ItemKnnRecommender}. */
export interface ItemKnnOptions {
  /** Neighbours kept per item; default 20 (as in `implicit`). */
  neighbours?: number;
  /**
   * `'cosine'` (default): cosine of raw item columns. `'bm25'`: dot product of BM25-weighted
   * item rows (item × user matrix, users as terms), unnormalised as in `implicit`.
   * `'tfidf'`: cosine of TF-IDF-weighted item rows.
   */
  weighting?: ItemKnnWeighting;
  /** BM25 parameters for `weighting: 'bm25'`; default `{ k1: 1.2, b: 0.75 }` (`implicit`'s BM25Recommender). */
  bm25?: Bm25Options;
}

/**
 * Item-item nearest neighbours: score(u, j) = Σ_i r_ui · sim(i, j) over the user's items i,
 * where sim keeps the `neighbours` most similar items of each i (the item itself included).
 *
 * @example
 * const knn = new ItemKnnRecommender({ neighbours: 50, weighting: 'bm25' }).fit(matrix);
 * knn.similarItems(7, 5); // 5 items most similar to item 7
 * knn.recommend(0, 10);
 */
export class ItemKnnRecommender extends BaseRecommender {
  readonly name = 'ItemKnnRecommender';
  readonly neighbours: number;
  readonly weighting: ItemKnnWeighting;
  readonly bm25: Bm25Options;
  private weightedItemUsers: CsrMatrix | null = null;
  private weightedUserItems: CsrMatrix | null = null;
  private similarity: CsrMatrix | null = null;

  constructor(options: ItemKnnOptions = {}) {
    super();
    this.neighbours = options.neighbours ?? 20;
    this.weighting = options.weighting ?? 'cosine';
    this.bm25 = { k1: 1.2, b: 0.75, ...options.bm25 };
    if (!Number.isInteger(this.neighbours) || this.neighbours < 1) {
      throw invalidValue('neighbours', 'ItemKnnRecommender', 'a positive integer', this.neighbours);
    }
    if (!['cosine', 'bm25', 'tfidf'].includes(this.weighting)) {
      throw invalidValue('weighting', 'ItemKnnRecommender', "'cosine', 'bm25' or 'tfidf'", this.weighting);
    }
  }

  /** Fits on a user × item matrix: weights it (`weighting`) and keeps each item's `neighbours` most similar items. */
  fit(userItems: CsrMatrix): this {
    const { weighted, weightedUserItems } = this.prepare(userItems);
    const rows: number[] = [];
    const columns: number[] = [];
    const values: number[] = [];
    // Sparse accumulation: only the items that share a user with `item` are touched, so the fit
    // costs O(Σ_u n_u²), not items² — an item with no users has no neighbours.
    const accumulator = new Float64Array(userItems.columns);
    const seen = new Uint8Array(userItems.columns);
    const touched = new Int32Array(userItems.columns);
    for (let item = 0; item < userItems.columns; item++) {
      if (weighted.indptr[item] === weighted.indptr[item + 1]) continue;
      let count = 0;
      for (let k = weighted.indptr[item]!; k < weighted.indptr[item + 1]!; k++) {
        const user = weighted.indices[k]!;
        const weight = weighted.values[k]!;
        for (let j = weightedUserItems.indptr[user]!; j < weightedUserItems.indptr[user + 1]!; j++) {
          const other = weightedUserItems.indices[j]!;
          if (seen[other] === 0) {
            seen[other] = 1;
            touched[count++] = other;
          }
          accumulator[other]! += weight * weightedUserItems.values[j]!;
        }
      }
      // Selection in ascending item order keeps selectTopK's tie rule (lower index first): scan
      // the whole accumulator when many items were touched (as cheap as sorting them), else
      // sort the touched items. Either way the cost stays within 16 · Σ_u n_u².
      let candidates: Int32Array | null = null;
      let top;
      if (count * 16 >= userItems.columns) {
        top = selectTopK(accumulator, this.neighbours, (j) => accumulator[j] === 0);
      } else {
        candidates = touched.subarray(0, count).sort();
        const scores = Float64Array.from(candidates, (j) => accumulator[j]!);
        top = selectTopK(scores, this.neighbours, (n) => scores[n] === 0);
      }
      for (let n = 0; n < top.indices.length; n++) {
        rows.push(item);
        columns.push(candidates === null ? top.indices[n]! : candidates[top.indices[n]!]!);
        values.push(top.scores[n]!);
      }
      for (let n = 0; n < count; n++) {
        accumulator[touched[n]!] = 0;
        seen[touched[n]!] = 0;
      }
    }
    this.similarity = CsrMatrix.fromTriplets(userItems.columns, userItems.columns, rows, columns, values);
    return this;
  }

  /**
   * Restores a fitted state (used by `deserializeRecommender`): the training matrix and the kept
   * similarities (items × items), as `similarityMatrix` gave them. The weighted matrices that
   * `similarityRow` and `similarItems` use are recomputed from the training matrix (O(nnz)).
   */
  setState(userItems: CsrMatrix, similarity: CsrMatrix): this {
    if (similarity.rows !== userItems.columns || similarity.columns !== userItems.columns) {
      throw invalidValue('similarity', `${this.name}.setState`, `an items × items matrix (${userItems.columns} × ${userItems.columns})`, `${similarity.rows} × ${similarity.columns}`);
    }
    this.prepare(userItems);
    this.similarity = similarity;
    return this;
  }

  /** Weights the item columns as `weighting` says and keeps both orientations. */
  private prepare(userItems: CsrMatrix): { weighted: CsrMatrix; weightedUserItems: CsrMatrix } {
    const itemUsers = userItems.transpose();
    let weighted: CsrMatrix;
    if (this.weighting === 'bm25') weighted = bm25Weight(itemUsers, this.bm25);
    else if (this.weighting === 'tfidf') weighted = normaliseRowsSparse(tfidfWeight(itemUsers));
    else weighted = normaliseRowsSparse(itemUsers);
    const weightedUserItems = weighted.transpose();
    this.userItems = userItems;
    this.weightedItemUsers = weighted;
    this.weightedUserItems = weightedUserItems;
    return { weighted, weightedUserItems };
  }

  /** Kept neighbour similarities, items × items (row i: the neighbours of item i). */
  get similarityMatrix(): CsrMatrix {
    this.fitted();
    return this.similarity as CsrMatrix;
  }

  /** Similarity of `item` to every item (exact, not truncated to the kept neighbours). */
  similarityRow(item: number): Float64Array {
    this.checkItem(item, 'similarityRow');
    const accumulator = new Float64Array(this.itemCount);
    this.accumulate(item, accumulator);
    return accumulator;
  }

  /** The k items most similar to `item`, best first, the item itself left out. */
  similarItems(item: number, k: number): { item: number; score: number }[] {
    this.checkItem(item, 'similarItems');
    if (!Number.isInteger(k) || k < 0) throw invalidValue('k', `${this.name}.similarItems`, 'a non-negative integer', k);
    const top = this.topForItem(item, k, new Float64Array(this.itemCount), true);
    return Array.from(top.indices, (index, n) => ({ item: index, score: top.scores[n]! }));
  }

  /** Score of every item for `user`: Σ over the user's items i of their value · sim(i, item). */
  scoreItems(user: number): Float32Array {
    this.checkUser(user, 'scoreItems');
    const userItems = this.fitted();
    const similarity = this.similarity as CsrMatrix;
    const scores = new Float32Array(userItems.columns);
    const start = userItems.indptr[user]!;
    const end = userItems.indptr[user + 1]!;
    for (let k = start; k < end; k++) {
      const item = userItems.indices[k]!;
      const rating = userItems.values[k]!;
      for (let s = similarity.indptr[item]!; s < similarity.indptr[item + 1]!; s++) {
        scores[similarity.indices[s]!]! += rating * similarity.values[s]!;
      }
    }
    return scores;
  }

  /** Σ_i v_i · sim(i, j) over the given items (v_i = 1 when no values are given). */
  scoreFromItems(items: ArrayLike<number>, values?: ArrayLike<number>): Float32Array {
    this.checkItems(items, values, `${this.name}.scoreFromItems`);
    const similarity = this.similarity as CsrMatrix;
    const scores = new Float32Array(this.itemCount);
    for (let n = 0; n < items.length; n++) {
      const item = items[n]!;
      const value = values?.[n] ?? 1;
      for (let s = similarity.indptr[item]!; s < similarity.indptr[item + 1]!; s++) {
        scores[similarity.indices[s]!]! += value * similarity.values[s]!;
      }
    }
    return scores;
  }

  private accumulate(item: number, accumulator: Float64Array): void {
    const itemUsers = this.weightedItemUsers as CsrMatrix;
    const userItems = this.weightedUserItems as CsrMatrix;
    for (let k = itemUsers.indptr[item]!; k < itemUsers.indptr[item + 1]!; k++) {
      const user = itemUsers.indices[k]!;
      const weight = itemUsers.values[k]!;
      for (let j = userItems.indptr[user]!; j < userItems.indptr[user + 1]!; j++) {
        accumulator[userItems.indices[j]!]! += weight * userItems.values[j]!;
      }
    }
  }

  private topForItem(item: number, k: number, accumulator: Float64Array, excludeSelf: boolean): TopK {
    accumulator.fill(0);
    this.accumulate(item, accumulator);
    // Only items sharing a user can be neighbours; zero similarities are not kept.
    return selectTopK(accumulator, k, (j) => accumulator[j] === 0 || (excludeSelf && j === item));
  }

  private checkItem(item: number, method: string): void {
    const columns = this.fitted().columns;
    if (!Number.isInteger(item) || item < 0 || item >= columns) {
      throw invalidValue('item', `${this.name}.${method}`, `an integer in [0, ${columns})`, item);
    }
  }
}

/** Rows scaled to unit L2 norm. */
function normaliseRowsSparse(matrix: CsrMatrix): CsrMatrix {
  const norms = new Float64Array(matrix.rows);
  for (let r = 0; r < matrix.rows; r++) {
    let sum = 0;
    for (const value of matrix.rowValues(r)) sum += value * value;
    norms[r] = Math.sqrt(sum);
  }
  return matrix.mapValues((value, row) => (norms[row]! > 0 ? value / norms[row]! : 0));
}
