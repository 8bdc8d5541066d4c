import { choleskySolve } from './cholesky.js';
import { CsrMatrix } from './csr-matrix.js';
import { invalidValue } from './errors.js';
import { BaseRecommender } from './recommender.js';
import { seededRandom } from './rng.js';

/** Progress reported after every explicit MF epoch. */
export interface ExplicitMfEpochReport {
  epoch: number;
  epochs: number;
  /** Root mean squared error on the training ratings after the epoch. */
  rmse: number;
  seconds: number;
}

/** Options of {@link ExplicitMf}. */
export interface ExplicitMfOptions {
  /** Latent dimension; default 16. */
  factors?: number;
  /** λ in the weighted-λ penalty λ·n·‖x‖² (n = ratings of the row); default 0.1. */
  regularization?: number;
  /** Full passes (users then items); default 10. */
  epochs?: number;
  /** Seed of the factor initialisation; default 0. */
  seed?: number;
  onEpoch?: (report: ExplicitMfEpochReport) => void;
}

/**
 * Explicit-rating matrix factorisation by ALS with weighted-λ regularisation (Zhou et al. 2008):
 * predicts r̂_ui = μ + x_u·y_i, where μ is the mean training rating, fitting only the stored
 * ratings. Each row is an exact ridge solve: (Yᵀ_I Y_I + λ·n_u·I) x_u = Yᵀ_I (r_u − μ).
 *
 * @example
 * const mf = new ExplicitMf({ factors: 10, regularization: 0.05, epochs: 10 }).fit(split.train.matrix);
 * mf.predict(0, 3); // predicted rating
 * mf.rmse(split.test); // RMSE on held-out ratings
 */
export class ExplicitMf extends BaseRecommender {
  readonly name = 'ExplicitMf';
  readonly options: Required<Omit<ExplicitMfOptions, 'onEpoch'>>;
  private readonly onEpoch: ((report: ExplicitMfEpochReport) => void) | undefined;
  userFactors: Float32Array = new Float32Array(0);
  itemFactors: Float32Array = new Float32Array(0);
  globalMean = 0;
  history: ExplicitMfEpochReport[] = [];

  constructor(options: ExplicitMfOptions = {}) {
    super();
    const where = 'ExplicitMf';
    this.options = {
      factors: options.factors ?? 16,
      regularization: options.regularization ?? 0.1,
      epochs: options.epochs ?? 10,
      seed: options.seed ?? 0,
    };
    const { factors, regularization, epochs } = this.options;
    if (!Number.isInteger(factors) || factors < 1) throw invalidValue('factors', where, 'a positive integer', factors);
    if (!Number.isFinite(regularization) || regularization <= 0) {
      throw invalidValue('regularization', where, 'a positive number', regularization);
    }
    if (!Number.isInteger(epochs) || epochs < 0) throw invalidValue('epochs', where, 'a non-negative integer', epochs);
    this.onEpoch = options.onEpoch;
  }

  /** Fits on a user × item matrix of ratings (only the stored entries count), `epochs` ALS sweeps. */
  fit(ratings: CsrMatrix): this {
    if (ratings.nnz === 0) throw invalidValue('ratings', 'ExplicitMf.fit', 'at least one rating', 0);
    const f = this.options.factors;
    const random = seededRandom(this.options.seed);
    // Small symmetric init: the first user solve then sees informative item factors.
    this.userFactors = Float32Array.from({ length: ratings.rows * f }, () => (random() - 0.5) * 0.1);
    this.itemFactors = Float32Array.from({ length: ratings.columns * f }, () => (random() - 0.5) * 0.1);
    this.globalMean = ratings.values.reduce((sum, v) => sum + v, 0) / ratings.nnz;
    this.userItems = ratings;
    this.history = [];
    const transposed = ratings.transpose();
    for (let epoch = 1; epoch <= this.options.epochs; epoch++) {
      const start = performance.now();
      this.solveRows(ratings, this.userFactors, this.itemFactors);
      this.solveRows(transposed, this.itemFactors, this.userFactors);
      const seconds = (performance.now() - start) / 1000;
      const report = { epoch, epochs: this.options.epochs, rmse: this.rmse(ratings), seconds };
      this.history.push(report);
      this.onEpoch?.(report);
    }
    return this;
  }

  /** Exact ridge solve of every row of `target` with `fixed` held constant. */
  solveRows(ratings: CsrMatrix, target: Float32Array, fixed: Float32Array): void {
    const f = this.options.factors;
    const A = new Float64Array(f * f);
    const b = new Float64Array(f);
    const x = new Float64Array(f);
    for (let row = 0; row < ratings.rows; row++) {
      const start = ratings.indptr[row]!;
      const end = ratings.indptr[row + 1]!;
      if (start === end) continue; // no ratings: keep the initial vector
      A.fill(0);
      b.fill(0);
      for (let k = start; k < end; k++) {
        const yo = ratings.indices[k]! * f;
        const residual = ratings.values[k]! - this.globalMean;
        for (let a = 0; a < f; a++) {
          const ya = fixed[yo + a]!;
          b[a]! += residual * ya;
          for (let c = 0; c < f; c++) A[a * f + c]! += ya * fixed[yo + c]!;
        }
      }
      const penalty = this.options.regularization * (end - start);
      for (let a = 0; a < f; a++) A[a * f + a]! += penalty;
      for (let a = 0; a < f; a++) x[a] = target[row * f + a]!;
      if (choleskySolve(A, b, f, x)) for (let a = 0; a < f; a++) target[row * f + a] = x[a]!;
    }
  }

  /** Predicted rating of (user, item). */
  predict(user: number, item: number): number {
    const f = this.options.factors;
    let sum = this.globalMean;
    for (let j = 0; j < f; j++) sum += this.userFactors[user * f + j]! * this.itemFactors[item * f + j]!;
    return sum;
  }

  /** Root mean squared error over the stored ratings of `ratings` (same index space as training). */
  rmse(ratings: CsrMatrix): number {
    this.fitted();
    if (ratings.rows > this.userCount || ratings.columns !== this.itemCount) {
      throw invalidValue('ratings', 'ExplicitMf.rmse', `a matrix of at most ${this.userCount} × ${this.itemCount}`, `${ratings.rows} × ${ratings.columns}`);
    }
    let sum = 0;
    for (let user = 0; user < ratings.rows; user++) {
      for (let k = ratings.indptr[user]!; k < ratings.indptr[user + 1]!; k++) {
        sum += (ratings.values[k]! - this.predict(user, ratings.indices[k]!)) ** 2;
      }
    }
    return ratings.nnz === 0 ? 0 : Math.sqrt(sum / ratings.nnz);
  }

  /** Predicted rating of every item for `user`. */
  scoreItems(user: number): Float32Array {
    this.checkUser(user, 'scoreItems');
    return Float32Array.from({ length: this.itemCount }, (_, item) => this.predict(user, item));
  }

  /** Predicted ratings for someone with the given ratings (`values` required), solved exactly. */
  scoreFromItems(items: ArrayLike<number>, values?: ArrayLike<number>): Float32Array {
    const where = `${this.name}.scoreFromItems`;
    this.checkItems(items, values, where);
    if (values === undefined) throw invalidValue('values', where, 'the ratings of the given items', values);
    const rows = Array.from(items, () => 0);
    const row = CsrMatrix.fromTriplets(1, this.itemCount, rows, items, values, { duplicates: 'last' });
    const vector = new Float32Array(this.options.factors);
    this.solveRows(row, vector, this.itemFactors);
    const f = this.options.factors;
    return Float32Array.from({ length: this.itemCount }, (_, item) => {
      let sum = this.globalMean;
      for (let j = 0; j < f; j++) sum += vector[j]! * this.itemFactors[item * f + j]!;
      return sum;
    });
  }

  /** Restores a fitted state (used by `loadRecommender`). */
  setState(ratings: CsrMatrix, userFactors: Float32Array, itemFactors: Float32Array, globalMean: number): this {
    const f = this.options.factors;
    if (userFactors.length !== ratings.rows * f || itemFactors.length !== ratings.columns * f) {
      throw invalidValue('userFactors', 'ExplicitMf.setState', `lengths ${ratings.rows * f} and ${ratings.columns * f}`, `${userFactors.length} and ${itemFactors.length}`);
    }
    this.userItems = ratings;
    this.userFactors = userFactors;
    this.itemFactors = itemFactors;
    this.globalMean = globalMean;
    return this;
  }
}
