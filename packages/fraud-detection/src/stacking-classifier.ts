import { FraudError, invalidValue } from './errors.js';
import { binaryLabels, type FeatureRows } from './feature-matrix.js';
import { LogisticRegression, type LogisticRegressionJSON, type LogisticRegressionOptions } from './logistic-regression.js';
import { seededRandom } from './random.js';
import { checkSavedFormat, savedNumbers } from './saved-json.js';

/** A fitted base model as stacking sees it: scores for rows (higher = more likely class 1). */
export interface FittedScorer {
  /** One score per row. */
  score(rows: FeatureRows): ArrayLike<number>;
  /** Frees the model (e.g. tfjs variables); called when stacking no longer needs it. */
  dispose?(): void;
  /** The model as plain JSON; needed only to save a `StackingClassifier` with `toJSON()`. */
  toJSON?(): unknown;
}

/** What `StackingClassifier.toJSON` writes: the meta model, the standardisation and each base model's own JSON. */
export interface StackingClassifierJSON {
  format: 'loom-ml/stacking-classifier';
  version: 1;
  learnerNames: string[];
  center: number[];
  spread: number[];
  meta: LogisticRegressionJSON;
  /** `toJSON()` of each refitted base model, in `learnerNames` order. */
  models: unknown[];
}

/** How to train one base model: `fit` gets only the rows it may learn from. */
export interface BaseLearner {
  /** Names the learner in `learnerNames` and in error messages. */
  name: string;
  /** Trains a fresh model on these rows and 0/1 labels only, and returns it. */
  fit(rows: FeatureRows, labels: number[]): FittedScorer | Promise<FittedScorer>;
}

/** Options of `outOfFoldScores` (and of `StackingClassifier.fit`): how many stratified folds and their seed. */
export interface OutOfFoldOptions {
  /** Number of stratified folds, at least 2. Default 5. */
  folds?: number;
  /** Seed of the fold assignment (`stratifiedFolds`). Default 0. */
  seed?: number;
}

/** Options of `StackingClassifier.fit`: the out-of-fold settings and the meta-model's options. */
export interface StackingOptions extends OutOfFoldOptions {
  /** Options of the logistic regression over the base scores. Default { epochs: 100, learningRate: 0.05, l2: 1e-4 }. */
  meta?: LogisticRegressionOptions;
}

/**
 * Seeded stratified fold of each row: each class is shuffled and dealt round-robin into the
 * folds, so every fold has the class ratio of the whole set (to within one row).
 *
 * @example
 * stratifiedFolds([0, 0, 0, 1, 1, 1], 3, 1); // e.g. Int32Array [2, 0, 1, 1, 2, 0]
 */
export function stratifiedFolds(labels: ArrayLike<number>, folds: number, seed = 0): Int32Array {
  const where = 'stratifiedFolds';
  const y = binaryLabels(labels, labels?.length ?? 0, where);
  if (!(Number.isInteger(folds) && folds >= 2)) throw invalidValue('folds', where, 'an integer >= 2', folds);
  const random = seededRandom(seed);
  const fold = new Int32Array(y.length);
  for (const cls of [0, 1]) {
    const rows: number[] = [];
    y.forEach((v, i) => v === cls && rows.push(i));
    if (rows.length < folds) throw invalidValue('labels', where, `at least ${folds} rows of each class for ${folds} folds`, `${rows.length} rows of class ${cls}`);
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    rows.forEach((row, k) => (fold[row] = k % folds));
  }
  return fold;
}

function checkLearners(learners: readonly BaseLearner[], where: string): void {
  if (!Array.isArray(learners) || learners.length === 0) throw invalidValue('learners', where, 'a non-empty array of { name, fit } base learners', learners);
  learners.forEach((learner, m) => {
    if (typeof learner?.fit !== 'function' || typeof learner.name !== 'string') throw invalidValue(`learners[${m}]`, where, 'a { name, fit(rows, labels) } base learner', learner);
  });
}

function readScores(scores: ArrayLike<number>, expected: number, learner: string, where: string): ArrayLike<number> {
  if (scores?.length !== expected) throw new FraudError(`${where}: learner '${learner}' returned ${scores?.length} scores for ${expected} rows.`);
  for (let i = 0; i < expected; i++) if (!Number.isFinite(scores[i])) throw new FraudError(`${where}: learner '${learner}' returned ${scores[i]} for row ${i}.`);
  return scores;
}

/**
 * Out-of-fold scores: for each of k stratified folds, every base learner is trained on the other
 * k − 1 folds and scores the held-out fold, so no row is ever scored by a model that saw it.
 * These are the honest inputs for a stacking model (in-sample scores would reward memorising).
 *
 * @example
 * const { scores, folds } = await outOfFoldScores(rows, labels, [logisticLearner, forestLearner], { folds: 5, seed: 1 });
 * // scores[m][i]: learner m's score for row i from the model that did not see fold folds[i]
 */
export async function outOfFoldScores(rows: FeatureRows, labels: ArrayLike<number>, learners: readonly BaseLearner[], options: OutOfFoldOptions = {}): Promise<{ scores: Float64Array[]; folds: Int32Array }> {
  const where = 'outOfFoldScores';
  checkLearners(learners, where);
  if (!Array.isArray(rows) || rows.length !== labels?.length) throw invalidValue('labels', where, `one label per row (${Array.isArray(rows) ? rows.length : 0})`, labels?.length);
  const k = options.folds ?? 5;
  const folds = stratifiedFolds(labels, k, options.seed ?? 0);
  const y = Array.from(labels);
  const scores = learners.map(() => new Float64Array(rows.length));
  for (let f = 0; f < k; f++) {
    const trainRows: number[] = [];
    const heldOut: number[] = [];
    folds.forEach((fold, i) => (fold === f ? heldOut : trainRows).push(i));
    for (let m = 0; m < learners.length; m++) {
      const learner = learners[m]!;
      const model = await learner.fit(trainRows.map((i) => rows[i]!), trainRows.map((i) => y[i]!));
      try {
        const heldOutScores = readScores(model.score(heldOut.map((i) => rows[i]!)), heldOut.length, learner.name, where);
        heldOut.forEach((row, j) => (scores[m]![row] = heldOutScores[j]!));
      } finally {
        model.dispose?.();
      }
    }
  }
  return { scores, folds };
}

/**
 * Stacking: a logistic regression learns how to weigh several base models from their
 * out-of-fold scores (`outOfFoldScores`, k-fold, seeded, stratified), then every base model is
 * refitted on all rows for scoring new ones. Base scores are standardised with their out-of-fold
 * mean and deviation before the meta model, so models on any scale mix. Call `dispose()` to free
 * the refitted base models.
 *
 * @example
 * const learners = [
 *   { name: 'logistic', fit: async (x, y) => { const m = await LogisticRegression.fit(x, y, { classWeight: 'balanced' }); return { score: (r) => m.predictProba(r) }; } },
 *   { name: 'forest', fit: (x) => { const f = new IsolationForest({ seed: 1 }).fit(x); return { score: (r) => f.score(r) }; } },
 * ];
 * const stack = await StackingClassifier.fit(trainRows, trainLabels, learners, { folds: 5, seed: 1 });
 * const probabilities = stack.predictProba(testRows);
 * console.log(stack.metaWeights); // one weight per learner, on standardised scores
 */
export class StackingClassifier {
  private disposed = false;

  private constructor(
    readonly learnerNames: readonly string[],
    private readonly models: FittedScorer[],
    readonly meta: LogisticRegression,
    private readonly center: Float64Array,
    private readonly spread: Float64Array,
    /** The out-of-fold base scores the meta model was trained on (one array per learner; empty for a stack loaded with `fromJSON`). */
    readonly outOfFold: readonly Float64Array[],
  ) {}

  /** Trains the stack: out-of-fold scores of every learner, the meta model on them, then each learner refitted on all rows. */
  static async fit(rows: FeatureRows, labels: ArrayLike<number>, learners: readonly BaseLearner[], options: StackingOptions = {}): Promise<StackingClassifier> {
    const where = 'StackingClassifier.fit';
    checkLearners(learners, where);
    const { scores } = await outOfFoldScores(rows, labels, learners, options);
    const center = Float64Array.from(scores, (s) => s.reduce((a, b) => a + b, 0) / s.length);
    const spread = Float64Array.from(scores, (s, m) => Math.sqrt(s.reduce((a, b) => a + (b - center[m]!) ** 2, 0) / s.length) || 1);
    const metaFeatures = Array.from(rows, (_, i) => scores.map((s, m) => (s[i]! - center[m]!) / spread[m]!));
    const meta = await LogisticRegression.fit(metaFeatures, labels, { epochs: 100, learningRate: 0.05, l2: 1e-4, seed: options.seed ?? 0, ...options.meta });
    const y = Array.from(labels);
    const models: FittedScorer[] = [];
    try {
      for (const learner of learners) models.push(await learner.fit(rows, y));
    } catch (error) {
      for (const model of models) model.dispose?.();
      throw error;
    }
    return new StackingClassifier(learners.map((l) => l.name), models, meta, center, spread, scores);
  }

  /** The meta model's weight of each learner's standardised score. */
  get metaWeights(): number[] {
    return Array.from(this.meta.weights);
  }

  /** P(class 1) per row from the refitted base models' scores. */
  predictProba(rows: FeatureRows): Float64Array {
    if (this.disposed) throw new FraudError('StackingClassifier.predictProba: the classifier was disposed.');
    const where = 'StackingClassifier.predictProba';
    const base = this.models.map((model, m) => readScores(model.score(rows), rows.length, this.learnerNames[m]!, where));
    return this.meta.predictProba(Array.from(rows, (_, i) => base.map((s, m) => (s[i]! - this.center[m]!) / this.spread[m]!)));
  }

  /**
   * The stack as plain, versioned JSON: the meta model, the out-of-fold standardisation and each
   * refitted base model's own `toJSON()` (a learner's `fit` must return a scorer that has one;
   * the error names the learner whose model has not). The out-of-fold scores are not saved.
   *
   * @example
   * // a learner whose model can be saved: IsolationForest is a FittedScorer with toJSON
   * const forestLearner = { name: 'forest', fit: (rows) => new IsolationForest({ seed: 1 }).fit(rows) };
   * const saved = JSON.stringify(stack.toJSON());
   */
  toJSON(): StackingClassifierJSON {
    if (this.disposed) throw new FraudError('StackingClassifier.toJSON: the classifier was disposed.');
    const models = this.models.map((model, m) => {
      if (typeof model.toJSON !== 'function') {
        throw new FraudError(`StackingClassifier.toJSON: learner '${this.learnerNames[m]}' returned a model without toJSON(); return a scorer with toJSON() from its fit to save the stack.`);
      }
      return model.toJSON();
    });
    return { format: 'loom-ml/stacking-classifier', version: 1, learnerNames: [...this.learnerNames], center: Array.from(this.center), spread: Array.from(this.spread), meta: this.meta.toJSON(), models };
  }

  /**
   * Rebuilds a stack saved with `toJSON()`. Base models are the caller's own kinds, so
   * `loadModel(savedModel, learnerName)` turns each saved base model back into a scorer.
   *
   * @example
   * const stack = StackingClassifier.fromJSON(JSON.parse(saved), (json, name) =>
   *   name === 'forest' ? IsolationForest.fromJSON(json as IsolationForestJSON) : wrapLogistic(LogisticRegression.fromJSON(json as LogisticRegressionJSON)));
   */
  static fromJSON(json: StackingClassifierJSON, loadModel: (savedModel: unknown, learnerName: string) => FittedScorer): StackingClassifier {
    const where = 'StackingClassifier.fromJSON';
    const record = checkSavedFormat(json, 'loom-ml/stacking-classifier', 1, where);
    if (typeof loadModel !== 'function') throw invalidValue('loadModel', where, 'a function (savedModel, learnerName) => scorer', loadModel);
    const names = record.learnerNames;
    if (!Array.isArray(names) || names.length === 0 || !names.every((name) => typeof name === 'string')) throw invalidValue('learnerNames', where, 'a non-empty array of strings', names ?? null);
    const center = savedNumbers(record, 'center', where);
    const spread = savedNumbers(record, 'spread', where);
    const saved = record.models;
    for (const [field, list] of [['center', center], ['spread', spread], ['models', saved]] as const) {
      if (!Array.isArray(list) || list.length !== names.length) throw invalidValue(field, where, `${names.length} entries (one per learner)`, Array.isArray(list) ? `${list.length} entries` : (list ?? null));
    }
    spread.forEach((s, m) => {
      if (!(s > 0)) throw invalidValue(`spread[${m}]`, where, 'a number > 0 (a standard deviation)', s);
    });
    const meta = LogisticRegression.fromJSON(record.meta as LogisticRegressionJSON);
    if (meta.weights.length !== names.length) throw invalidValue('meta.weights', where, `${names.length} weights (one per learner)`, `${meta.weights.length} weights`);
    const models: FittedScorer[] = [];
    try {
      (saved as unknown[]).forEach((model, m) => {
        const scorer = loadModel(model, names[m] as string);
        if (typeof scorer?.score !== 'function') throw invalidValue(`models[${m}]`, where, `loadModel to return a { score(rows) } scorer for learner '${names[m]}'`, scorer);
        models.push(scorer);
      });
    } catch (error) {
      for (const model of models) model.dispose?.();
      throw error;
    }
    return new StackingClassifier([...(names as string[])], models, meta, Float64Array.from(center), Float64Array.from(spread), []);
  }

  /** Disposes the refitted base models. */
  dispose(): void {
    if (!this.disposed) for (const model of this.models) model.dispose?.();
    this.disposed = true;
  }
}
