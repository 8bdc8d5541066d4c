import * as tf from '@tensorflow/tfjs-core';
import { adam, Optimizer, type GradientTransformation } from '@loom-ml/optimizers';
import type { CsrMatrix } from './csr-matrix.js';
import { invalidValue } from './errors.js';
import { NegativeSampler } from './negative-sampling.js';
import { BaseRecommender } from './recommender.js';
import { seededRandom } from './rng.js';
import { TopKIndex, type IndexMetric } from './top-k.js';

/** Progress reported after every epoch of a pairwise model. */
export interface PairwiseEpochReport {
  /** 1-based epoch number. */
  epoch: number;
  epochs: number;
  /** Mean ranking loss of the epoch's samples (before each batch's update; regularisation excluded). */
  loss: number;
  /** (user, positive) samples trained on this epoch. */
  samples: number;
  seconds: number;
}

/** Options shared by {@link BprMf} and {@link WarpMf}. */
export interface PairwiseMfOptions {
  /** Latent dimension; default 32. */
  factors?: number;
  /** Learning rate of the default optimizer (Adam); default 0.01. */
  learningRate?: number;
  /** L2 penalty on the factors (and biases) of each batch's rows, per sample; default 1e-4. */
  regularization?: number;
  /** Passes over the positive (user, item) pairs; default 20. */
  epochs?: number;
  /** (user, positive) pairs per gradient step; default 256. */
  batchSize?: number;
  /** Learn a bias per item (captures popularity); default true. */
  itemBias?: boolean;
  /** Seed of the initialisation, the shuffling and the negative sampling; default 0. */
  seed?: number;
  /** A gradient transformation from `@loom-ml/optimizers`; default `adam({ learningRate })`. */
  optimizer?: GradientTransformation;
  /** Called after each epoch. */
  onEpoch?: (report: PairwiseEpochReport) => void;
}

/** The JSON-safe options a fitted model keeps (and saves). */
export type ResolvedPairwiseOptions = Required<Omit<PairwiseMfOptions, 'optimizer' | 'onEpoch'>>;

/** Tensors and helpers alive during one `fit`. */
export interface TrainingState {
  userFactors: tf.Variable;
  itemFactors: tf.Variable;
  itemBias: tf.Variable;
  optimizer: Optimizer;
  sampler: NegativeSampler;
  userItems: CsrMatrix;
}

let variableCounter = 0;

/**
 * Matrix factorisation trained with tfjs on sampled (user, positive, negative) triples: shared
 * by {@link BprMf} and {@link WarpMf}, which define the per-batch loss. Scores are
 * x_u · y_i + b_i. Factors live in `tf.Variable`s during `fit` only; afterwards they are plain
 * Float32Arrays, so scoring needs no backend and leaves no tensors behind.
 *
 * @example
 * // A subclass supplies one gradient step per batch (see BprMf for a complete one):
 * class MyPairwise extends PairwiseMf {
 *   readonly name = 'MyPairwise';
 *   protected trainBatch(state, users, positives) { ...; this.applyStep(state, () => loss); return lossSum; }
 * }
 */
export abstract class PairwiseMf extends BaseRecommender {
  readonly options: ResolvedPairwiseOptions;
  private readonly optimizerTransform: GradientTransformation | undefined;
  private readonly onEpoch: ((report: PairwiseEpochReport) => void) | undefined;
  userFactors: Float32Array = new Float32Array(0);
  itemFactors: Float32Array = new Float32Array(0);
  itemBias: Float32Array = new Float32Array(0);
  /** One report per epoch of the last fit. */
  history: PairwiseEpochReport[] = [];

  constructor(where: string, options: PairwiseMfOptions) {
    super();
    const resolved: ResolvedPairwiseOptions = {
      factors: options.factors ?? 32,
      learningRate: options.learningRate ?? 0.01,
      regularization: options.regularization ?? 1e-4,
      epochs: options.epochs ?? 20,
      batchSize: options.batchSize ?? 256,
      itemBias: options.itemBias ?? true,
      seed: options.seed ?? 0,
    };
    const positiveInteger = (name: keyof ResolvedPairwiseOptions, minimum: number): void => {
      const value = resolved[name] as number;
      if (!Number.isInteger(value) || value < minimum) {
        throw invalidValue(name, where, minimum === 0 ? 'a non-negative integer' : 'a positive integer', value);
      }
    };
    positiveInteger('factors', 1);
    positiveInteger('epochs', 0);
    positiveInteger('batchSize', 1);
    if (!Number.isFinite(resolved.learningRate) || resolved.learningRate <= 0) {
      throw invalidValue('learningRate', where, 'a positive number', resolved.learningRate);
    }
    if (!Number.isFinite(resolved.regularization) || resolved.regularization < 0) {
      throw invalidValue('regularization', where, 'a non-negative number', resolved.regularization);
    }
    if (typeof resolved.itemBias !== 'boolean') throw invalidValue('itemBias', where, 'a boolean', resolved.itemBias);
    if (!Number.isInteger(resolved.seed)) throw invalidValue('seed', where, 'an integer', resolved.seed);
    if (options.optimizer !== undefined && (typeof options.optimizer?.init !== 'function' || typeof options.optimizer.update !== 'function')) {
      throw invalidValue('optimizer', where, 'a gradient transformation { init, update }', options.optimizer);
    }
    this.options = resolved;
    this.optimizerTransform = options.optimizer;
    this.onEpoch = options.onEpoch;
  }

  /**
   * One gradient step on a batch of (user, positive item) pairs; returns the summed ranking
   * loss of the batch (before the step) for the epoch report.
   */
  protected abstract trainBatch(state: TrainingState, users: Int32Array, positives: Int32Array): number;

  /**
   * Fits on a user × item matrix: every stored entry is a positive, whatever its value.
   * Users who have every item (no negative to sample) are skipped.
   */
  fit(userItems: CsrMatrix): this {
    const { factors, epochs, batchSize, seed } = this.options;
    const random = seededRandom(seed);
    // Small random factors break the symmetry; zero biases.
    const scale = 0.1 / Math.sqrt(factors);
    this.userFactors = Float32Array.from({ length: userItems.rows * factors }, () => (random() - 0.5) * 2 * scale);
    this.itemFactors = Float32Array.from({ length: userItems.columns * factors }, () => (random() - 0.5) * 2 * scale);
    this.itemBias = new Float32Array(userItems.columns);
    this.userItems = userItems;
    this.history = [];
    const sampler = new NegativeSampler(userItems, seededRandom(seed ^ 0x5bd1e995));

    // Every trainable (user, positive) pair, as two parallel arrays.
    const pairUsers: number[] = [];
    const pairItems: number[] = [];
    for (let user = 0; user < userItems.rows; user++) {
      if (!sampler.hasNegatives(user)) continue;
      for (const item of userItems.rowIndices(user)) pairUsers.push(user), pairItems.push(item);
    }
    const pairCount = pairUsers.length;
    if (epochs === 0 || pairCount === 0) return this;

    const id = variableCounter++;
    // tidy disposes the initial-value tensors; variables survive it.
    const [userVariable, itemVariable, biasVariable] = tf.tidy(() => [
      tf.variable(tf.tensor2d(this.userFactors, [userItems.rows, factors]), true, `${this.name}_${id}/user_factors`),
      tf.variable(tf.tensor2d(this.itemFactors, [userItems.columns, factors]), true, `${this.name}_${id}/item_factors`),
      tf.variable(tf.zeros([userItems.columns]), this.options.itemBias, `${this.name}_${id}/item_bias`),
    ]) as [tf.Variable, tf.Variable, tf.Variable];
    const trainable = this.options.itemBias ? [userVariable, itemVariable, biasVariable] : [userVariable, itemVariable];
    const optimizer = new Optimizer(this.optimizerTransform ?? adam({ learningRate: this.options.learningRate }), trainable);
    const state: TrainingState = { userFactors: userVariable, itemFactors: itemVariable, itemBias: biasVariable, optimizer, sampler, userItems };
    const order = Int32Array.from({ length: pairCount }, (_, k) => k);
    const batchUsers = new Int32Array(batchSize);
    const batchItems = new Int32Array(batchSize);
    try {
      for (let epoch = 1; epoch <= epochs; epoch++) {
        const start = performance.now();
        shuffle(order, random);
        let lossSum = 0;
        for (let begin = 0; begin < pairCount; begin += batchSize) {
          const size = Math.min(batchSize, pairCount - begin);
          for (let k = 0; k < size; k++) {
            batchUsers[k] = pairUsers[order[begin + k]!]!;
            batchItems[k] = pairItems[order[begin + k]!]!;
          }
          lossSum += this.trainBatch(state, batchUsers.subarray(0, size), batchItems.subarray(0, size));
        }
        const report: PairwiseEpochReport = {
          epoch,
          epochs,
          loss: lossSum / pairCount,
          samples: pairCount,
          seconds: (performance.now() - start) / 1000,
        };
        this.history.push(report);
        this.onEpoch?.(report);
      }
      this.userFactors = Float32Array.from(userVariable.dataSync());
      this.itemFactors = Float32Array.from(itemVariable.dataSync());
      this.itemBias = Float32Array.from(biasVariable.dataSync());
    } finally {
      optimizer.dispose();
      tf.dispose([userVariable, itemVariable, biasVariable]);
    }
    return this;
  }

  /**
   * Computes `lossFunction`'s gradients with respect to the trainable variables and applies
   * one optimizer step; every tensor created here is disposed.
   */
  protected applyStep(state: TrainingState, lossFunction: () => tf.Scalar): void {
    const variables = this.options.itemBias
      ? [state.userFactors, state.itemFactors, state.itemBias]
      : [state.userFactors, state.itemFactors];
    const { value, grads } = tf.variableGrads(lossFunction, variables);
    try {
      state.optimizer.step(grads);
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
    }
  }

  /** L2 penalty λ·mean(‖rows‖²) over the given gathered rows. */
  protected penalty(...rows: tf.Tensor[]): tf.Scalar {
    return tf.tidy(() => {
      const batch = rows[0]!.shape[0]!;
      const total = rows.map((row) => tf.sum(tf.square(row))).reduce((a, b) => tf.add(a, b));
      return tf.mul(total, this.options.regularization / batch) as tf.Scalar;
    });
  }

  /** Score of every item for `user`: x_u · y_i + b_i. */
  scoreItems(user: number): Float32Array {
    this.checkUser(user, 'scoreItems');
    const f = this.options.factors;
    return this.scoresFor(this.userFactors.subarray(user * f, (user + 1) * f));
  }

  /**
   * A user vector for a history of items, folded in against the trained (fixed) item factors
   * by the BPR objective: 100 seeded passes of stochastic gradient steps, each pairing every
   * given item with a sampled item outside the history. Deterministic for a given input.
   * `values` are accepted for the common interface; every given item counts as one positive.
   */
  userVectorFromItems(items: ArrayLike<number>, values?: ArrayLike<number>): Float32Array {
    this.checkItems(items, values, `${this.name}.userVectorFromItems`);
    const f = this.options.factors;
    const itemCount = this.itemCount;
    const vector = new Float64Array(f);
    const given = new Set(Array.from(items));
    if (given.size === 0 || given.size >= itemCount) return new Float32Array(f);
    const random = seededRandom(this.options.seed);
    const Y = this.itemFactors;
    const b = this.itemBias;
    const learningRate = 0.05;
    const regularization = Math.max(this.options.regularization, 1e-3);
    const positives = [...given];
    for (let pass = 0; pass < 100; pass++) {
      for (const positive of positives) {
        let negative = Math.floor(random() * itemCount);
        while (given.has(negative)) negative = Math.floor(random() * itemCount);
        let difference = b[positive]! - b[negative]!;
        for (let j = 0; j < f; j++) difference += vector[j]! * (Y[positive * f + j]! - Y[negative * f + j]!);
        // d/dx of −log σ(difference) is −σ(−difference)·(y_pos − y_neg).
        const weight = 1 / (1 + Math.exp(difference));
        for (let j = 0; j < f; j++) {
          vector[j]! += learningRate * (weight * (Y[positive * f + j]! - Y[negative * f + j]!) - regularization * vector[j]!);
        }
      }
    }
    return Float32Array.from(vector);
  }

  /** Item scores for a history of items, through the folded-in `userVectorFromItems`. */
  scoreFromItems(items: ArrayLike<number>, values?: ArrayLike<number>): Float32Array {
    return this.scoresFor(this.userVectorFromItems(items, values));
  }

  /** Brute-force top-K index over the item factors (`cosine` for similarity). */
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
  setState(userItems: CsrMatrix, userFactors: Float32Array, itemFactors: Float32Array, itemBias: Float32Array): this {
    const f = this.options.factors;
    if (userFactors.length !== userItems.rows * f || itemFactors.length !== userItems.columns * f || itemBias.length !== userItems.columns) {
      throw invalidValue(
        'userFactors',
        `${this.name}.setState`,
        `lengths ${userItems.rows * f}, ${userItems.columns * f} and ${userItems.columns}`,
        `${userFactors.length}, ${itemFactors.length} and ${itemBias.length}`,
      );
    }
    this.userItems = userItems;
    this.userFactors = userFactors;
    this.itemFactors = itemFactors;
    this.itemBias = itemBias;
    return this;
  }

  private scoresFor(vector: ArrayLike<number>): Float32Array {
    const f = this.options.factors;
    const items = this.itemCount;
    const scores = new Float32Array(items);
    for (let i = 0; i < items; i++) {
      let sum = this.itemBias[i]!;
      const offset = i * f;
      for (let j = 0; j < f; j++) sum += vector[j]! * this.itemFactors[offset + j]!;
      scores[i] = sum;
    }
    return scores;
  }
}

function shuffle(values: Int32Array, random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = values[i]!;
    values[i] = values[j]!;
    values[j] = swap;
  }
}
