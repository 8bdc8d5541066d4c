import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, LayersError, shapeMismatch } from '../errors.js';
import { Layer, type CallOptions } from '../core/layer.js';
import { uniqueLayerName } from '../core/naming.js';
import { formatShape, type Shape } from '../core/shape.js';
import type { Model, ModelConfig } from './model.js';
import { LayeredModel } from './layered-model.js';
import { formatSummary } from './summary.js';

/** Options of `sequential` / `new Sequential`: the model's name (default a unique `sequential_N`) and its input shape. */
export interface SequentialOptions {
  name?: string;
  /** Input shape without the batch dimension, when the first layer does not give one. */
  inputShape?: number[];
}

/**
 * A stack of layers, each feeding the next. Weights are created up front from the input
 * shape, so an optimizer can be built before the first batch.
 */
export class Sequential extends LayeredModel implements Model {
  readonly className = 'Sequential';
  readonly name: string;
  readonly layers: readonly Layer[];
  readonly inputShape: number[];
  readonly outputShape: Shape;

  constructor(layers: Layer[], options: SequentialOptions = {}) {
    super();
    this.name = options.name ?? uniqueLayerName('sequential');
    if (!Array.isArray(layers) || layers.length === 0 || !layers.every((l) => l instanceof Layer)) {
      throw invalidValue('layers', `Sequential '${this.name}'`, 'a non-empty array of layers', layers);
    }
    const names = new Set<string>();
    for (const layer of layers) {
      if (names.has(layer.name)) throw new LayersError(`Sequential '${this.name}' has two layers named '${layer.name}'; layer names must be unique within a model.`);
      names.add(layer.name);
    }
    const inputShape = options.inputShape ?? layers[0]!.inputShape;
    if (inputShape === undefined) {
      throw new LayersError(`Sequential '${this.name}' needs an input shape: give the first layer an inputShape (e.g. dense({ units: 10, inputShape: [784] })) or pass sequential(layers, { inputShape }).`);
    }
    this.layers = layers;
    const byName = new Map(layers.map((layer) => [layer.name, layer]));
    for (const layer of layers) layer.linkLayers((name) => byName.get(name), `Sequential '${this.name}'`);
    this.inputShape = [...inputShape];
    let shape: Shape = [null, ...inputShape];
    for (const layer of layers) {
      const next = layer.computeOutputShape(shape);
      layer.build(shape);
      shape = next;
    }
    this.outputShape = shape;
  }

  /** `[inputShape]`: a Sequential has one input. */
  get inputShapes(): number[][] {
    return [this.inputShape];
  }

  /** `[outputShape]`: a Sequential has one output. */
  get outputShapes(): Shape[] {
    return [this.outputShape];
  }

  /**
   * The forward pass through every layer.
   *
   * @example
   * const logits = model.apply(tf.zeros([32, 784]), { training: false }) as tf.Tensor;
   */
  apply(inputs: tf.Tensor | tf.Tensor[], options: CallOptions = {}): tf.Tensor {
    let x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x === undefined || (Array.isArray(inputs) && inputs.length !== 1)) {
      throw new LayersError(`Sequential '${this.name}' takes one input tensor, received ${Array.isArray(inputs) ? inputs.length : 0}.`);
    }
    const expected = this.inputShape;
    if (x.rank !== expected.length + 1 || expected.some((d, i) => x!.shape[i + 1] !== d)) {
      throw shapeMismatch(`Sequential '${this.name}'`, `input of shape ${formatShape([null, ...expected])}`, x.shape);
    }
    return tf.tidy(() => {
      // Each layer gets the mask of its input and says what its output's mask is (Keras' masking).
      let mask = options.mask ?? null;
      for (const layer of this.layers) {
        const next = layer.computeMask(x!, mask);
        x = layer.apply(x!, { ...options, mask });
        mask = next;
      }
      return x!;
    });
  }

  /** A table of layers, output shapes and parameter counts. */
  summary(): string {
    let shape: Shape = [null, ...this.inputShape];
    const rows = this.layers.map((layer) => {
      shape = layer.computeOutputShape(shape);
      return { name: layer.name, className: layer.className, outputShape: shape, params: layer.countParams() };
    });
    return formatSummary(this, rows);
  }

  /** The model's JSON config: its name, input shape and every layer's class and config, enough to re-create it without weights. */
  getConfig(): ModelConfig {
    return {
      className: this.className,
      name: this.name,
      inputShape: this.inputShape,
      layers: this.layers.map((layer) => ({ className: layer.className, config: layer.getConfig() })),
    };
  }

}

/**
 * Builds a model from a stack of layers.
 *
 * @example
 * const model = sequential([
 *   dense({ units: 128, activation: 'relu', inputShape: [784] }),
 *   dense({ units: 10 }),
 * ]);
 */
export function sequential(layers: Layer[], options: SequentialOptions = {}): Sequential {
  return new Sequential(layers, options);
}
