import { CsrMatrix } from './csr-matrix.js';
import { invalidValue } from './errors.js';
import { BaseRecommender } from './recommender.js';
import { choleskySolve } from './cholesky.js';
import { seededRandom } from './rng.js';
import { TopKIndex, type IndexMetric } from './top-k.js';
import { confidenceWeight, resolveConfidenceOptions, type ConfidenceScaling } from './weighting.js';

/** Progress reported after every ALS epoch. */
export interface AlsEpochReport {
  /** 1-based epoch number. */
  epoch: number;
  epochs: number;
  /** Objective divided by the total confidence weight (see {@link ImplicitAls}); NaN when `computeLoss` is false. */
  loss: number;
  /** Wall-clock seconds of the two half-steps (loss computation excluded). */
  seconds: number;
}

/** Options of {@link ImplicitAls}. */
export interface ImplicitAlsOptions {
  /** Latent dimension; default 64. */
  factors?: number;
  /** L2 penalty λ on every factor vector; default 0.01. */
  regularization?: number;
  /** Confidence scale: c = 1 + alpha·r (or the log form); default 40. */
  alpha?: number;
  /** `'linear'` (default) or `'log'`: c = 1 + alpha·log(1 + r/epsilon). */
  scaling?: ConfidenceScaling;
  /** Divisor in the log scaling; default 1. */
  epsilon?: number;
  /** Full passes (users then items); default 15. */
  epochs?: number;
  /** `'cg'` (default): a few conjugate-gradient steps per row, warm-started; `'cholesky'`: exact solve. */
  solver?: 'cg' | 'cholesky';
  /** Conjugate-gradient steps per row and half-epoch; default 3 (as `implicit`). */
  cgSteps?: number;
  /** Seed of the factor initialisation; default 0. */
  seed?: number;
  /** Compute the objective after each epoch (costs about one extra half-step); default true. */
  computeLoss?: boolean;
  /** Called after each epoch. */
  onEpoch?: (report: AlsEpochReport) => void;
}

type ResolvedOptions = Required<Omit<ImplicitAlsOptions, 'onEpoch'>>;

/**
 * Implicit-feedback matrix factorisation by alternating least squares (Hu, Koren & Volinsky
 * 2008). Every (user, item) cell has preference p = 1 if stored in the matrix (else 0) and
 * confidence c = 1 + alpha·r (else 1); ALS minimises
 * Σ_ui c_ui (p_ui − x_u·y_i)² + λ(Σ‖x_u‖² + Σ‖y_i‖²), solving each row either exactly or with a
 * few warm-started conjugate-gradient steps that only touch the row's non-zeros
 * (Takács, Pilászy & Tikk 2011), as `implicit` does with `use_cg`.
 *
 * @example
 * const als = new ImplicitAls({ factors: 32, epochs: 10, alpha: 20, seed: 1,
 *   onEpoch: ({ epoch, loss }) => console.log(epoch, loss) });
 * als.fit(split.train.matrix);
 * als.recommend(0, 10); // [{ item, score }, ...]
 */
export class ImplicitAls extends BaseRecommender {
  readonly name = 'ImplicitAls';
  readonly options: ResolvedOptions;
  private readonly onEpoch: ((report: AlsEpochReport) => void) | undefined;
  userFactors: Float32Array = new Float32Array(0);
  itemFactors: Float32Array = new Float32Array(0);
  /** One report per epoch of the last fit. */
  history: AlsEpochReport[] = [];

  constructor(options: ImplicitAlsOptions = {}) {
    super();
    const where = 'ImplicitAls';
    const confidence = resolveConfidenceOptions(options, where);
    const resolved: ResolvedOptions = {
      factors: options.factors ?? 64,
      regularization: options.regularization ?? 0.01,
      ...confidence,
      epochs: options.epochs ?? 15,
      solver: options.solver ?? 'cg',
      cgSteps: options.cgSteps ?? 3,
      seed: options.seed ?? 0,
      computeLoss: options.computeLoss ?? true,
    };
    if (!Number.isInteger(resolved.factors) || resolved.factors < 1) {
      throw invalidValue('factors', where, 'a positive integer', resolved.factors);
    }
    if (!Number.isFinite(resolved.regularization) || resolved.regularization < 0) {
      throw invalidValue('regularization', where, 'a non-negative number', resolved.regularization);
    }
    if (!Number.isInteger(resolved.epochs) || resolved.epochs < 0) {
      throw invalidValue('epochs', where, 'a non-negative integer', resolved.epochs);
    }
    if (resolved.solver !== 'cg' && resolved.solver !== 'cholesky') {
      throw invalidValue('solver', where, "'cg' or 'cholesky'", resolved.solver);
    }
    if (!Number.isInteger(resolved.cgSteps) || resolved.cgSteps < 1) {
      throw invalidValue('cgSteps', where, 'a positive integer', resolved.cgSteps);
    }
    this.options = resolved;
    this.onEpoch = options.onEpoch;
  }

  /** Factor initialisation as in `implicit`: uniform in [0, 0.01), from the seed. */
  initialise(userItems: CsrMatrix): this {
    const random = seededRandom(this.options.seed);
    const f = this.options.factors;
    this.userItems = userItems;
    this.userFactors = Float32Array.from({ length: userItems.rows * f }, () => random() * 0.01);
    this.itemFactors = Float32Array.from({ length: userItems.columns * f }, () => random() * 0.01);
    this.history = [];
    return this;
  }

  /** Fits on a user × item matrix of non-negative values (counts, ratings, 1s). */
  fit(userItems: CsrMatrix): this {
    for (let k = 0; k < userItems.nnz; k++) {
      if (!(userItems.values[k]! >= 0)) {
        throw invalidValue('userItems', 'ImplicitAls.fit', 'non-negative values', userItems.values[k]);
      }
    }
    this.initialise(userItems);
    const confidence = this.confidence(userItems);
    const confidenceT = confidence.transpose();
    for (let epoch = 1; epoch <= this.options.epochs; epoch++) {
      const start = performance.now();
      this.solveRows(confidence, this.userFactors, this.itemFactors);
      this.solveRows(confidenceT, this.itemFactors, this.userFactors);
      const seconds = (performance.now() - start) / 1000;
      const loss = this.options.computeLoss ? this.lossOf(confidence) : Number.NaN;
      const report: AlsEpochReport = { epoch, epochs: this.options.epochs, loss, seconds };
      this.history.push(report);
      this.onEpoch?.(report);
    }
    return this;
  }

  /** Confidence matrix c = 1 + alpha·r (or log form) with the model's options. */
  confidence(userItems: CsrMatrix): CsrMatrix {
    const { alpha, scaling, epsilon } = this.options;
    return confidenceWeight(userItems, { alpha, scaling, epsilon });
  }

  /**
   * Solves every row of `target` given `fixed` for the confidence rows of `confidence`
   * (users × items to update users, items × users to update items). Public so the solver can
   * be tested against a closed-form solution.
   */
  solveRows(confidence: CsrMatrix, target: Float32Array, fixed: Float32Array): void {
    const f = this.options.factors;
    const gram = gramMatrix(fixed, f, this.options.regularization);
    const x = new Float64Array(f);
    const scratch = new Float64Array(f * f);
    const r = new Float64Array(f);
    const p = new Float64Array(f);
    const ap = new Float64Array(f);
    for (let row = 0; row < confidence.rows; row++) {
      const start = confidence.indptr[row]!;
      const end = confidence.indptr[row + 1]!;
      const offset = row * f;
      for (let j = 0; j < f; j++) x[j] = target[offset + j]!;
      if (this.options.solver === 'cholesky') {
        solveExact(confidence, start, end, fixed, gram, f, x, scratch, r);
      } else {
        conjugateGradient(confidence, start, end, fixed, gram, f, this.options.cgSteps, x, r, p, ap);
      }
      for (let j = 0; j < f; j++) target[offset + j] = x[j]!;
    }
  }

  /**
   * The ALS objective divided by the total confidence weight (nUsers·nItems − nnz + Σc), the
   * normalisation `implicit` reports.
   */
  lossOf(confidence: CsrMatrix): number {
    const f = this.options.factors;
    const gram = gramMatrix(this.itemFactors, f, 0);
    const X = this.userFactors;
    const Y = this.itemFactors;
    let loss = 0;
    let totalConfidence = 0;
    let userNorm = 0;
    for (let u = 0; u < confidence.rows; u++) {
      const xo = u * f;
      // Σ_i (x·y_i)² over all items = xᵀ(YᵀY)x; stored cells are then corrected.
      for (let a = 0; a < f; a++) {
        let row = 0;
        for (let b = 0; b < f; b++) row += gram[a * f + b]! * X[xo + b]!;
        loss += X[xo + a]! * row;
        userNorm += X[xo + a]! ** 2;
      }
      for (let k = confidence.indptr[u]!; k < confidence.indptr[u + 1]!; k++) {
        const c = confidence.values[k]!;
        const yo = confidence.indices[k]! * f;
        let score = 0;
        for (let j = 0; j < f; j++) score += X[xo + j]! * Y[yo + j]!;
        loss += c * (1 - score) ** 2 - score * score;
        totalConfidence += c;
      }
    }
    let itemNorm = 0;
    for (let k = 0; k < Y.length; k++) itemNorm += Y[k]! ** 2;
    loss += this.options.regularization * (userNorm + itemNorm);
    const total = confidence.rows * confidence.columns - confidence.nnz + totalConfidence;
    return loss / total;
  }

  /** Score of every item for `user`: the dot product of the user's and the item's factors. */
  scoreItems(user: number): Float32Array {
    this.checkUser(user, 'scoreItems');
    const f = this.options.factors;
    const items = this.itemCount;
    const scores = new Float32Array(items);
    const xo = user * f;
    for (let i = 0; i < items; i++) {
      let sum = 0;
      const yo = i * f;
      for (let j = 0; j < f; j++) sum += this.userFactors[xo + j]! * this.itemFactors[yo + j]!;
      scores[i] = sum;
    }
    return scores;
  }

  /**
   * Exact least-squares user vector for a history of items (values default to 1), given the
   * trained item factors: what a full ALS user step would give a user with that row.
   */
  userVectorFromItems(items: ArrayLike<number>, values?: ArrayLike<number>): Float32Array {
    this.checkItems(items, values, `${this.name}.userVectorFromItems`);
    const f = this.options.factors;
    const rows = Array.from(items, () => 0);
    const row = CsrMatrix.fromTriplets(1, this.itemCount, rows, items, values ?? rows.map(() => 1), { duplicates: 'last' });
    const confidence = this.confidence(row);
    const gram = gramMatrix(this.itemFactors, f, this.options.regularization);
    const x = new Float64Array(f);
    solveExact(confidence, 0, confidence.nnz, this.itemFactors, gram, f, x, new Float64Array(f * f), new Float64Array(f));
    return Float32Array.from(x);
  }

  /** Item scores for a history of items, through {@link ImplicitAls.userVectorFromItems}. */
  scoreFromItems(items: ArrayLike<number>, values?: ArrayLike<number>): Float32Array {
    const vector = this.userVectorFromItems(items, values);
    return this.itemIndex('dot').scores(vector);
  }

  /** Brute-force top-K index over the item factors (`dot` for recommendation, `cosine` for similarity). */
  itemIndex(metric: IndexMetric = 'dot'): TopKIndex {
    this.fitted();
    return new TopKIndex(this.itemFactors, this.options.factors, { metric });
  }

  /** The k items whose factors have the highest cosine with `item`'s, the item itself left out. */
  similarItems(item: number, k: number): { item: number; score: number }[] {
    const items = this.itemCount;
    if (!Number.isInteger(item) || item < 0 || item >= items) {
      throw invalidValue('item', `${this.name}.similarItems`, `an integer in [0, ${items})`, item);
    }
    const f = this.options.factors;
    const top = this.itemIndex('cosine').query(this.itemFactors.subarray(item * f, (item + 1) * f), k, (j) => j === item);
    return Array.from(top.indices, (index, n) => ({ item: index, score: top.scores[n]! }));
  }

  /** Restores a fitted state (used by `loadRecommender`). */
  setState(userItems: CsrMatrix, userFactors: Float32Array, itemFactors: Float32Array): this {
    const f = this.options.factors;
    if (userFactors.length !== userItems.rows * f || itemFactors.length !== userItems.columns * f) {
      throw invalidValue('userFactors', 'ImplicitAls.setState', `lengths ${userItems.rows * f} and ${userItems.columns * f}`, `${userFactors.length} and ${itemFactors.length}`);
    }
    this.userItems = userItems;
    this.userFactors = userFactors;
    this.itemFactors = itemFactors;
    return this;
  }
}

/** YᵀY + λI as a dense row-major f × f Float64Array. */
function gramMatrix(Y: Float32Array, f: number, regularization: number): Float64Array {
  const gram = new Float64Array(f * f);
  for (let offset = 0; offset < Y.length; offset += f) {
    for (let a = 0; a < f; a++) {
      const ya = Y[offset + a]!;
      if (ya === 0) continue;
      for (let b = a; b < f; b++) gram[a * f + b]! += ya * Y[offset + b]!;
    }
  }
  for (let a = 0; a < f; a++) {
    gram[a * f + a]! += regularization;
    for (let b = 0; b < a; b++) gram[a * f + b] = gram[b * f + a]!;
  }
  return gram;
}

/**
 * CG on (YᵀY + λI + Σ_i (c_i − 1) y_i y_iᵀ) x = Σ_i c_i y_i, starting from x, touching only the
 * row's stored items: the step count, not convergence, bounds the work.
 */
function conjugateGradient(
  confidence: CsrMatrix,
  start: number,
  end: number,
  Y: Float32Array,
  gram: Float64Array,
  f: number,
  steps: number,
  x: Float64Array,
  r: Float64Array,
  p: Float64Array,
  ap: Float64Array,
): void {
  // r = b − A x
  for (let a = 0; a < f; a++) {
    let sum = 0;
    for (let b = 0; b < f; b++) sum -= gram[a * f + b]! * x[b]!;
    r[a] = sum;
  }
  for (let k = start; k < end; k++) {
    const c = confidence.values[k]!;
    const yo = confidence.indices[k]! * f;
    let yx = 0;
    for (let j = 0; j < f; j++) yx += Y[yo + j]! * x[j]!;
    const scale = c - (c - 1) * yx;
    for (let j = 0; j < f; j++) r[j]! += scale * Y[yo + j]!;
  }
  p.set(r);
  let rsOld = dot(r, r);
  if (rsOld < 1e-20) return;
  for (let step = 0; step < steps; step++) {
    for (let a = 0; a < f; a++) {
      let sum = 0;
      for (let b = 0; b < f; b++) sum += gram[a * f + b]! * p[b]!;
      ap[a] = sum;
    }
    for (let k = start; k < end; k++) {
      const c = confidence.values[k]!;
      const yo = confidence.indices[k]! * f;
      let yp = 0;
      for (let j = 0; j < f; j++) yp += Y[yo + j]! * p[j]!;
      const scale = (c - 1) * yp;
      for (let j = 0; j < f; j++) ap[j]! += scale * Y[yo + j]!;
    }
    const alpha = rsOld / dot(p, ap);
    for (let j = 0; j < f; j++) {
      x[j]! += alpha * p[j]!;
      r[j]! -= alpha * ap[j]!;
    }
    const rsNew = dot(r, r);
    if (rsNew < 1e-20) return;
    const beta = rsNew / rsOld;
    for (let j = 0; j < f; j++) p[j] = r[j]! + beta * p[j]!;
    rsOld = rsNew;
  }
}

/** Exact solve of the same system by Cholesky factorisation (A is symmetric positive definite for λ > 0). */
function solveExact(
  confidence: CsrMatrix,
  start: number,
  end: number,
  Y: Float32Array,
  gram: Float64Array,
  f: number,
  x: Float64Array,
  A: Float64Array,
  b: Float64Array,
): void {
  A.set(gram);
  b.fill(0);
  for (let k = start; k < end; k++) {
    const c = confidence.values[k]!;
    const yo = confidence.indices[k]! * f;
    for (let a = 0; a < f; a++) {
      const ya = Y[yo + a]!;
      b[a]! += c * ya;
      for (let bb = 0; bb < f; bb++) A[a * f + bb]! += (c - 1) * ya * Y[yo + bb]!;
    }
  }
  choleskySolve(A, b, f, x);
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j]! * b[j]!;
  return sum;
}
