import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from './errors.js';
import { categoricalCrossentropyPerSample, categoricalOptions, usesFusedKernel, type CategoricalCrossentropyOptions } from './categorical-crossentropy.js';
import { fusedSoftmaxCrossEntropy } from './fused-softmax-cross-entropy.js';
import { reduceToBatch } from './reduce-to-batch.js';
import { defineLoss, type Loss } from './loss.js';
import { classWeightVector } from './class-weights.js';
import { assertKnownOptions, assertMinRank } from './validate.js';

/**
 * Turns integer labels of shape yPred.shape[:-1] (or with a trailing axis of 1) into one-hot
 * targets, checking every label is an integer class index. Reading the labels costs one small
 * synchronous download; a silent out-of-range label would otherwise give a zero loss.
 */
export function sparseLabelsToOneHot(where: string, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const numClasses = yPred.shape[yPred.rank - 1] as number;
  return tf.tidy(() => tf.cast(tf.oneHot(checkedSparseLabels(where, yTrue, yPred), numClasses), 'float32'));
}

/** The labels checked as `sparseLabelsToOneHot` does, as int32 of shape yPred.shape[:-1]. */
function checkedSparseLabels(where: string, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const numClasses = yPred.shape[yPred.rank - 1] as number;
  const leading = yPred.shape.slice(0, -1);
  const matches = (shape: number[]) => shape.length === leading.length && shape.every((size, axis) => size === leading[axis]);
  const trailingOne = yTrue.shape[yTrue.rank - 1] === 1 && matches(yTrue.shape.slice(0, -1));
  if (!matches(yTrue.shape) && !trailingOne) {
    throw invalidValue('yTrue', where, `integer labels of shape [${leading.join(', ')}] (yPred's shape without its class axis)`, yTrue.shape);
  }
  const labels = yTrue.dataSync();
  for (let index = 0; index < labels.length; index++) {
    const label = labels[index] as number;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw invalidValue('yTrue', where, `integer class indices in [0, ${numClasses})`, `${label} at flat index ${index}`);
    }
  }
  return tf.tidy(() => tf.cast(tf.reshape(yTrue, leading), 'int32'));
}

/**
 * Categorical cross-entropy with integer class labels: -log p[label] per sample. From logits it
 * uses log-softmax; from probabilities, the clipped log (see `categoricalCrossentropy`).
 *
 * @example
 * const loss = sparseCategoricalCrossentropy({ fromLogits: true });
 * loss.perSample(tf.tensor1d([1], 'int32'), tf.tensor2d([[1, 3]])); // [log(1 + e^-2)]
 */
export function sparseCategoricalCrossentropy(options: CategoricalCrossentropyOptions = {}): Loss {
  const name = 'sparseCategoricalCrossentropy';
  assertKnownOptions(name, options, ['fromLogits', 'labelSmoothing', 'classWeights']);
  const { fromLogits, labelSmoothing, classWeights, config } = categoricalOptions(name, options);
  return defineLoss(name, config, (yTrue, yPred) => {
    assertMinRank(name, 'yPred', yPred, 2);
    const weights = classWeights && classWeightVector(name, classWeights, yPred.shape[yPred.rank - 1] as number);
    return tf.tidy(() => {
      // The fused kernel takes the class indices as they are (no one-hot tensor).
      if (labelSmoothing === 0 && weights === undefined && usesFusedKernel(yPred, fromLogits)) {
        return reduceToBatch(fusedSoftmaxCrossEntropy(yPred, checkedSparseLabels(name, yTrue, yPred)));
      }
      return categoricalCrossentropyPerSample(sparseLabelsToOneHot(name, yTrue, yPred), yPred, { fromLogits, labelSmoothing, classWeights: weights });
    });
  });
}
