import * as tf from '@tensorflow/tfjs-core';
import { binaryClassWeights, binaryCrossentropyElements } from './binary-crossentropy.js';
import { probabilityEpsilon } from './epsilon.js';
import { defineLoss, type Loss } from './loss.js';
import { reduceToBatch } from './reduce-to-batch.js';
import { classWeightVector, parseClassWeights, type ClassWeights } from './class-weights.js';
import { assertKnownOptions, assertBoolean, assertMinRank, assertNumberInRange, assertSameShape } from './validate.js';

/** Options of `binaryFocalCrossentropy`. Note the `alpha` default differs from the categorical one. */
export interface BinaryFocalCrossentropyOptions {
  /** Focusing parameter: easy examples are down-weighted by (1 - p_t)^gamma. Default 2. */
  gamma?: number;
  /**
   * Class balance: positives weighted alpha, negatives 1 - alpha. Default: no balancing, as Keras'
   * `BinaryFocalCrossentropy` (`apply_class_balancing=False`); note that `categoricalFocalCrossentropy`
   * defaults `alpha` to 0.25, as Keras' `CategoricalFocalCrossentropy` does.
   */
  alpha?: number;
  /** yPred holds logits instead of probabilities. Default false. */
  fromLogits?: boolean;
  /** Moves targets towards 0.5 for the cross-entropy term. Default 0. */
  labelSmoothing?: number;
  /** [weightOfNegatives, weightOfPositives], as in `binaryCrossentropy`. */
  classWeights?: ClassWeights;
}

/**
 * Binary focal cross-entropy (Lin et al. 2017) per sample:
 * mean over elements of α_t (1 - p_t)^γ BCE, with p_t = y p + (1 - y)(1 - p) and
 * α_t = y α + (1 - y)(1 - α) when `alpha` is given. From logits, 1 - p_t is
 * y σ(-x) + (1 - y) σ(x), which stays accurate where p rounds to 0 or 1.
 *
 * @example
 * const loss = binaryFocalCrossentropy({ gamma: 2, alpha: 0.25, fromLogits: true });
 * loss.perSample(tf.tensor1d([1, 0]), tf.tensor1d([3, -3]));
 */
export function binaryFocalCrossentropy(options: BinaryFocalCrossentropyOptions = {}): Loss {
  const name = 'binaryFocalCrossentropy';
  assertKnownOptions(name, options, ['gamma', 'alpha', 'fromLogits', 'labelSmoothing', 'classWeights']);
  const gamma = assertNumberInRange(name, 'gamma', options.gamma ?? 2, { min: 0, max: Infinity });
  const alpha = options.alpha === undefined ? undefined : assertNumberInRange(name, 'alpha', options.alpha, { min: 0, max: 1 });
  const fromLogits = assertBoolean(name, 'fromLogits', options.fromLogits ?? false);
  const labelSmoothing = assertNumberInRange(name, 'labelSmoothing', options.labelSmoothing ?? 0, { min: 0, max: 1 });
  const configWeights = options.classWeights === undefined ? undefined : parseClassWeights(name, options.classWeights);
  const classWeights = configWeights && classWeightVector(name, configWeights, 2);
  const config: Record<string, unknown> = { gamma, fromLogits, labelSmoothing };
  if (alpha !== undefined) config.alpha = alpha;
  if (configWeights) config.classWeights = configWeights;
  return defineLoss(name, config, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 1);
    assertSameShape(name, yTrue, yPred);
    return tf.tidy(() => {
      const labels = tf.cast(yTrue, 'float32');
      const targets = labelSmoothing > 0 ? tf.add(tf.mul(labels, 1 - labelSmoothing), 0.5 * labelSmoothing) : labels;
      const crossEntropy = binaryCrossentropyElements(targets, yPred, fromLogits);
      const probability = fromLogits
        ? tf.sigmoid(yPred)
        : tf.clipByValue(yPred, probabilityEpsilon, 1 - probabilityEpsilon);
      const complement = fromLogits ? tf.sigmoid(tf.neg(yPred)) : tf.sub(1, probability);
      // 1 - p_t: the probability given to the wrong answer.
      const miss = tf.add(tf.mul(labels, complement), tf.mul(tf.sub(1, labels), probability));
      let elements = gamma === 0 ? crossEntropy : tf.mul(tf.pow(miss, gamma), crossEntropy);
      if (alpha !== undefined) elements = tf.mul(elements, binaryClassWeights(labels, [1 - alpha, alpha]));
      if (classWeights) elements = tf.mul(elements, binaryClassWeights(labels, classWeights));
      return reduceToBatch(elements);
    });
  });
}
