import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, shapeMismatch } from '../../errors.js';
import { Layer, type CallOptions, type LayerArgs } from '../layer.js';
import type { Shape } from '../shape.js';

/** `[batch, ...]` → `[batch, product of the rest]`. */
export class Flatten extends Layer {
  readonly className = 'Flatten';
  constructor(args: LayerArgs = {}) {
    super(args, 'flatten');
  }
  computeOutputShape(inputShape: Shape): Shape {
    const rest = inputShape.slice(1);
    if (rest.some((d) => d === null)) throw shapeMismatch(this.describe(), 'an input whose dimensions after the batch are known', inputShape);
    return [inputShape[0]!, (rest as number[]).reduce((a, b) => a * b, 1)];
  }
  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    return tf.reshape(inputs, [inputs.shape[0]!, -1]);
  }
  getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/** @example flatten() // [b, 7, 7, 64] -> [b, 3136] */
export function flatten(args: LayerArgs = {}): Flatten {
  return new Flatten(args);
}

/** Options of `reshape` / `new Reshape`. */
export interface ReshapeArgs extends LayerArgs {
  /** Target shape without the batch dimension; one entry may be -1. */
  targetShape: number[];
}

/** Reshapes each example: `reshape({ targetShape: [28, 28, 1] })`. */
export class Reshape extends Layer {
  readonly className = 'Reshape';
  readonly targetShape: number[];
  constructor(args: ReshapeArgs) {
    super(args, 'reshape');
    const ok = Array.isArray(args.targetShape) && args.targetShape.every((d) => Number.isInteger(d) && (d > 0 || d === -1)) && args.targetShape.filter((d) => d === -1).length <= 1;
    if (!ok) throw invalidValue('targetShape', this.describe(), 'positive integers with at most one -1', args.targetShape);
    this.targetShape = args.targetShape;
  }
  computeOutputShape(inputShape: Shape): Shape {
    const rest = inputShape.slice(1);
    if (rest.some((d) => d === null)) return [inputShape[0]!, ...this.targetShape.map((d) => (d === -1 ? null : d))];
    const size = (rest as number[]).reduce((a, b) => a * b, 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const fits = this.targetShape.includes(-1) ? size % known === 0 : size === known;
    if (!fits) throw shapeMismatch(this.describe(), `an input with ${this.targetShape.includes(-1) ? 'a multiple of ' : ''}${known} values per example`, inputShape);
    return [inputShape[0]!, ...this.targetShape.map((d) => (d === -1 ? size / known : d))];
  }
  protected call(inputs: tf.Tensor, _options: Required<CallOptions>): tf.Tensor {
    return tf.reshape(inputs, [inputs.shape[0]!, ...this.targetShape]);
  }
  getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), targetShape: this.targetShape };
  }
}

/** @example reshape({ targetShape: [28, 28, 1], inputShape: [784] }) */
export function reshape(args: ReshapeArgs): Reshape {
  return new Reshape(args);
}
