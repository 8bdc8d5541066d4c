import * as tf from '@tensorflow/tfjs-core';
import { probabilityEpsilon } from './epsilon.js';
import { fusedSoftmaxCrossEntropy, fusedSoftmaxCrossEntropyAvailable } from './fused-softmax-cross-entropy.js';
import { defineLoss, type Loss } from './loss.js';
import { reduceToBatch } from './reduce-to-batch.js';
import { classWeightVector, parseClassWeights, type ClassWeights } from './class-weights.js';
import { assertKnownOptions, assertBoolean, assertMinRank, assertNumberInRange, assertSameShape } from './validate.js';

/** Options of `categoricalCrossentropy` and `sparseCategoricalCrossentropy`. */
export interface CategoricalCrossentropyOptions {
  /** yPred holds logits instead of probabilities. Default false. */
  fromLogits?: boolean;
  /** Moves one-hot targets towards uniform: y (1 - s) + s / numClasses. Default 0. */
  labelSmoothing?: number;
  /** One weight per class (array, or map with missing classes weighing 1); a sample's loss is scaled by sum(yTrue * classWeights). */
  classWeights?: ClassWeights;
}

/**
 * Log-probabilities over the last axis. From logits: log-softmax (x - max - log Σ exp(x - max)),
 * finite for any finite logits. From probabilities: renormalised to sum 1 (as Keras does),
 * then clipped to [1e-7, 1 - 1e-7] before the log.
 */
export function logProbabilities(yPred: tf.Tensor, fromLogits: boolean): tf.Tensor {
  return tf.tidy(() => {
    if (fromLogits) return tf.logSoftmax(yPred);
    const normalised = tf.div(yPred, tf.sum(yPred, -1, true));
    return tf.log(tf.clipByValue(normalised, probabilityEpsilon, 1 - probabilityEpsilon));
  });
}

/** Per-position class weight sum(yTrue * classWeights) over the last axis. */
export function categoricalClassWeights(yTrue: tf.Tensor, classWeights: readonly number[]): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.mul(yTrue, tf.tensor1d(classWeights as number[])), -1));
}

/** Whether cross-entropy of these predictions runs as the fused softmax cross-entropy kernel. */
export function usesFusedKernel(yPred: tf.Tensor, fromLogits: boolean): boolean {
  return fromLogits && yPred.dtype === 'float32' && fusedSoftmaxCrossEntropyAvailable();
}

/**
 * Shared by categorical and sparse categorical cross-entropy: targets are one-hot (or soft).
 * From logits, where the backend has Loom's fused kernel (and `useFusedKernels` is on), the
 * softmax, log and sum run as one kernel, and its gradient as one; otherwise the composite ops.
 */
export function categoricalCrossentropyPerSample(
  targets: tf.Tensor,
  yPred: tf.Tensor,
  { fromLogits, labelSmoothing, classWeights }: { fromLogits: boolean; labelSmoothing: number; classWeights?: readonly number[] },
): tf.Tensor1D {
  return tf.tidy(() => {
    const numClasses = yPred.shape[yPred.rank - 1] as number;
    const smoothed = labelSmoothing > 0 ? tf.add(tf.mul(targets, 1 - labelSmoothing), labelSmoothing / numClasses) : targets;
    let perPosition = usesFusedKernel(yPred, fromLogits)
      ? fusedSoftmaxCrossEntropy(yPred, smoothed)
      : tf.neg(tf.sum(tf.mul(smoothed, logProbabilities(yPred, fromLogits)), -1));
    if (classWeights) perPosition = tf.mul(perPosition, categoricalClassWeights(targets, classWeights));
    return reduceToBatch(perPosition);
  });
}

/** Validates the options shared by categorical and sparse categorical cross-entropy. */
export function categoricalOptions(name: string, options: CategoricalCrossentropyOptions) {
  const fromLogits = assertBoolean(name, 'fromLogits', options.fromLogits ?? false);
  const labelSmoothing = assertNumberInRange(name, 'labelSmoothing', options.labelSmoothing ?? 0, { min: 0, max: 1 });
  const classWeights = options.classWeights === undefined ? undefined : parseClassWeights(name, options.classWeights);
  const config: Record<string, unknown> = { fromLogits, labelSmoothing };
  if (classWeights) config.classWeights = classWeights;
  return { fromLogits, labelSmoothing, classWeights, config };
}

/**
 * Categorical cross-entropy per sample: -Σ_c y_c log p_c over the last axis (averaged over
 * any axes between batch and classes). yTrue is one-hot or soft targets with yPred's shape.
 *
 * @example
 * const loss = categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
 * loss.perSample(tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 3]])); // [≈0.227]
 */
export function categoricalCrossentropy(options: CategoricalCrossentropyOptions = {}): Loss {
  const name = 'categoricalCrossentropy';
  assertKnownOptions(name, options, ['fromLogits', 'labelSmoothing', 'classWeights']);
  const { fromLogits, labelSmoothing, classWeights, config } = categoricalOptions(name, options);
  return defineLoss(name, config, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 2);
    assertSameShape(name, yTrue, yPred);
    const weights = classWeights && classWeightVector(name, classWeights, yPred.shape[yPred.rank - 1] as number);
    return tf.tidy(() =>
      categoricalCrossentropyPerSample(tf.cast(yTrue, 'float32'), yPred, { fromLogits, labelSmoothing, classWeights: weights }),
    );
  });
}
