import * as tf from '@tensorflow/tfjs-core';
import { dense, sequential, type Layer, type Sequential } from '@loom-ml/layers';
import { meanSquaredError } from '@loom-ml/losses';
import { adam } from '@loom-ml/optimizers';
import { fit, type Logs } from '@loom-ml/train';
import { FraudError, invalidValue } from './errors.js';
import { assignWeights, binaryLabels, denseWeightShapes, packRows, savedArchitecture, savedWeights, weightsToJSON, type FeatureRows, type WeightJSON } from './feature-matrix.js';
import { checkSavedFormat } from './saved-json.js';

/** Options of `new AutoencoderDetector`: the network's shape and how it is trained. */
export interface AutoencoderDetectorOptions {
  /** Units of the hidden layers, encoder to decoder, e.g. [16, 4, 16]. Default [⌈d/2⌉, ⌈d/4⌉, ⌈d/2⌉] for d features. */
  hiddenUnits?: number[];
  /** Activation of the hidden layers. Default 'tanh'. */
  activation?: 'tanh' | 'relu';
  /** Default 30. */
  epochs?: number;
  /** Default 128. */
  batchSize?: number;
  /** Adam's learning rate. Default 1e-3. */
  learningRate?: number;
  /** L2 penalty on the kernels. Default 0. */
  l2?: number;
  /** Standardise each feature with the training mean and standard deviation first. Default true. */
  standardize?: boolean;
  /** Seed of the initial weights and batch order. Default 0. */
  seed?: number;
  /** Called after each epoch with its logs (`loss` = mean reconstruction MSE). */
  onEpoch?: (epoch: number, logs: Logs) => void;
}

/** What `toJSON` writes. */
export interface AutoencoderDetectorJSON {
  format: 'loom-ml/autoencoder-detector';
  version: 1;
  inputSize: number;
  hiddenUnits: number[];
  activation: 'tanh' | 'relu';
  mean: number[];
  scale: number[];
  weights: WeightJSON[];
}

const WHERE = 'AutoencoderDetector';
const SCORE_CHUNK = 8192;

function positiveIntegerOption(value: unknown, name: string, fallback: number): number {
  const v = value ?? fallback;
  if (!(typeof v === 'number' && Number.isInteger(v) && v > 0)) throw invalidValue(name, WHERE, 'a positive integer', value);
  return v;
}

function buildNetwork(inputSize: number, hiddenUnits: readonly number[], activation: 'tanh' | 'relu', l2: number, seed: number): Sequential {
  const initializer = activation === 'relu' ? 'heNormal' : 'glorotUniform';
  const regularizer = l2 > 0 ? { kernelRegularizer: { l2 } } : {};
  const layers: Layer[] = hiddenUnits.map((units, k) =>
    dense({ units, activation, ...(k === 0 ? { inputShape: [inputSize] } : {}), kernelInitializer: { name: initializer, seed: seed + k }, ...regularizer }),
  );
  // Linear output: standardised features are unbounded.
  layers.push(dense({ units: inputSize, kernelInitializer: { name: 'glorotUniform', seed: seed + hiddenUnits.length }, ...regularizer }));
  return sequential(layers);
}

/**
 * Dense autoencoder anomaly detector: a network squeezes each row through a narrow layer and
 * rebuilds it; rows unlike the training rows rebuild badly, so the anomaly score is the per-row
 * mean squared reconstruction error (over standardised features). Train it on normal rows only
 * (pass labels, and rows labelled 1 are left out) or on all rows when labels are unknown and
 * anomalies are rare. Trained by `@loom-ml/train`'s `fit` on the active tfjs backend; holds tfjs
 * variables, so call `dispose()` when done.
 *
 * @example
 * const detector = await new AutoencoderDetector({ hiddenUnits: [8, 3, 8], epochs: 40, seed: 1 }).fit(trainRows);
 * const scores = detector.score(todayRows); // Float64Array; higher = more anomalous
 * detector.dispose();
 */
export class AutoencoderDetector {
  readonly activation: 'tanh' | 'relu';
  /** Per-epoch logs of the last `fit`. */
  history: Logs[] = [];
  private readonly options: AutoencoderDetectorOptions;
  private network: Sequential | undefined;
  private hidden: number[] = [];
  private inputSize = 0;
  private mean = new Float32Array(0);
  private scale = new Float32Array(0);

  constructor(options: AutoencoderDetectorOptions = {}) {
    if (options === null || typeof options !== 'object') throw invalidValue('options', WHERE, 'an options object', options);
    if (options.hiddenUnits !== undefined && !(Array.isArray(options.hiddenUnits) && options.hiddenUnits.length > 0 && options.hiddenUnits.every((u) => Number.isInteger(u) && u > 0))) {
      throw invalidValue('hiddenUnits', WHERE, 'a non-empty array of positive integers', options.hiddenUnits);
    }
    this.activation = options.activation ?? 'tanh';
    if (this.activation !== 'tanh' && this.activation !== 'relu') throw invalidValue('activation', WHERE, "'tanh' or 'relu'", options.activation);
    positiveIntegerOption(options.epochs, 'epochs', 30);
    positiveIntegerOption(options.batchSize, 'batchSize', 128);
    if (options.learningRate !== undefined && !(options.learningRate > 0)) throw invalidValue('learningRate', WHERE, 'a positive number', options.learningRate);
    if (options.l2 !== undefined && !(options.l2 >= 0)) throw invalidValue('l2', WHERE, 'a non-negative number', options.l2);
    if (options.seed !== undefined && !Number.isInteger(options.seed)) throw invalidValue('seed', WHERE, 'an integer', options.seed);
    if (options.onEpoch !== undefined && typeof options.onEpoch !== 'function') throw invalidValue('onEpoch', WHERE, 'a function', options.onEpoch);
    this.options = { ...options };
  }

  /**
   * Trains on `rows`; with `labels` (0 normal, 1 anomalous), only on the rows labelled 0.
   * Refitting replaces the previous network.
   */
  async fit(rows: FeatureRows, labels?: ArrayLike<number>): Promise<this> {
    const where = `${WHERE}.fit`;
    const packed = packRows(rows, where);
    let keep: number[] = Array.from({ length: packed.rows }, (_, i) => i);
    if (labels !== undefined) {
      const y = binaryLabels(labels, packed.rows, where);
      keep = keep.filter((i) => y[i] === 0);
      if (keep.length < 2) throw invalidValue('labels', where, 'at least 2 rows labelled 0 (normal) to train on', `${keep.length} normal rows`);
    }
    const d = packed.width;
    const n = keep.length;
    // Standardise with the training rows' statistics (float64 sums), so every feature counts alike.
    const mean = new Float64Array(d);
    const variance = new Float64Array(d);
    for (const i of keep) for (let j = 0; j < d; j++) mean[j]! += packed.values[i * d + j]! / n;
    for (const i of keep) for (let j = 0; j < d; j++) variance[j]! += (packed.values[i * d + j]! - mean[j]!) ** 2 / n;
    const standardize = this.options.standardize ?? true;
    this.mean = standardize ? Float32Array.from(mean) : new Float32Array(d);
    this.scale = standardize ? Float32Array.from(variance, (v) => Math.sqrt(v) || 1) : new Float32Array(d).fill(1);
    const training = new Float32Array(n * d);
    keep.forEach((i, r) => {
      for (let j = 0; j < d; j++) training[r * d + j] = (packed.values[i * d + j]! - this.mean[j]!) / this.scale[j]!;
    });

    const hidden = this.options.hiddenUnits ?? [Math.ceil(d / 2), Math.max(1, Math.ceil(d / 4)), Math.ceil(d / 2)];
    const seed = this.options.seed ?? 0;
    this.network?.dispose();
    this.network = undefined;
    const network = buildNetwork(d, hidden, this.activation, this.options.l2 ?? 0, seed);
    const x = tf.tensor2d(training, [n, d]);
    const history: Logs[] = [];
    try {
      await fit(network, { x, y: x }, {
        loss: meanSquaredError(),
        optimizer: adam({ learningRate: this.options.learningRate ?? 1e-3 }),
        epochs: this.options.epochs ?? 30,
        batchSize: this.options.batchSize ?? 128,
        seed,
        callbacks: [
          {
            onEpochEnd: (epoch, logs) => {
              history.push({ ...logs });
              this.options.onEpoch?.(epoch, { ...logs });
            },
          },
        ],
      });
    } catch (error) {
      network.dispose();
      throw error;
    } finally {
      x.dispose();
    }
    this.network = network;
    this.hidden = [...hidden];
    this.inputSize = d;
    this.history = history;
    return this;
  }

  /** Anomaly score per row: mean over features of the squared reconstruction error (standardised units). */
  score(rows: FeatureRows): Float64Array {
    const network = this.fitted('score');
    const out = new Float64Array(rows.length);
    for (let start = 0; start < rows.length; start += SCORE_CHUNK) {
      const packed = packRows(rows.slice(start, start + SCORE_CHUNK), `${WHERE}.score`, this.inputSize);
      const errors = tf.tidy(() => {
        const x = tf.div(tf.sub(tf.tensor2d(packed.values, [packed.rows, this.inputSize]), tf.tensor1d(this.mean)), tf.tensor1d(this.scale));
        return tf.mean(tf.square(tf.sub(network.apply(x, { training: false }), x)), 1);
      });
      out.set(errors.dataSync(), start);
      errors.dispose();
    }
    return out;
  }

  /** The fitted network, standardisation and architecture as plain JSON. */
  toJSON(): AutoencoderDetectorJSON {
    const network = this.fitted('toJSON');
    return {
      format: 'loom-ml/autoencoder-detector',
      version: 1,
      inputSize: this.inputSize,
      hiddenUnits: [...this.hidden],
      activation: this.activation,
      mean: Array.from(this.mean),
      scale: Array.from(this.scale),
      weights: weightsToJSON(network.getWeights()),
    };
  }

  /** Rebuilds a detector saved with `toJSON()`. */
  static fromJSON(json: AutoencoderDetectorJSON): AutoencoderDetector {
    const where = `${WHERE}.fromJSON`;
    const record = checkSavedFormat(json, 'loom-ml/autoencoder-detector', 1, where);
    // Everything is checked before the network exists: its size comes from the saved weights.
    const { inputSize, hiddenUnits } = savedArchitecture(record, where, false);
    const activation = record.activation;
    if (activation !== 'tanh' && activation !== 'relu') throw invalidValue('activation', where, "'tanh' or 'relu'", activation ?? null);
    const standardisation = (field: 'mean' | 'scale'): Float32Array<ArrayBuffer> => {
      const values = record[field];
      if (!Array.isArray(values) || values.length !== inputSize) throw invalidValue(field, where, `${inputSize} values (one per input)`, Array.isArray(values) ? `${values.length} values` : (values ?? null));
      values.forEach((v: unknown, j) => {
        const ok = typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 3.4028234663852886e38 && (field === 'mean' || v > 0);
        if (!ok) throw invalidValue(`${field}[${j}]`, where, field === 'mean' ? 'a finite number' : 'a finite number > 0', v ?? null);
      });
      return Float32Array.from(values as number[]);
    };
    const mean = standardisation('mean');
    const scale = standardisation('scale');
    const weights = savedWeights(record.weights, denseWeightShapes(inputSize, [...hiddenUnits, inputSize]), where);
    const detector = new AutoencoderDetector({ hiddenUnits, activation });
    const network = buildNetwork(inputSize, hiddenUnits, activation, 0, 0);
    try {
      assignWeights(network.getWeights() as tf.Variable[], weights);
    } catch (error) {
      network.dispose();
      throw error;
    }
    detector.network = network;
    detector.hidden = hiddenUnits;
    detector.inputSize = inputSize;
    detector.mean = mean;
    detector.scale = scale;
    return detector;
  }


  /** Frees the network's variables (fit again to reuse the detector). */
  dispose(): void {
    this.network?.dispose();
    this.network = undefined;
  }

  private fitted(method: string): Sequential {
    if (this.network === undefined) throw new FraudError(`${WHERE}.${method}: call fit(rows) first (or the detector was disposed).`);
    return this.network;
  }
}
