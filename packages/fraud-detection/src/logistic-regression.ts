import * as tf from '@tensorflow/tfjs-core';
import { adam, Optimizer } from '@loom-ml/optimizers';
import { invalidValue } from './errors.js';
import type { FeatureRows } from './feature-matrix.js';
import { seededRandom } from './random.js';
import { checkSavedFormat, savedNumber, savedNumbers } from './saved-json.js';

const FLOAT32_MAX = 3.4028234663852886e38;

/** Options of `LogisticRegression.fit`: the penalty (and how it maps to scikit-learn's `C`), class weights and training. */
export interface LogisticRegressionOptions {
  /**
   * L2 penalty on the weights (not the bias): the loss is the (class-weighted) mean log-loss plus
   * `l2 · Σ w²`. scikit-learn's `LogisticRegression(C)` minimises `C · Σ logloss + ½ Σ w²`, the same
   * optimum as `l2 = 1 / (2 · C · n)` for n training rows (unweighted); `C = 1 / (2 · l2 · n)`.
   * Default 1e-4 (C = 5000 / n: C = 1 for 5,000 rows).
   */
  l2?: number;
  /** Weight of each class: 'balanced' (n / (2 n_c)) or [negative, positive]. Default: none. */
  classWeight?: 'balanced' | [number, number];
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
}

/** What `LogisticRegression.toJSON` writes: the fitted weights and bias. */
export interface LogisticRegressionJSON {
  format: 'loom-ml/logistic-regression';
  version: 1;
  weights: number[];
  bias: number;
}

/**
 * Binary logistic regression trained with Adam on weighted log loss (stable softplus form).
 *
 * @example
 * const model = await LogisticRegression.fit(features, labels, { classWeight: 'balanced' });
 * const probabilities = model.predictProba(features);
 * const restored = LogisticRegression.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
 */
export class LogisticRegression {
  private constructor(
    readonly weights: Float32Array,
    readonly bias: number,
  ) {}

  /** Trains a model on rows of numeric features and 0/1 labels (see `LogisticRegressionOptions` for the penalty and class weights). */
  static async fit(features: FeatureRows, labels: ArrayLike<number>, options: LogisticRegressionOptions = {}): Promise<LogisticRegression> {
    const n = features.length;
    if (n === 0 || labels.length !== n) throw invalidValue('labels', 'LogisticRegression.fit', `${n} labels (one per row, at least one)`, labels.length);
    const d = features[0]!.length;
    const positives = Array.from(labels).reduce((a, b) => a + b, 0);
    const [w0, w1] = options.classWeight === 'balanced' ? [n / (2 * Math.max(n - positives, 1)), n / (2 * Math.max(positives, 1))] : (options.classWeight ?? [1, 1]);
    const l2 = options.l2 ?? 1e-4;
    const epochs = options.epochs ?? 30;
    const batchSize = options.batchSize ?? 256;
    const x = tf.tensor2d(features.map((r) => Array.from(r)), [n, d]);
    const y = tf.tensor1d(Float32Array.from(labels));
    const sampleWeight = tf.tensor1d(Float32Array.from(labels, (v) => (v === 1 ? w1 : w0)));
    // Inside tidy so the zero initial values are freed (variables survive a tidy).
    const kernel = tf.tidy(() => tf.variable(tf.zeros([d, 1]), true));
    const bias = tf.tidy(() => tf.variable(tf.zeros([1]), true));
    const optimizer = new Optimizer(adam({ learningRate: options.learningRate ?? 0.01 }), [kernel, bias]);
    const random = seededRandom(options.seed ?? 0);
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const order = Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        for (let start = 0; start < n; start += batchSize) {
          // Gradients come out of the tidy; the optimizer's new state must outlive it.
          const grads = tf.tidy(() => {
            const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
            const xb = tf.gather(x, idx);
            const yb = tf.gather(y, idx);
            const wb = tf.gather(sampleWeight, idx);
            const { value, grads } = tf.variableGrads(() => {
              const logits = tf.reshape(tf.add(tf.matMul(xb, kernel), bias), [-1]);
              const perSample = tf.sub(tf.softplus(logits), tf.mul(logits, yb));
              const dataLoss = tf.div(tf.sum(tf.mul(perSample, wb)), tf.sum(wb));
              return tf.add(dataLoss, tf.mul(l2, tf.sum(tf.square(kernel)))) as tf.Scalar;
            }, [kernel, bias]);
            value.dispose();
            return grads;
          });
          optimizer.step(grads);
          tf.dispose(Object.values(grads));
        }
      }
      return new LogisticRegression(Float32Array.from(kernel.dataSync()), bias.dataSync()[0]!);
    } finally {
      optimizer.dispose();
      tf.dispose([x, y, sampleWeight, kernel, bias]);
    }
  }

  /**
   * P(class 1) per row as a differentiable tensor, for gradient explanations. Creates no
   * variables and changes no state; the caller owns the result.
   *
   * @example
   * const gradient = tf.grad((x: tf.Tensor2D) => tf.sum(model.scoreTensor(x)))(features);
   */
  scoreTensor(x: tf.Tensor2D): tf.Tensor1D {
    if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[1] !== this.weights.length) {
      throw invalidValue('x', 'LogisticRegression.scoreTensor', `a tensor of shape [rows, ${this.weights.length}]`, x instanceof tf.Tensor ? `shape [${x.shape.join(', ')}]` : x);
    }
    return tf.tidy(() => {
      const kernel = tf.tensor2d(this.weights, [this.weights.length, 1]);
      return tf.sigmoid(tf.add(tf.reshape(tf.matMul(x, kernel), [-1]), this.bias)) as tf.Tensor1D;
    });
  }

  /**
   * The log-odds w·x + b of class 1 for each row (what scikit-learn calls the decision function).
   * Explanations on this scale add up: for a linear model each feature's effect is additive.
   *
   * @example
   * const [z] = model.logOdds([row]); // P(class 1) = 1 / (1 + exp(-z))
   */
  logOdds(features: FeatureRows): Float64Array {
    return Float64Array.from(features, (row) => {
      let z = this.bias;
      for (let j = 0; j < this.weights.length; j++) z += this.weights[j]! * row[j]!;
      return z;
    });
  }

  /**
   * P(class 1) for each row.
   *
   * @example
   * const probabilities = model.predictProba(features); // Float64Array
   */
  predictProba(features: FeatureRows): Float64Array {
    return this.logOdds(features).map((z) => 1 / (1 + Math.exp(-z)));
  }

  /**
   * The weights and bias as plain, versioned JSON (`JSON.stringify` it to save). Float32 weights
   * survive the JSON round trip exactly, so a restored model scores identically.
   *
   * @example
   * await writeFile('model.json', JSON.stringify(model.toJSON()));
   */
  toJSON(): LogisticRegressionJSON {
    return { format: 'loom-ml/logistic-regression', version: 1, weights: Array.from(this.weights), bias: this.bias };
  }

  /**
   * Rebuilds a model saved with `toJSON()`; malformed input is reported by field name.
   *
   * @example
   * const model = LogisticRegression.fromJSON(JSON.parse(await readFile('model.json', 'utf8')));
   */
  static fromJSON(json: LogisticRegressionJSON): LogisticRegression {
    const where = 'LogisticRegression.fromJSON';
    const record = checkSavedFormat(json, 'loom-ml/logistic-regression', 1, where);
    const weights = savedNumbers(record, 'weights', where);
    const bias = savedNumber(record, 'bias', where);
    // Weights and bias are float32: a larger number would load as Infinity.
    weights.forEach((w, i) => {
      if (Math.abs(w) > FLOAT32_MAX) throw invalidValue(`weights[${i}]`, where, 'a finite float32', w);
    });
    if (Math.abs(bias) > FLOAT32_MAX) throw invalidValue('bias', where, 'a finite float32', bias);
    return new LogisticRegression(Float32Array.from(weights), bias);
  }
}
