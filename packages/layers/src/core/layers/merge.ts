import * as tf from '@tensorflow/tfjs-core';
import { LayersError } from '../../errors.js';
import { Layer, type CallOptions, type LayerArgs } from '../layer.js';
import { formatShape, type Shape } from '../shape.js';

/** Lists shapes for merge errors: "[null,3] and [null,4]". */
export function formatShapes(shapes: readonly Shape[]): string {
  const texts = shapes.map(formatShape);
  return texts.length <= 2 ? texts.join(' and ') : `${texts.slice(0, -1).join(', ')} and ${texts.at(-1)}`;
}

/**
 * Base of the layers that combine several tensors into one (add, concatenate, dot, ...).
 * They take a list of inputs in `apply` and `connect` and have no weights.
 */
export abstract class Merge extends Layer {
  private readonly minInputs: number;
  private readonly maxInputs: number;

  protected constructor(args: LayerArgs, prefix: string, inputCount: { min: number; max: number }) {
    super(args, prefix);
    this.minInputs = inputCount.min;
    this.maxInputs = inputCount.max;
  }

  /** The output shape for inputs of `inputShapes` (batch as null); throws on incompatible shapes. */
  abstract computeMergeShape(inputShapes: Shape[]): Shape;

  /** The computation on tensors whose shapes passed `computeMergeShape`. */
  protected abstract merge(inputs: tf.Tensor[]): tf.Tensor;

  /** A merge needs a list of shapes: use `computeMergeShape`. */
  computeOutputShape(inputShape: Shape): Shape {
    throw new LayersError(`${this.describe()} merges a list of tensors ([a, b]); received one input of shape ${formatShape(inputShape)}.`);
  }

  override buildForInputs(inputShapes: Shape[]): Shape {
    this.checkCount(inputShapes.length);
    return this.computeMergeShape(inputShapes);
  }

  /**
   * Merges a list of tensors.
   *
   * @example
   * const sum = add().apply([tf.ones([2, 3]), tf.ones([2, 3])]); // all 2
   */
  override apply(inputs: tf.Tensor | tf.Tensor[], _options: CallOptions = {}): tf.Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.checkCount(list.length);
    const batch = list[0]!.shape[0];
    if (list.some((t) => t.rank === 0 || t.shape[0] !== batch)) {
      throw new LayersError(`${this.describe()} expected inputs with the same batch size, received shapes ${formatShapes(list.map((t) => t.shape))}.`);
    }
    this.computeMergeShape(list.map((t) => [null, ...t.shape.slice(1)]));
    return tf.tidy(() => this.merge(list));
  }

  protected call(inputs: tf.Tensor, options: Required<CallOptions>): tf.Tensor {
    return this.apply([inputs], options);
  }

  private checkCount(count: number): void {
    if (count < this.minInputs || count > this.maxInputs) {
      const expected = this.minInputs === this.maxInputs ? `exactly ${this.minInputs}` : `at least ${this.minInputs}`;
      throw new LayersError(`${this.describe()} takes a list of ${expected} input tensors, received ${count}.`);
    }
  }

  getConfig(): Record<string, unknown> {
    return this.baseConfig();
  }
}

/**
 * Element-wise merges: inputs of the same rank whose dimensions match or are 1 (broadcast, as
 * in tfjs-core's binary ops). The batch dimension must match exactly.
 */
abstract class ElementwiseMerge extends Merge {
  computeMergeShape(inputShapes: Shape[]): Shape {
    const rank = inputShapes[0]!.length;
    const mismatch = () => new LayersError(`${this.describe()} expected inputs of the same rank whose dimensions match (or are 1), received shapes ${formatShapes(inputShapes)}.`);
    if (inputShapes.some((s) => s.length !== rank)) throw mismatch();
    const output: Shape = [null];
    for (let axis = 1; axis < rank; axis++) {
      const sizes = inputShapes.map((s) => s[axis] ?? null);
      const known = sizes.filter((d): d is number => d !== null && d !== 1);
      if (known.some((d) => d !== known[0])) throw mismatch();
      output.push(known[0] ?? (sizes.includes(null) ? null : 1));
    }
    return output;
  }
}

/** Sum of the inputs (broadcasting dimensions of size 1). */
export class Add extends ElementwiseMerge {
  readonly className = 'Add';
  constructor(args: LayerArgs = {}) {
    super(args, 'add', { min: 2, max: Infinity });
  }
  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return inputs.slice(1).reduce((sum, x) => tf.add(sum, x), inputs[0]!);
  }
}

/** `a - b` for exactly two inputs. */
export class Subtract extends ElementwiseMerge {
  readonly className = 'Subtract';
  constructor(args: LayerArgs = {}) {
    super(args, 'subtract', { min: 2, max: 2 });
  }
  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return tf.sub(inputs[0]!, inputs[1]!);
  }
}

/** Element-wise product of the inputs. */
export class Multiply extends ElementwiseMerge {
  readonly className = 'Multiply';
  constructor(args: LayerArgs = {}) {
    super(args, 'multiply', { min: 2, max: Infinity });
  }
  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return inputs.slice(1).reduce((product, x) => tf.mul(product, x), inputs[0]!);
  }
}

/** Element-wise mean of the inputs. */
export class Average extends ElementwiseMerge {
  readonly className = 'Average';
  constructor(args: LayerArgs = {}) {
    super(args, 'average', { min: 2, max: Infinity });
  }
  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return tf.div(inputs.slice(1).reduce((sum, x) => tf.add(sum, x), inputs[0]!), inputs.length);
  }
}

/** Element-wise maximum of the inputs. */
export class Maximum extends ElementwiseMerge {
  readonly className = 'Maximum';
  constructor(args: LayerArgs = {}) {
    super(args, 'maximum', { min: 2, max: Infinity });
  }
  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return inputs.slice(1).reduce((best, x) => tf.maximum(best, x), inputs[0]!);
  }
}

/** Element-wise minimum of the inputs. */
export class Minimum extends ElementwiseMerge {
  readonly className = 'Minimum';
  constructor(args: LayerArgs = {}) {
    super(args, 'minimum', { min: 2, max: Infinity });
  }
  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return inputs.slice(1).reduce((best, x) => tf.minimum(best, x), inputs[0]!);
  }
}

/**
 * Adds its inputs element-wise (residual connections).
 *
 * @example
 * const y = add().connect([x, dense({ units: 16 }).connect(x)]);
 */
export function add(args: LayerArgs = {}): Add {
  return new Add(args);
}

/**
 * `a - b` element-wise.
 *
 * @example
 * const difference = subtract().connect([a, b]);
 */
export function subtract(args: LayerArgs = {}): Subtract {
  return new Subtract(args);
}

/**
 * Multiplies its inputs element-wise (gating).
 *
 * @example
 * const gated = multiply().connect([features, dense({ units: 16, activation: 'sigmoid' }).connect(features)]);
 */
export function multiply(args: LayerArgs = {}): Multiply {
  return new Multiply(args);
}

/**
 * Averages its inputs element-wise (ensembles).
 *
 * @example
 * const mean = average().connect([headA, headB, headC]);
 */
export function average(args: LayerArgs = {}): Average {
  return new Average(args);
}

/**
 * Element-wise maximum of its inputs.
 *
 * @example
 * const largest = maximum().connect([a, b]);
 */
export function maximum(args: LayerArgs = {}): Maximum {
  return new Maximum(args);
}

/**
 * Element-wise minimum of its inputs.
 *
 * @example
 * const smallest = minimum().connect([a, b]);
 */
export function minimum(args: LayerArgs = {}): Minimum {
  return new Minimum(args);
}
