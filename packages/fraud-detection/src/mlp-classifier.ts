import * as tf from '@tensorflow/tfjs-core';
import { activation, dense, dropout, sequential, type Layer, type Sequential } from '@loom-ml/layers';
import { binaryCrossentropy, binaryFocalCrossentropy } from '@loom-ml/losses';
import { adam } from '@loom-ml/optimizers';
import { earlyStopping, fit, type Batch, type Callback, type Logs } from '@loom-ml/train';
import { BalancedBatchSampler } from './balanced-batches.js';
import { FraudError, invalidValue } from './errors.js';
import { assignWeights, binaryLabels, denseWeightShapes, packRows, rowsToTensor, savedArchitecture, savedWeights, weightsToJSON, type FeatureRows, type WeightJSON } from './feature-matrix.js';
import { seededRandom } from './random.js';
import { checkSavedFormat } from './saved-json.js';

/** Options of `MlpClassifier.fit`: the network's shape, class weights, training and early stopping. */
export interface MlpClassifierOptions {
  /** Units of each hidden ReLU layer. Default [64]. */
  hiddenUnits?: number[];
  /** Dropout rate after each hidden layer, in [0, 1). Default 0. */
  dropout?: number;
  /** L2 penalty on the kernels. Default 1e-4. */
  l2?: number;
  /** Default 20. */
  epochs?: number;
  /** Default 128. */
  batchSize?: number;
  /** Adam's learning rate. Default 1e-3. */
  learningRate?: number;
  /** 'balanced' (n / (2 n_c)) or [negative, positive]. Not with `balancedBatches`, which already equalises the classes. */
  classWeight?: 'balanced' | [number, number];
  /** Train on binary focal cross-entropy (Lin et al. 2017) instead of cross-entropy. `true` means gamma 2, no alpha. */
  focalLoss?: boolean | { gamma?: number; alpha?: number };
  /** Train on batches with a fixed share of positives (`true`: 50/50), from `BalancedBatchSampler`. */
  balancedBatches?: boolean | { positiveFraction?: number; batchesPerEpoch?: number };
  /** Seed of the initial weights, dropout, batch order and validation split. Default 0. */
  seed?: number;
  /** Hold out this stratified share of rows and stop when its loss stops improving (best weights kept). */
  validationFraction?: number;
  /** Epochs without validation improvement before stopping. Default 5. */
  patience?: number;
  /** Called after each epoch with its logs (`loss`, and `val_loss` with a validation fraction). */
  onEpoch?: (epoch: number, logs: Logs) => void;
}

/** What `toJSON` writes: the architecture and every weight. */
export interface MlpClassifierJSON {
  format: 'loom-ml/mlp-classifier';
  version: 1;
  inputSize: number;
  hiddenUnits: number[];
  dropout: number;
  weights: WeightJSON[];
}

const WHERE = 'MlpClassifier.fit';
const PREDICT_CHUNK = 8192;

function positiveIntegerOption(value: unknown, name: string, fallback: number): number {
  const v = value ?? fallback;
  if (!(typeof v === 'number' && Number.isInteger(v) && v > 0)) throw invalidValue(name, WHERE, 'a positive integer', value);
  return v;
}

function buildNetwork(inputSize: number, hiddenUnits: readonly number[], dropoutRate: number, l2: number, seed: number, probabilities = false): Sequential {
  const layers: Layer[] = [];
  hiddenUnits.forEach((units, k) => {
    layers.push(dense({ units, activation: 'relu', ...(k === 0 ? { inputShape: [inputSize] } : {}), kernelInitializer: { name: 'heNormal', seed: seed + k }, ...(l2 > 0 ? { kernelRegularizer: { l2 } } : {}) }));
    if (dropoutRate > 0) layers.push(dropout({ rate: dropoutRate, seed: seed + 1000 + k }));
  });
  // The output is a logit: losses use the stable fromLogits form, probabilities go through a sigmoid.
  layers.push(dense({ units: 1, ...(hiddenUnits.length === 0 ? { inputShape: [inputSize] } : {}), kernelInitializer: { name: 'glorotUniform', seed: seed + hiddenUnits.length }, ...(l2 > 0 ? { kernelRegularizer: { l2 } } : {}) }));
  if (probabilities) layers.push(activation({ activation: 'sigmoid' }));
  return sequential(layers, probabilities ? { name: 'mlp_classifier' } : {});
}

/** Seeded stratified split: `fraction` of each class to validation. */
function stratifiedHoldOut(labels: Float32Array, fraction: number, seed: number): { train: number[]; validation: number[] } {
  const random = seededRandom(seed + 7919);
  const train: number[] = [];
  const validation: number[] = [];
  for (const cls of [0, 1]) {
    const rows: number[] = [];
    labels.forEach((y, i) => y === cls && rows.push(i));
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    const cut = Math.round(rows.length * fraction);
    validation.push(...rows.slice(0, cut));
    train.push(...rows.slice(cut));
  }
  return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}

/** Takes rows of x and y into new tensors. */
function gatherRows(x: tf.Tensor2D, y: tf.Tensor2D, rows: ArrayLike<number>): Batch {
  return tf.tidy(() => {
    const index = tf.tensor1d(Int32Array.from(rows), 'int32');
    return { x: tf.gather(x, index), y: tf.gather(y, index) };
  }) as unknown as Batch;
}

/**
 * A small multilayer perceptron for binary risk scores: Dense-ReLU hidden layers (optional
 * dropout and L2) and one logit output, trained by `@loom-ml/train`'s `fit` with Adam on
 * whichever tfjs backend is active. Imbalance is handled by class weights, focal loss, or
 * balanced batches; a stratified validation share gives early stopping with the best weights kept.
 * The network holds tfjs variables: call `dispose()` when done.
 *
 * @example
 * const mlp = await MlpClassifier.fit(trainFeatures, trainLabels, {
 *   hiddenUnits: [64], dropout: 0.2, classWeight: 'balanced', epochs: 30, validationFraction: 0.15, seed: 1,
 * });
 * const probabilities = mlp.predictProba(testFeatures); // Float64Array of P(class 1)
 * const saved = JSON.stringify(mlp.toJSON());
 * mlp.dispose();
 */
export class MlpClassifier {
  /** Per-epoch logs of the training run (empty for a model loaded with `fromJSON`). */
  readonly history: Logs[];
  /** Epoch (0-based) whose weights were kept when early stopping ran, else undefined. */
  readonly bestEpoch: number | undefined;
  private disposed = false;

  private constructor(
    private readonly network: Sequential,
    readonly inputSize: number,
    readonly hiddenUnits: readonly number[],
    readonly dropoutRate: number,
    history: Logs[],
    bestEpoch: number | undefined,
  ) {
    this.history = history;
    this.bestEpoch = bestEpoch;
  }

  /** Trains a network on rows of numeric features and 0/1 labels (see `MlpClassifierOptions`); call `dispose()` on the result when done. */
  static async fit(features: FeatureRows, labels: ArrayLike<number>, options: MlpClassifierOptions = {}): Promise<MlpClassifier> {
    if (options === null || typeof options !== 'object') throw invalidValue('options', WHERE, 'an options object', options);
    const hiddenUnits = options.hiddenUnits ?? [64];
    if (!Array.isArray(hiddenUnits) || !hiddenUnits.every((u) => Number.isInteger(u) && u > 0)) throw invalidValue('hiddenUnits', WHERE, 'an array of positive integers', hiddenUnits);
    const dropoutRate = options.dropout ?? 0;
    if (!(typeof dropoutRate === 'number' && dropoutRate >= 0 && dropoutRate < 1)) throw invalidValue('dropout', WHERE, 'a rate in [0, 1)', options.dropout);
    const l2 = options.l2 ?? 1e-4;
    if (!(typeof l2 === 'number' && l2 >= 0)) throw invalidValue('l2', WHERE, 'a non-negative number', options.l2);
    const epochs = positiveIntegerOption(options.epochs, 'epochs', 20);
    const batchSize = positiveIntegerOption(options.batchSize, 'batchSize', 128);
    const patience = options.patience ?? 5;
    if (!(Number.isInteger(patience) && patience >= 0)) throw invalidValue('patience', WHERE, 'a non-negative integer', options.patience);
    const learningRate = options.learningRate ?? 1e-3;
    if (!(typeof learningRate === 'number' && learningRate > 0)) throw invalidValue('learningRate', WHERE, 'a positive number', options.learningRate);
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw invalidValue('seed', WHERE, 'an integer', options.seed);
    const validationFraction = options.validationFraction;
    if (validationFraction !== undefined && !(validationFraction > 0 && validationFraction < 1)) throw invalidValue('validationFraction', WHERE, 'a fraction in (0, 1)', validationFraction);
    if (options.balancedBatches && options.classWeight !== undefined) {
      throw invalidValue('classWeight', WHERE, 'no class weights with balancedBatches (balanced batches already equalise the classes)', options.classWeight);
    }
    if (options.onEpoch !== undefined && typeof options.onEpoch !== 'function') throw invalidValue('onEpoch', WHERE, 'a function', options.onEpoch);

    const packed = packRows(features, WHERE);
    const y = binaryLabels(labels, packed.rows, WHERE);
    const split = validationFraction === undefined ? { train: Array.from(y.keys()), validation: [] } : stratifiedHoldOut(y, validationFraction, seed);
    const trainLabels = split.train.map((i) => y[i]!);
    const positives = trainLabels.reduce((a, b) => a + b, 0);
    if (positives === 0 || positives === trainLabels.length) throw invalidValue('labels', WHERE, 'both classes among the training rows', `${positives} positives of ${trainLabels.length}`);
    if (validationFraction !== undefined && split.validation.length === 0) throw invalidValue('validationFraction', WHERE, 'a fraction leaving validation rows', validationFraction);

    let classWeight: Record<number, number> | undefined;
    if (options.classWeight === 'balanced') {
      classWeight = { 0: trainLabels.length / (2 * (trainLabels.length - positives)), 1: trainLabels.length / (2 * positives) };
    } else if (options.classWeight !== undefined) {
      const weights: unknown = options.classWeight;
      if (!(Array.isArray(weights) && weights.length === 2 && weights.every((w) => typeof w === 'number' && w >= 0 && Number.isFinite(w)))) {
        throw invalidValue('classWeight', WHERE, "'balanced' or [negative, positive] non-negative weights", weights);
      }
      classWeight = { 0: weights[0] as number, 1: weights[1] as number };
    }
    const focal = options.focalLoss === true ? {} : options.focalLoss || undefined;
    const loss = focal ? binaryFocalCrossentropy({ ...focal, fromLogits: true }) : binaryCrossentropy({ fromLogits: true });

    const network = buildNetwork(packed.width, hiddenUnits, dropoutRate, l2, seed);
    const xAll = tf.tensor2d(packed.values, [packed.rows, packed.width]);
    const yAll = tf.tensor2d(y, [packed.rows, 1]);
    const owned: Batch[] = [];
    try {
      let trainData: Batch | Iterable<Batch>;
      if (options.balancedBatches) {
        const balanced = options.balancedBatches === true ? {} : options.balancedBatches;
        const sampler = new BalancedBatchSampler(trainLabels, { batchSize, seed, ...balanced });
        // A fresh epoch of batches per pass; fit disposes batches from a non-array iterable.
        trainData = {
          *[Symbol.iterator]() {
            for (const batch of sampler) yield gatherRows(xAll, yAll, Array.from(batch, (k) => split.train[k]!));
          },
        };
      } else {
        const trainBatch = validationFraction === undefined ? { x: xAll, y: yAll } : gatherRows(xAll, yAll, split.train);
        if (validationFraction !== undefined) owned.push(trainBatch);
        trainData = trainBatch;
      }
      const callbacks: Callback[] = [];
      let validation: Batch | undefined;
      let stopper: ReturnType<typeof earlyStopping> | undefined;
      if (validationFraction !== undefined) {
        validation = gatherRows(xAll, yAll, split.validation);
        owned.push(validation);
        stopper = earlyStopping({ monitor: 'val_loss', patience, restoreBestWeights: true });
        callbacks.push(stopper);
      }
      const history: Logs[] = [];
      callbacks.push({
        onEpochEnd: (epoch, logs) => {
          history.push({ ...logs });
          options.onEpoch?.(epoch, { ...logs });
        },
      });
      await fit(network, trainData, {
        loss,
        optimizer: adam({ learningRate }),
        epochs,
        batchSize,
        seed,
        callbacks,
        ...(classWeight ? { classWeight } : {}),
        ...(validation ? { validation } : {}),
      });
      return new MlpClassifier(network, packed.width, [...hiddenUnits], dropoutRate, history, stopper?.bestEpoch);
    } catch (error) {
      network.dispose();
      throw error;
    } finally {
      for (const batch of owned) tf.dispose([batch.x as tf.Tensor, batch.y]);
      tf.dispose([xAll, yAll]);
    }
  }

  /** Rebuilds a classifier saved with `toJSON()`. */
  static fromJSON(json: MlpClassifierJSON): MlpClassifier {
    const where = 'MlpClassifier.fromJSON';
    const record = checkSavedFormat(json, 'loom-ml/mlp-classifier', 1, where);
    // Everything is checked before the network exists: its size comes from the saved weights.
    const { inputSize, hiddenUnits } = savedArchitecture(record, where, true);
    const dropoutRate = record.dropout;
    if (typeof dropoutRate !== 'number' || !(dropoutRate >= 0 && dropoutRate < 1)) throw invalidValue('dropout', where, 'a number in [0, 1)', dropoutRate ?? null);
    const weights = savedWeights(record.weights, denseWeightShapes(inputSize, [...hiddenUnits, 1]), where);
    const network = buildNetwork(inputSize, hiddenUnits, dropoutRate, 0, 0);
    try {
      assignWeights(network.getWeights() as tf.Variable[], weights);
    } catch (error) {
      network.dispose();
      throw error;
    }
    return new MlpClassifier(network, inputSize, hiddenUnits, dropoutRate, [], undefined);
  }

  /** The architecture and weights as plain JSON (`JSON.stringify` it to save). */
  toJSON(): MlpClassifierJSON {
    this.checkAlive('toJSON');
    return { format: 'loom-ml/mlp-classifier', version: 1, inputSize: this.inputSize, hiddenUnits: [...this.hiddenUnits], dropout: this.dropoutRate, weights: weightsToJSON(this.network.getWeights()) };
  }

  /**
   * The network as a standalone Loom model with its own copy of the weights, ending in a sigmoid:
   * `apply` on `[rows, inputSize]` features gives `[rows, 1]` probabilities of class 1 (what
   * `predictProba` returns). Export it to serve elsewhere (`exportOnnx` from `@loom-ml/export`
   * for onnxruntime, `exportTfjsModel` for TensorFlow.js), or save it with `@loom-ml/layers`.
   * The caller owns it: call its `dispose()`.
   *
   * @example
   * const network = mlp.toModel();
   * const onnx = await exportOnnx(network); // input 'input' [batch, inputSize], output 'output' [batch, 1]
   * network.dispose();
   */
  toModel(): Sequential {
    this.checkAlive('toModel');
    const model = buildNetwork(this.inputSize, this.hiddenUnits, this.dropoutRate, 0, 0, true);
    model.setWeights(this.network.getWeights());
    return model;
  }

  /**
   * P(class 1) per row as a differentiable tensor (inference mode: no dropout), for gradient
   * explanations. It creates no variables and changes no state; the caller owns the result.
   *
   * @example
   * const gradient = tf.grad((x: tf.Tensor2D) => tf.sum(mlp.scoreTensor(x)))(features);
   */
  scoreTensor(x: tf.Tensor2D): tf.Tensor1D {
    this.checkAlive('scoreTensor');
    if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[1] !== this.inputSize) {
      throw invalidValue('x', 'MlpClassifier.scoreTensor', `a tensor of shape [rows, ${this.inputSize}]`, x instanceof tf.Tensor ? `shape [${x.shape.join(', ')}]` : x);
    }
    return tf.tidy(() => tf.reshape(tf.sigmoid(this.network.apply(x, { training: false })), [-1]) as tf.Tensor1D);
  }

  /** P(class 1) for each row. */
  predictProba(features: FeatureRows): Float64Array {
    this.checkAlive('predictProba');
    const out = new Float64Array(features.length);
    for (let start = 0; start < features.length; start += PREDICT_CHUNK) {
      const chunk = features.slice(start, start + PREDICT_CHUNK);
      const x = rowsToTensor(chunk, 'MlpClassifier.predictProba', this.inputSize);
      const scores = this.scoreTensor(x);
      out.set(scores.dataSync(), start);
      tf.dispose([x, scores]);
    }
    return out;
  }

  /** Frees the network's variables; the classifier cannot be used afterwards. */
  dispose(): void {
    if (!this.disposed) this.network.dispose();
    this.disposed = true;
  }

  private checkAlive(method: string): void {
    if (this.disposed) throw new FraudError(`MlpClassifier.${method}: the classifier was disposed.`);
  }
}
