import type * as tf from '@tensorflow/tfjs-core';

/**
 * The part of the `@loom-ml/layers` `Model` contract the fit loop uses. Any object of this
 * shape trains, so train does not need a particular layers version.
 */
export interface TrainableModel {
  readonly name: string;
  apply(inputs: tf.Tensor | tf.Tensor[], options?: { training?: boolean }): tf.Tensor | tf.Tensor[];
  readonly trainableWeights: tf.Variable[];
  readonly nonTrainableWeights?: tf.Variable[];
  regularizationLoss?(): tf.Scalar | null;
  getWeights(): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
}

/** The `@loom-ml/losses` `Loss` contract: per-sample values, shape `[batch]`. */
export interface LossLike {
  readonly name: string;
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D;
}

/** The `@loom-ml/metrics` `StreamingMetric` contract. */
export interface MetricLike {
  readonly name: string;
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void;
  result(): number;
  reset(): void;
}

/** One batch (or a whole in-memory data set): inputs, targets and optional per-sample weights. */
export interface Batch {
  x: tf.Tensor | tf.Tensor[];
  y: tf.Tensor;
  sampleWeight?: tf.Tensor;
}

/** Epoch or batch values by name: `loss`, metric names, and `val_`-prefixed validation values. */
export type Logs = Record<string, number>;
