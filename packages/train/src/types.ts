import type * as tf from '@tensorflow/tfjs-core';

/**
 * The part of the `@loom-ml/layers` `Model` contract the fit loop uses. Any object of this
 * shape trains, so train does not need a particular layers version.
 */
export interface TrainableModel {
  readonly name: string;
  /** The forward pass; `training: true` while fitting (dropout on, batch statistics). */
  apply(inputs: tf.Tensor | tf.Tensor[], options?: { training?: boolean }): tf.Tensor | tf.Tensor[];
  /** The variables the optimizer updates. */
  readonly trainableWeights: tf.Variable[];
  readonly nonTrainableWeights?: tf.Variable[];
  /** The weight penalties to add to the loss, or null when there are none. */
  regularizationLoss?(): tf.Scalar | null;
  /** Every weight's current value, trainable and not (the variables or copies); checkpoints and early stopping use it. */
  getWeights(): tf.Tensor[];
  /** Assigns weights in `getWeights` order. */
  setWeights(weights: tf.Tensor[]): void;
}

/** The `@loom-ml/losses` `Loss` contract: per-sample values, shape `[batch]`. */
export interface LossLike {
  readonly name: string;
  /** The loss of each sample, shape `[batch]`; `fit` weights and averages it. */
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D;
}

/** The `@loom-ml/metrics` `StreamingMetric` contract. */
export interface MetricLike {
  readonly name: string;
  /** Adds a batch's targets and predictions (and sample weights) to the running value. */
  update(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): void;
  /** The value over every batch since the last `reset`. */
  result(): number;
  /** Starts over; `fit` calls it at the start of each epoch and of each evaluation. */
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
