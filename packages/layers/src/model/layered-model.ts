import * as tf from '@tensorflow/tfjs-core';
import type { Layer, LayerWeight } from '../core/layer.js';
import { LayersError, shapeMismatch } from '../errors.js';
import { formatShape } from '../core/shape.js';

/**
 * What every model built from a list of layers shares, whatever connects them (a stack in
 * `Sequential`, a graph in `FunctionalModel`): its weights are its layers' weights, in layer
 * order, each layer once.
 */
export abstract class LayeredModel {
  abstract readonly className: string;
  abstract readonly name: string;
  /** Each distinct layer once, in the order weights are listed and saved. */
  abstract readonly layers: readonly Layer[];

  get weights(): readonly LayerWeight[] {
    return this.layers.flatMap((layer) => layer.weights);
  }

  get trainableWeights(): tf.Variable[] {
    return this.layers.flatMap((layer) => layer.trainableWeights);
  }

  get nonTrainableWeights(): tf.Variable[] {
    return this.layers.flatMap((layer) => layer.nonTrainableWeights);
  }

  /** Sum of the layers' regularisation penalties, or null when no layer has one. */
  regularizationLoss(): tf.Scalar | null {
    const penalties = this.layers.map((layer) => layer.regularizationLoss()).filter((p): p is tf.Scalar => p !== null);
    if (penalties.length <= 1) return penalties[0] ?? null;
    const total = tf.addN(penalties) as tf.Scalar;
    tf.dispose(penalties);
    return total;
  }

  /** The weight variables themselves (not copies), in `weights` order. */
  getWeights(): tf.Tensor[] {
    return this.weights.map((w) => w.variable);
  }

  /** Assigns new values in `weights` order, after checking the count and every shape. */
  setWeights(values: tf.Tensor[]): void {
    const weights = this.weights;
    if (values.length !== weights.length) {
      throw new LayersError(`${this.className} '${this.name}' has ${weights.length} weights, setWeights received ${values.length}.`);
    }
    weights.forEach((w, i) => {
      const value = values[i]!;
      if (!tf.util.arraysEqual(value.shape, w.variable.shape)) {
        throw shapeMismatch(`setWeights for '${w.path}'`, `a tensor of shape ${formatShape(w.variable.shape)}`, value.shape);
      }
    });
    weights.forEach((w, i) => {
      const value = values[i]!;
      if (value.dtype === w.variable.dtype) w.variable.assign(value);
      else tf.tidy(() => w.variable.assign(tf.cast(value, w.variable.dtype)));
    });
  }

  countParams(): number {
    return this.layers.reduce((sum, layer) => sum + layer.countParams(), 0);
  }

  dispose(): void {
    for (const layer of this.layers) layer.dispose();
  }
}
