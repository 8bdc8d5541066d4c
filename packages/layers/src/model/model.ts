import type * as tf from '@tensorflow/tfjs-core';
import type { CallOptions, LayerWeight } from '../core/layer.js';
import type { Shape } from '../core/shape.js';

/** A model's JSON config: its class, name and its layers' configs (functional models add their graph). */
export interface ModelConfig {
  className: string;
  name: string;
  layers: { className: string; config: Record<string, unknown> }[];
  [key: string]: unknown;
}

/** What `@loom-ml/train` trains and what save/load reads and writes (see docs/contracts.md). */
export interface Model {
  readonly name: string;
  readonly className: string;
  /**
   * Input shape without the batch dimension, for a model with one input. A functional model
   * with several inputs throws here: read `inputShapes`.
   */
  readonly inputShape: number[];
  /** Every input's shape without the batch dimension, in the order `apply` takes them. */
  readonly inputShapes: number[][];
  /** Output shape (batch as `null`) of a one-output model; several outputs: `outputShapes`. */
  readonly outputShape: Shape;
  /** Every output's shape, batch as `null`, in the order `apply` returns them. */
  readonly outputShapes: Shape[];
  /** The forward pass: one tensor, or one per input; one output tensor, or one per output. */
  apply(inputs: tf.Tensor | tf.Tensor[], options?: CallOptions): tf.Tensor | tf.Tensor[];
  /** The variables an optimizer updates. */
  readonly trainableWeights: tf.Variable[];
  /** The variables training leaves alone (frozen layers, moving statistics). */
  readonly nonTrainableWeights: tf.Variable[];
  /** Every weight with the path it is saved under, in a stable order. */
  readonly weights: readonly LayerWeight[];
  /** The sum of every layer's weight penalties, to add to the loss; null when no layer has one. */
  regularizationLoss(): tf.Scalar | null;
  /** The weight variables themselves (not copies), in `weights` order. */
  getWeights(): tf.Tensor[];
  /** Assigns new values, in `weights` order; shapes must match. */
  setWeights(weights: tf.Tensor[]): void;
  /** Number of scalars in all the weights. */
  countParams(): number;
  /** A table of the layers with their output shapes and parameter counts, as text. */
  summary(): string;
  /** The JSON config that re-creates the model (without its weights). */
  getConfig(): ModelConfig;
  /** Frees every layer's weights; the model cannot be used afterwards. */
  dispose(): void;
}
