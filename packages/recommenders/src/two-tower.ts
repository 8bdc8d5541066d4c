import * as tf from '@tensorflow/tfjs-core';
import { dense, embedding, sequential, type Sequential } from '@loom-ml/layers';
import { adam, Optimizer, type GradientTransformation } from '@loom-ml/optimizers';
import type { CsrMatrix } from './csr-matrix.js';
import { invalidValue } from './errors.js';
import { inBatchSoftmaxLoss } from './in-batch-softmax.js';
import type { PairwiseEpochReport } from './pairwise-mf.js';
import { BaseRecommender } from './recommender.js';
import { seededRandom } from './rng.js';
import { normaliseRows, TopKIndex, type IndexMetric } from './top-k.js';

/** Options of {@link TwoTower}. */
export interface TwoTowerOptions {
  /** Dimension of the user and item embeddings both towers output; default 32. */
  embeddingDimension?: number;
  /** Hidden ReLU layer sizes of the MLP on top of each tower's input embedding; default [] (none). */
  hiddenUnits?: number[];
  /** Softmax temperature: logits are similarity / temperature; default 0.1. */
  temperature?: number;
  /** Compare L2-normalised embeddings (cosine similarity); default true. */
  normalize?: boolean;
  /** Subtract log q(item) from the in-batch logits (Yi et al. 2019); default true. */
  logQCorrection?: boolean;
  /** Learning rate of the default optimizer (Adam); default 0.01. */
  learningRate?: number;
  /** A gradient transformation from `@loom-ml/optimizers`; default `adam({ learningRate })`. */
  optimizer?: GradientTransformation;
  /** Passes over the (user, item) pairs; default 10. */
  epochs?: number;
  /** (user, item) pairs per step; the other pairs' items are each row's negatives. Default 256. */
  batchSize?: number;
  /** Seed of the weight initialisation and the shuffling; default 0. */
  seed?: number;
  /** Called after each epoch. */
  onEpoch?: (report: PairwiseEpochReport) => void;
}

/** The JSON-safe options a fitted model keeps (and saves). */
export type ResolvedTwoTowerOptions = Required<Omit<TwoTowerOptions, 'optimizer' | 'onEpoch'>>;

/** Side data for {@link TwoTower.fit}. */
export interface TwoTowerFitData {
  /**
   * One feature row per item (same length for every item), e.g. genres multi-hot from
   * {@link multiHotEncode}. Items with no training interactions are embedded from these alone.
   */
  itemFeatures?: ArrayLike<ArrayLike<number>>;
}

/** Trained weights of the item-feature path, kept so new items can be embedded after `fit`. */
interface FeatureTowerWeights {
  /** Dense projection of the features (kernel, bias). */
  projection: Float32Array[];
  /** The item tower's MLP (kernel, bias per layer); empty without `hiddenUnits`. */
  head: Float32Array[];
}

/** The layers of both towers, alive during `fit` (or briefly in `embedItemFeatures`). */
interface Towers {
  userIds: Sequential;
  userHead: Sequential | null;
  itemIds: Sequential;
  itemProjection: Sequential | null;
  itemHead: Sequential | null;
}

let modelCounter = 0;

/**
 * Two-tower retrieval model: a user tower (user id embedding, then an optional ReLU MLP) and an
 * item tower (item id embedding plus a dense projection of optional item side features, then an
 * optional MLP), built from `@loom-ml/layers` and trained with an `@loom-ml/optimizers` optimizer
 * on an in-batch sampled softmax: for a batch of B (user, item) training pairs, each user's
 * positive is scored against the B items of the batch (`sampledSoftmaxLoss` from
 * `@loom-ml/losses`), with logits similarity / temperature corrected by −log q(item), q being the
 * item's frequency among the training pairs (`logQCorrection`), because popular items are
 * negatives more often than uniform sampling would make them. Copies of the positive item
 * elsewhere in the batch are masked out. Items with no training interactions are embedded from
 * their features alone (cold start). After `fit`, embeddings are plain Float32Arrays: scoring is
 * an exact brute-force dot product and leaves no tensors behind.
 *
 * @example
 * const genres = multiHotEncode(movies.map((movie) => movie.genres)); // one row per item index
 * const model = new TwoTower({ embeddingDimension: 32, epochs: 10, seed: 1 })
 *   .fit(split.train.matrix, { itemFeatures: genres.rows });
 * model.recommend(0, 10); // [{ item, score }, ...]
 */
export class TwoTower extends BaseRecommender {
  readonly name = 'TwoTower';
  readonly options: ResolvedTwoTowerOptions;
  private readonly optimizerTransform: GradientTransformation | undefined;
  private readonly onEpoch: ((report: PairwiseEpochReport) => void) | undefined;
  /** User embeddings, users × embeddingDimension, row-major (L2-normalised when `normalize`). */
  userEmbeddings: Float32Array = new Float32Array(0);
  /** Item embeddings, items × embeddingDimension, row-major (L2-normalised when `normalize`). */
  itemEmbeddings: Float32Array = new Float32Array(0);
  /** Length of each item feature row; 0 without features. */
  featureDimension = 0;
  /** One report per epoch of the last fit (loss: mean in-batch softmax cross-entropy). */
  history: PairwiseEpochReport[] = [];
  private featureWeights: FeatureTowerWeights = { projection: [], head: [] };

  constructor(options: TwoTowerOptions = {}) {
    super();
    const where = 'TwoTower';
    const resolved: ResolvedTwoTowerOptions = {
      embeddingDimension: options.embeddingDimension ?? 32,
      hiddenUnits: options.hiddenUnits ?? [],
      temperature: options.temperature ?? 0.1,
      normalize: options.normalize ?? true,
      logQCorrection: options.logQCorrection ?? true,
      learningRate: options.learningRate ?? 0.01,
      epochs: options.epochs ?? 10,
      batchSize: options.batchSize ?? 256,
      seed: options.seed ?? 0,
    };
    const positiveInteger = (value: number): boolean => Number.isInteger(value) && value > 0;
    if (!positiveInteger(resolved.embeddingDimension)) throw invalidValue('embeddingDimension', where, 'a positive integer', resolved.embeddingDimension);
    if (!Array.isArray(resolved.hiddenUnits) || !resolved.hiddenUnits.every(positiveInteger)) {
      throw invalidValue('hiddenUnits', where, 'an array of positive integers', resolved.hiddenUnits);
    }
    if (!(Number.isFinite(resolved.temperature) && resolved.temperature > 0)) throw invalidValue('temperature', where, 'a positive number', resolved.temperature);
    if (typeof resolved.normalize !== 'boolean') throw invalidValue('normalize', where, 'a boolean', resolved.normalize);
    if (typeof resolved.logQCorrection !== 'boolean') throw invalidValue('logQCorrection', where, 'a boolean', resolved.logQCorrection);
    if (!(Number.isFinite(resolved.learningRate) && resolved.learningRate > 0)) throw invalidValue('learningRate', where, 'a positive number', resolved.learningRate);
    if (!Number.isInteger(resolved.epochs) || resolved.epochs < 0) throw invalidValue('epochs', where, 'a non-negative integer', resolved.epochs);
    // In-batch negatives need at least one other pair in the batch.
    if (!Number.isInteger(resolved.batchSize) || resolved.batchSize < 2) throw invalidValue('batchSize', where, 'an integer >= 2', resolved.batchSize);
    if (!Number.isInteger(resolved.seed)) throw invalidValue('seed', where, 'an integer', resolved.seed);
    this.options = { ...resolved, hiddenUnits: [...resolved.hiddenUnits] };
    this.optimizerTransform = options.optimizer;
    this.onEpoch = options.onEpoch;
  }

  /**
   * Trains both towers on the stored (user, item) pairs of `userItems` (every stored entry is a
   * positive, whatever its value), then computes every user and item embedding.
   */
  fit(userItems: CsrMatrix, data: TwoTowerFitData = {}): this {
    const features = data.itemFeatures === undefined ? null : packFeatures(data.itemFeatures, userItems.columns);
    const { epochs, batchSize, seed, temperature } = this.options;
    this.userItems = userItems;
    this.featureDimension = features?.dimension ?? 0;
    this.history = [];
    const pairCount = userItems.nnz;
    const pairUsers = new Int32Array(pairCount);
    for (let user = 0; user < userItems.rows; user++) pairUsers.fill(user, userItems.indptr[user]!, userItems.indptr[user + 1]!);
    const pairItems = userItems.indices;
    const itemCounts = userItems.columnCounts();
    // q(item): the item's share of the training pairs, i.e. how often a batch draws it.
    const samplingProbabilities = Float32Array.from(itemCounts, (count) => Math.max(count, 1) / Math.max(pairCount, 1));

    const towers = this.buildTowers(userItems.rows, userItems.columns, this.featureDimension);
    const featureTensor = features === null ? null : tf.tensor2d(features.data, [userItems.columns, features.dimension]);
    const probabilityTensor = tf.tensor1d(samplingProbabilities);
    const variables = towerList(towers).flatMap((tower) => tower.trainableWeights);
    const optimizer = new Optimizer(this.optimizerTransform ?? adam({ learningRate: this.options.learningRate }), variables);
    const random = seededRandom(seed ^ 0x2c1b3c6d);
    const order = Int32Array.from({ length: pairCount }, (_, k) => k);
    try {
      for (let epoch = 1; epoch <= epochs && pairCount > 1; epoch++) {
        const start = performance.now();
        shuffle(order, random);
        let lossSum = 0;
        for (let begin = 0; begin < pairCount; begin += batchSize) {
          // A last batch of one pair has no in-batch negative; it joins the next epoch's shuffle.
          const size = Math.min(batchSize, pairCount - begin);
          if (size < 2) continue;
          const batchUsers = new Int32Array(size);
          const batchItems = new Int32Array(size);
          for (let k = 0; k < size; k++) {
            batchUsers[k] = pairUsers[order[begin + k]!]!;
            batchItems[k] = pairItems[order[begin + k]!]!;
          }
          const userIds = tf.tensor1d(batchUsers, 'int32');
          const itemIds = tf.tensor1d(batchItems, 'int32');
          try {
            const { value, grads } = tf.variableGrads(() => {
              const users = this.userTower(towers, userIds);
              const items = this.itemTower(towers, itemIds, featureTensor === null ? null : tf.gather(featureTensor, itemIds));
              const perRow = inBatchSoftmaxLoss(users, items, batchItems, {
                temperature,
                ...(this.options.logQCorrection ? { samplingProbabilities: tf.gather(probabilityTensor, itemIds) } : {}),
              });
              return tf.mean(perRow) as tf.Scalar;
            }, variables);
            lossSum += value.dataSync()[0]! * size;
            optimizer.step(grads);
            tf.dispose([value, ...Object.values(grads)]);
          } finally {
            tf.dispose([userIds, itemIds]);
          }
        }
        const report: PairwiseEpochReport = { epoch, epochs, loss: lossSum / pairCount, samples: pairCount, seconds: (performance.now() - start) / 1000 };
        this.history.push(report);
        this.onEpoch?.(report);
      }
      this.computeEmbeddings(towers, featureTensor, itemCounts);
    } finally {
      optimizer.dispose();
      for (const tower of towerList(towers)) tower.dispose();
      tf.dispose([probabilityTensor, ...(featureTensor === null ? [] : [featureTensor])]);
    }
    return this;
  }

  /**
   * Embeddings of items described by features alone (e.g. new items not in the catalogue), in
   * the item embedding space: one row of `featureDimension` numbers per item. Returns items ×
   * embeddingDimension, row-major. Creates and disposes the layers it needs: no tensors stay.
   *
   * @example
   * const [x, y] = [model.embedItemFeatures([[0, 1, 0, 1]]), model.userEmbeddings.subarray(0, 32)];
   * const scoreForUser0 = x.reduce((sum, value, j) => sum + value * y[j]!, 0); // a new item with genres 1 and 3
   */
  embedItemFeatures(itemFeatures: ArrayLike<ArrayLike<number>>): Float32Array {
    this.fitted();
    if (this.featureDimension === 0) {
      throw invalidValue('itemFeatures', 'TwoTower.embedItemFeatures', 'a model fitted with itemFeatures', 'a model fitted without them');
    }
    const features = packFeatures(itemFeatures, itemFeatures.length, this.featureDimension, 'TwoTower.embedItemFeatures');
    const count = itemFeatures.length;
    if (count === 0) return new Float32Array(0);
    const towers = this.buildFeatureTowers();
    try {
      assignWeights(towers.projection, this.featureWeights.projection);
      if (towers.head !== null) assignWeights(towers.head, this.featureWeights.head);
      const output = tf.tidy(() => {
        let x = towers.projection.apply(tf.tensor2d(features.data, [count, this.featureDimension]));
        if (towers.head !== null) x = towers.head.apply(x);
        return x.dataSync() as Float32Array;
      });
      return this.options.normalize ? normaliseRows(output, this.options.embeddingDimension) : Float32Array.from(output);
    } finally {
      towers.projection.dispose();
      towers.head?.dispose();
    }
  }

  /** Score of every item for a training user: the dot product of the user's and the item's embeddings. */
  scoreItems(user: number): Float32Array {
    this.checkUser(user, 'scoreItems');
    const d = this.options.embeddingDimension;
    return this.itemIndex('dot').scores(this.userEmbeddings.subarray(user * d, (user + 1) * d));
  }

  /**
   * A user vector for a history of items: the mean of their item embeddings (weighted by
   * `values` when given), normalised when `normalize` is on. The user tower embeds ids only, so a
   * new visitor is placed among the items they chose.
   */
  userVectorFromItems(items: ArrayLike<number>, values?: ArrayLike<number>): Float32Array {
    this.checkItems(items, values, `${this.name}.userVectorFromItems`);
    const d = this.options.embeddingDimension;
    const vector = new Float32Array(d);
    let total = 0;
    for (let k = 0; k < items.length; k++) {
      const weight = values?.[k] ?? 1;
      const offset = items[k]! * d;
      for (let j = 0; j < d; j++) vector[j]! += weight * this.itemEmbeddings[offset + j]!;
      total += weight;
    }
    if (total > 0) for (let j = 0; j < d; j++) vector[j]! /= total;
    return this.options.normalize ? normaliseRows(vector, d) : vector;
  }

  /** Item scores for a history of items, through `userVectorFromItems`. */
  scoreFromItems(items: ArrayLike<number>, values?: ArrayLike<number>): Float32Array {
    return this.itemIndex('dot').scores(this.userVectorFromItems(items, values));
  }

  /** Brute-force top-K index over the item embeddings (`dot` for retrieval, `cosine` for similarity). */
  itemIndex(metric: IndexMetric = 'dot'): TopKIndex {
    this.fitted();
    return new TopKIndex(this.itemEmbeddings, this.options.embeddingDimension, { metric });
  }

  /** The k items whose embeddings have the highest cosine with `item`'s, the item itself left out. */
  similarItems(item: number, k: number): { item: number; score: number }[] {
    const items = this.itemCount;
    if (!Number.isInteger(item) || item < 0 || item >= items) {
      throw invalidValue('item', `${this.name}.similarItems`, `an integer in [0, ${items})`, item);
    }
    const d = this.options.embeddingDimension;
    const top = this.itemIndex('cosine').query(this.itemEmbeddings.subarray(item * d, (item + 1) * d), k, (j) => j === item);
    return Array.from(top.indices, (index, n) => ({ item: index, score: top.scores[n]! }));
  }

  /** The trained feature-path weights in a fixed order (projection, then head), for saving. */
  get featureTowerWeights(): Float32Array[] {
    return [...this.featureWeights.projection, ...this.featureWeights.head];
  }

  /** Restores a fitted state (used by `loadRecommender`). */
  setState(userItems: CsrMatrix, userEmbeddings: Float32Array, itemEmbeddings: Float32Array, featureDimension = 0, featureTowerWeights: Float32Array[] = []): this {
    const d = this.options.embeddingDimension;
    if (userEmbeddings.length !== userItems.rows * d || itemEmbeddings.length !== userItems.columns * d) {
      throw invalidValue('userEmbeddings', 'TwoTower.setState', `lengths ${userItems.rows * d} and ${userItems.columns * d}`, `${userEmbeddings.length} and ${itemEmbeddings.length}`);
    }
    const projectionCount = featureDimension > 0 ? 2 : 0;
    const headCount = featureDimension > 0 ? 2 * (this.options.hiddenUnits.length + 1) : 0;
    const expected = projectionCount + (this.options.hiddenUnits.length > 0 ? headCount : 0);
    if (featureTowerWeights.length !== expected) {
      throw invalidValue('featureTowerWeights', 'TwoTower.setState', `${expected} arrays`, featureTowerWeights.length);
    }
    this.userItems = userItems;
    this.userEmbeddings = userEmbeddings;
    this.itemEmbeddings = itemEmbeddings;
    this.featureDimension = featureDimension;
    this.featureWeights = { projection: featureTowerWeights.slice(0, projectionCount), head: featureTowerWeights.slice(projectionCount) };
    return this;
  }

  /** [batch, d] user tower output (before normalisation). */
  private userTower(towers: Towers, userIds: tf.Tensor1D): tf.Tensor2D {
    let x = towers.userIds.apply(userIds, { training: true });
    if (towers.userHead !== null) x = towers.userHead.apply(x, { training: true });
    return this.maybeNormalize(x as tf.Tensor2D);
  }

  /** [batch, d] item tower output: id embedding (times `idScale`) plus projected features, then the head. */
  private itemTower(towers: Towers, itemIds: tf.Tensor1D, features: tf.Tensor2D | null, idScale?: tf.Tensor): tf.Tensor2D {
    let x = towers.itemIds.apply(itemIds, { training: true }) as tf.Tensor2D;
    if (idScale !== undefined) x = tf.mul(x, idScale);
    if (features !== null && towers.itemProjection !== null) x = tf.add(x, towers.itemProjection.apply(features, { training: true }) as tf.Tensor2D);
    if (towers.itemHead !== null) x = towers.itemHead.apply(x, { training: true }) as tf.Tensor2D;
    return this.maybeNormalize(x);
  }

  private maybeNormalize(x: tf.Tensor2D): tf.Tensor2D {
    if (!this.options.normalize) return x;
    // Floor the norm so a zero vector stays zero instead of NaN.
    return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12));
  }

  /** Runs both towers over every user and item once (in chunks) and keeps the results. */
  private computeEmbeddings(towers: Towers, featureTensor: tf.Tensor2D | null, itemCounts: Int32Array | Float32Array): void {
    const matrix = this.fitted();
    const d = this.options.embeddingDimension;
    const chunk = 4096;
    this.userEmbeddings = new Float32Array(matrix.rows * d);
    for (let begin = 0; begin < matrix.rows; begin += chunk) {
      const end = Math.min(matrix.rows, begin + chunk);
      const values = tf.tidy(() => this.userTower(towers, tf.range(begin, end, 1, 'int32') as tf.Tensor1D).dataSync());
      this.userEmbeddings.set(values, begin * d);
    }
    // Items without training pairs kept their random initial id embedding: drop it, so they
    // are embedded from their features alone.
    const idScale = Float32Array.from(itemCounts, (count) => (count > 0 ? 1 : 0));
    this.itemEmbeddings = new Float32Array(matrix.columns * d);
    for (let begin = 0; begin < matrix.columns; begin += chunk) {
      const end = Math.min(matrix.columns, begin + chunk);
      const values = tf.tidy(() => {
        const ids = tf.range(begin, end, 1, 'int32') as tf.Tensor1D;
        const features = featureTensor === null ? null : tf.slice(featureTensor, [begin, 0], [end - begin, -1]);
        return this.itemTower(towers, ids, features, tf.tensor2d(idScale.subarray(begin, end), [end - begin, 1])).dataSync();
      });
      this.itemEmbeddings.set(values, begin * d);
    }
    const copy = (tower: Sequential | null): Float32Array[] => (tower === null ? [] : tower.getWeights().map((w) => Float32Array.from(w.dataSync())));
    this.featureWeights = { projection: copy(towers.itemProjection), head: towers.itemProjection === null ? [] : copy(towers.itemHead) };
  }

  private buildTowers(users: number, items: number, featureDimension: number): Towers {
    const id = modelCounter++;
    const { embeddingDimension: d, seed } = this.options;
    const initializer = (offset: number) => ({ name: 'randomNormal' as const, stddev: 0.1, seed: seed * 7919 + offset });
    const userIds = sequential([embedding({ inputDim: users, outputDim: d, inputShape: [], embeddingsInitializer: initializer(1) })], { name: `two_tower_${id}_user_ids` });
    const itemIds = sequential([embedding({ inputDim: items, outputDim: d, inputShape: [], embeddingsInitializer: initializer(2) })], { name: `two_tower_${id}_item_ids` });
    const feature = featureDimension > 0 ? this.buildFeatureTowers(id, featureDimension) : null;
    return {
      userIds,
      userHead: this.buildHead(`two_tower_${id}_user_head`, seed * 7919 + 100),
      itemIds,
      itemProjection: feature?.projection ?? null,
      itemHead: feature?.head ?? this.buildHead(`two_tower_${id}_item_head`, seed * 7919 + 200),
    };
  }

  /** The item tower's feature projection and head (seeded, so a fit is reproducible). */
  private buildFeatureTowers(id = modelCounter++, featureDimension = this.featureDimension): { projection: Sequential; head: Sequential | null } {
    const { embeddingDimension: d, seed } = this.options;
    const projection = sequential(
      [dense({ units: d, inputShape: [featureDimension], kernelInitializer: { name: 'glorotUniform', seed: seed * 7919 + 3 } })],
      { name: `two_tower_${id}_item_features` },
    );
    return { projection, head: this.buildHead(`two_tower_${id}_item_head`, seed * 7919 + 200) };
  }

  /** Hidden ReLU layers then a linear layer back to `embeddingDimension`; null without `hiddenUnits`. */
  private buildHead(name: string, seed: number): Sequential | null {
    const { hiddenUnits, embeddingDimension: d } = this.options;
    if (hiddenUnits.length === 0) return null;
    const layers = hiddenUnits.map((units, k) =>
      dense({ units, activation: 'relu', kernelInitializer: { name: 'heUniform', seed: seed + k }, ...(k === 0 ? { inputShape: [d] } : {}) }),
    );
    layers.push(dense({ units: d, kernelInitializer: { name: 'glorotUniform', seed: seed + hiddenUnits.length } }));
    return sequential(layers, { name });
  }
}

/** Sets a model's weights from plain arrays (in `weights` order), disposing the temporary tensors. */
function assignWeights(model: Sequential, values: Float32Array[]): void {
  const tensors = values.map((array, k) => tf.tensor(array, model.weights[k]?.variable.shape));
  try {
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

function towerList(towers: Towers): Sequential[] {
  return [towers.userIds, towers.userHead, towers.itemIds, towers.itemProjection, towers.itemHead].filter((t): t is Sequential => t !== null);
}

/** Validates item features and packs them row-major. */
function packFeatures(
  rows: ArrayLike<ArrayLike<number>>,
  expectedRows: number,
  expectedDimension?: number,
  where = 'TwoTower.fit',
): { data: Float32Array; dimension: number } {
  if (rows === null || typeof rows !== 'object' || typeof rows.length !== 'number') {
    throw invalidValue('itemFeatures', where, 'an array of feature rows, one per item', rows);
  }
  if (rows.length !== expectedRows) throw invalidValue('itemFeatures', where, `${expectedRows} rows (one per item)`, `${rows.length} rows`);
  const dimension = expectedDimension ?? rows[0]?.length ?? 0;
  if (!Number.isInteger(dimension) || dimension < 1) throw invalidValue('itemFeatures[0]', where, 'a non-empty row of numbers', rows[0]);
  const data = new Float32Array(rows.length * dimension);
  for (let item = 0; item < rows.length; item++) {
    const row = rows[item]!;
    if (row?.length !== dimension) throw invalidValue(`itemFeatures[${item}]`, where, `a row of ${dimension} numbers`, `length ${row?.length}`);
    for (let j = 0; j < dimension; j++) {
      const value = row[j]!;
      if (!Number.isFinite(value)) throw invalidValue(`itemFeatures[${item}][${j}]`, where, 'a finite number', value);
      data[item * dimension + j] = value;
    }
  }
  return { data, dimension };
}

function shuffle(values: Int32Array, random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = values[i]!;
    values[i] = values[j]!;
    values[j] = swap;
  }
}
