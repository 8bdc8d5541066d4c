import * as tf from '@tensorflow/tfjs-core';
import { probabilityEpsilon } from './epsilon.js';
import { defineLoss, type Loss } from './loss.js';
import { reduceToBatch } from './reduce-to-batch.js';
import { classWeightVector, parseClassWeights, type ClassWeights } from './class-weights.js';
import { assertKnownOptions, assertBoolean, assertMinRank, assertNumberInRange, assertSameShape } from './validate.js';

/** Options of `binaryCrossentropy`. */
export interface BinaryCrossentropyOptions {
  /** yPred holds logits (any real) instead of probabilities. Default false. */
  fromLogits?: boolean;
  /** Moves targets towards 0.5: y * (1 - s) + 0.5 s. Default 0. */
  labelSmoothing?: number;
  /** [weightOfNegatives, weightOfPositives] (or `{ 1: w1 }`); each element's loss is scaled by y w1 + (1 - y) w0. */
  classWeights?: ClassWeights;
}

/**
 * Element-wise binary cross-entropy, before averaging. From logits it is
 * softplus(x) - x y, the stable form of -y log σ(x) - (1 - y) log(1 - σ(x)): it never
 * exponentiates a large positive number and its gradient is exactly σ(x) - y.
 */
export function binaryCrossentropyElements(yTrue: tf.Tensor, yPred: tf.Tensor, fromLogits: boolean): tf.Tensor {
  return tf.tidy(() => {
    if (fromLogits) return tf.sub(tf.softplus(yPred), tf.mul(yPred, yTrue));
    const p = tf.clipByValue(yPred, probabilityEpsilon, 1 - probabilityEpsilon);
    return tf.neg(tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p)))));
  });
}

/** Per-element class weight y w1 + (1 - y) w0 for binary targets. */
export function binaryClassWeights(yTrue: tf.Tensor, classWeights: readonly number[]): tf.Tensor {
  const [negative, positive] = classWeights as [number, number];
  return tf.tidy(() => tf.add(tf.mul(yTrue, positive), tf.mul(tf.sub(1, yTrue), negative)));
}

/**
 * Binary cross-entropy per sample (mean over non-batch axes). Probabilities are clipped to
 * [1e-7, 1 - 1e-7]; with `fromLogits` the stable softplus form is used and nothing is clipped.
 *
 * @example
 * const loss = binaryCrossentropy({ fromLogits: true });
 * loss.perSample(tf.tensor1d([1, 0]), tf.tensor1d([2.5, -1])); // [softplus(-2.5), softplus(-1)]
 */
export function binaryCrossentropy(options: BinaryCrossentropyOptions = {}): Loss {
  const name = 'binaryCrossentropy';
  assertKnownOptions(name, options, ['fromLogits', 'labelSmoothing', 'classWeights']);
  const fromLogits = assertBoolean(name, 'fromLogits', options.fromLogits ?? false);
  const labelSmoothing = assertNumberInRange(name, 'labelSmoothing', options.labelSmoothing ?? 0, { min: 0, max: 1 });
  const configWeights = options.classWeights === undefined ? undefined : parseClassWeights(name, options.classWeights);
  const classWeights = configWeights && classWeightVector(name, configWeights, 2);
  const config: Record<string, unknown> = { fromLogits, labelSmoothing };
  if (configWeights) config.classWeights = configWeights;
  return defineLoss(name, config, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 1);
    assertSameShape(name, yTrue, yPred);
    return tf.tidy(() => {
      const labels = tf.cast(yTrue, 'float32');
      const targets = labelSmoothing > 0 ? tf.add(tf.mul(labels, 1 - labelSmoothing), 0.5 * labelSmoothing) : labels;
      let elements = binaryCrossentropyElements(targets, yPred, fromLogits);
      if (classWeights) elements = tf.mul(elements, binaryClassWeights(labels, classWeights));
      return reduceToBatch(elements);
    });
  });
}
