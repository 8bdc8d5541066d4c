import * as tf from '@tensorflow/tfjs-core';
import { categoricalClassWeights, logProbabilities } from './categorical-crossentropy.js';
import { invalidValue } from './errors.js';
import { defineLoss, type Loss } from './loss.js';
import { reduceToBatch } from './reduce-to-batch.js';
import { classWeightVector, parseClassWeights, type ClassWeights } from './class-weights.js';
import { assertKnownOptions, assertBoolean, assertMinRank, assertNumberInRange, assertSameShape } from './validate.js';

/** Options of `categoricalFocalCrossentropy`. Note `alpha` defaults to 0.25 here but to no balancing in `binaryFocalCrossentropy`. */
export interface CategoricalFocalCrossentropyOptions {
  /** Focusing parameter. Default 2. */
  gamma?: number;
  /**
   * A weight for every class (number) or one per class (array). Default 0.25, as Keras'
   * `CategoricalFocalCrossentropy`; note that `binaryFocalCrossentropy` applies no alpha unless
   * given, as Keras' `BinaryFocalCrossentropy` does (`apply_class_balancing=False`).
   */
  alpha?: number | number[];
  /** yPred holds logits instead of probabilities. Default false. */
  fromLogits?: boolean;
  /** One weight per class; a sample's loss is scaled by sum(yTrue * classWeights). */
  classWeights?: ClassWeights;
}

/**
 * Categorical focal cross-entropy per sample: -Σ_c α_c (1 - p_c)^γ y_c log p_c over the last
 * axis. Log-probabilities come from log-softmax (logits) or clipped probabilities, and
 * p_c = exp(log p_c), so extreme logits stay finite.
 *
 * @example
 * const loss = categoricalFocalCrossentropy({ gamma: 2, alpha: 0.25, fromLogits: true });
 * loss.perSample(tf.tensor2d([[0, 1, 0]]), tf.tensor2d([[1, 2, 0]]));
 */
export function categoricalFocalCrossentropy(options: CategoricalFocalCrossentropyOptions = {}): Loss {
  const name = 'categoricalFocalCrossentropy';
  assertKnownOptions(name, options, ['gamma', 'alpha', 'fromLogits', 'classWeights']);
  const gamma = assertNumberInRange(name, 'gamma', options.gamma ?? 2, { min: 0, max: Infinity });
  const alpha = options.alpha ?? 0.25;
  const alphaValid = Array.isArray(alpha)
    ? alpha.length > 0 && alpha.every((a) => typeof a === 'number' && Number.isFinite(a) && a >= 0)
    : typeof alpha === 'number' && Number.isFinite(alpha) && alpha >= 0;
  if (!alphaValid) throw invalidValue('alpha', name, 'a non-negative number or an array of them (one per class)', alpha);
  const fromLogits = assertBoolean(name, 'fromLogits', options.fromLogits ?? false);
  const classWeights = options.classWeights === undefined ? undefined : parseClassWeights(name, options.classWeights);
  const config: Record<string, unknown> = { gamma, alpha, fromLogits };
  if (classWeights) config.classWeights = classWeights;
  return defineLoss(name, config, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 2);
    assertSameShape(name, yTrue, yPred);
    const numClasses = yPred.shape[yPred.rank - 1] as number;
    if (Array.isArray(alpha) && alpha.length !== numClasses) throw invalidValue('alpha', name, `${numClasses} values (one per class)`, alpha.length);
    const weights = classWeights && classWeightVector(name, classWeights, numClasses);
    return tf.tidy(() => {
      const labels = tf.cast(yTrue, 'float32');
      const logP = logProbabilities(yPred, fromLogits);
      const modulation = gamma === 0 ? tf.onesLike(logP) : tf.pow(tf.sub(1, tf.exp(logP)), gamma);
      const alphaTensor = Array.isArray(alpha) ? tf.tensor1d(alpha) : tf.scalar(alpha);
      let perPosition = tf.neg(tf.sum(tf.mul(tf.mul(alphaTensor, modulation), tf.mul(labels, logP)), -1));
      if (weights) perPosition = tf.mul(perPosition, categoricalClassWeights(labels, weights));
      return reduceToBatch(perPosition);
    });
  });
}
