// The baseline the Loom model has to beat: TF-IDF of the same features (words, word pairs,
// character 3-5-grams) and a linear classifier (multinomial logistic regression with L2), in
// plain TypeScript, as scikit-learn's TfidfVectorizer(sublinear_tf=True) + LogisticRegression
// would do it. Sparse throughout: a query touches only its own features' rows of the weights.
import type { Featurizer } from './features.js';
import { seededRandom } from '@loom-ml/data';

/** A query as TF-IDF: feature ids (sorted, distinct) and their weights (unit L2 norm). */
export interface SparseVector {
  ids: Int32Array;
  values: Float32Array;
}

/**
 * TF-IDF of a query with sublinear term frequency (1 + log count) and smoothed inverse document
 * frequency (log((1 + n) / (1 + df)) + 1), normalised to unit length.
 *
 * @example
 * const x = tfidf(featurizer, 'my card has not arrived');
 */
export function tfidf(featurizer: Featurizer, text: string): SparseVector {
  const counts = new Map<number, number>();
  for (const id of featurizer.idsOf(text)) counts.set(id, (counts.get(id) ?? 0) + 1);
  const ids = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const values = new Float32Array(ids.length);
  let norm = 0;
  ids.forEach((id, k) => {
    const idf = Math.log((1 + featurizer.documents) / (1 + featurizer.documentFrequency[id - 1]!)) + 1;
    const value = (1 + Math.log(counts.get(id)!)) * idf;
    values[k] = value;
    norm += value * value;
  });
  if (norm > 0) for (let k = 0; k < values.length; k++) values[k]! /= Math.sqrt(norm);
  return { ids, values };
}

export interface LinearOptions {
  classes: number;
  /** L2 penalty per example (weight decay). Default 1e-5. */
  l2?: number;
  epochs?: number;
  /** Initial step size, decayed linearly to 0. Default 1. */
  learningRate?: number;
  seed?: number;
}

/**
 * Multinomial logistic regression on sparse vectors: softmax of `x · W + b`, trained by
 * stochastic gradient descent on the cross-entropy plus `l2 / 2 · |W|²` per example, with the
 * step decayed linearly to 0. The L2 decay is applied lazily through a scale factor, so a step
 * costs only the query's own features (the usual trick for sparse SGD).
 */
export class LinearClassifier {
  private constructor(
    readonly features: number,
    readonly classes: number,
    /** `features * classes`, row-major by feature; the real weights are `scale * weights`. */
    private readonly weights: Float32Array,
    readonly bias: Float32Array,
    private scale: number,
  ) {}

  /**
   * Trains on `vectors` with integer `labels`.
   *
   * @example
   * const model = LinearClassifier.train(vectors, labels, featurizer.size, { classes: 77, l2: 1e-5 });
   */
  static train(vectors: readonly SparseVector[], labels: ArrayLike<number>, features: number, options: LinearOptions): LinearClassifier {
    const { classes, l2 = 1e-5, epochs = 20, learningRate = 1, seed = 42 } = options;
    const model = new LinearClassifier(features, classes, new Float32Array(features * classes), new Float32Array(classes), 1);
    const random = seededRandom(seed);
    const order = Array.from(vectors.keys());
    const total = epochs * vectors.length;
    const probabilities = new Float64Array(classes);
    let step = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const index of order) {
        const rate = learningRate * (1 - step / total);
        step++;
        const x = vectors[index]!;
        model.probabilities(x, probabilities);
        probabilities[labels[index]!]! -= 1; // now the gradient of the loss by the logits
        // Decay every weight by (1 - rate * l2) at once, then add the gradient step in stored units.
        model.scale *= 1 - rate * l2;
        if (model.scale < 1e-6) model.rescale();
        const factor = rate / model.scale;
        for (let k = 0; k < x.ids.length; k++) {
          const row = x.ids[k]! * classes;
          const value = x.values[k]! * factor;
          for (let c = 0; c < classes; c++) model.weights[row + c]! -= value * probabilities[c]!;
        }
        for (let c = 0; c < classes; c++) model.bias[c]! -= rate * probabilities[c]!;
      }
    }
    model.rescale();
    return model;
  }

  private rescale(): void {
    for (let i = 0; i < this.weights.length; i++) this.weights[i]! *= this.scale;
    this.scale = 1;
  }

  /** Logits of one query (`out` reused when given). */
  logits(x: SparseVector, out = new Float64Array(this.classes)): Float64Array {
    out.set(this.bias);
    for (let k = 0; k < x.ids.length; k++) {
      const row = x.ids[k]! * this.classes;
      const value = x.values[k]! * this.scale;
      for (let c = 0; c < this.classes; c++) out[c]! += value * this.weights[row + c]!;
    }
    return out;
  }

  /** Class probabilities of one query (softmax of the logits). */
  probabilities(x: SparseVector, out = new Float64Array(this.classes)): Float64Array {
    this.logits(x, out);
    let max = -Infinity;
    for (const value of out) max = Math.max(max, value);
    let sum = 0;
    for (let c = 0; c < this.classes; c++) sum += out[c] = Math.exp(out[c]! - max);
    for (let c = 0; c < this.classes; c++) out[c]! /= sum;
    return out;
  }
}
