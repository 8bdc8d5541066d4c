import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, LayersError } from '../../errors.js';
import type { LayerArgs } from '../layer.js';
import type { Shape } from '../shape.js';
import { formatShapes, Merge } from './merge.js';

/** Options of `dot` / `new Dot`. */
export interface DotArgs extends LayerArgs {
  /** The axis of each input summed over: one for both, or `[axisOfA, axisOfB]`; negative counts from the end. */
  axes: number | [number, number];
  /** L2-normalise both inputs along their axes first, so the result is the cosine similarity. Default false. */
  normalize?: boolean;
}

// Keras' l2_normalize floor on the squared norm: a zero vector gives 0, not NaN.
const SQUARED_NORM_FLOOR = 1e-12;

function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), axis, true), SQUARED_NORM_FLOOR)));
}

/**
 * Per-sample dot product of two inputs along the given axes (Keras' batch dot). Inputs of rank
 * 2 (`[batch, d]` · `[batch, d]` → `[batch, 1]`) or rank 3 (`[batch, n, d]` · `[batch, m, d]`
 * with axes 2 → `[batch, n, m]`, attention-style scores).
 */
export class Dot extends Merge {
  readonly className = 'Dot';
  readonly axes: number | [number, number];
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args, 'dot', { min: 2, max: 2 });
    const axes = args?.axes;
    const valid = (a: unknown) => Number.isInteger(a) && a !== 0;
    if (!(valid(axes) || (Array.isArray(axes) && axes.length === 2 && axes.every(valid)))) {
      throw invalidValue('axes', this.describe(), 'a non-zero integer or two of them, e.g. 1 or [2, 2] (axis 0 is the batch)', axes);
    }
    if (args.normalize !== undefined && typeof args.normalize !== 'boolean') throw invalidValue('normalize', this.describe(), 'a boolean', args.normalize);
    this.axes = Array.isArray(axes) ? [axes[0], axes[1]] : axes;
    this.normalize = args.normalize ?? false;
  }

  /** The two contraction axes as non-negative indices, after checking ranks and sizes. */
  private resolveAxes(shapes: Shape[]): [number, number] {
    const [a, b] = shapes as [Shape, Shape];
    if (a.length !== b.length || a.length < 2 || a.length > 3) {
      throw new LayersError(`${this.describe()} expected two inputs of the same rank, 2 or 3 (batch included), received shapes ${formatShapes(shapes)}.`);
    }
    const rank = a.length;
    const given = Array.isArray(this.axes) ? this.axes : [this.axes, this.axes];
    const resolved = given.map((axis) => (axis < 0 ? rank + axis : axis)) as [number, number];
    if (resolved.some((axis) => axis < 1 || axis >= rank)) {
      throw invalidValue('axes', this.describe(), `axes of inputs of rank ${rank} other than the batch (1..${rank - 1} or -1..-${rank - 1}); input shapes ${formatShapes(shapes)}`, this.axes);
    }
    const [sizeA, sizeB] = [a[resolved[0]], b[resolved[1]]];
    if (sizeA !== null && sizeB !== null && sizeA !== sizeB) {
      throw new LayersError(`${this.describe()} expected inputs of equal size along axes [${resolved.join(', ')}], received shapes ${formatShapes(shapes)}.`);
    }
    return resolved;
  }

  computeMergeShape(inputShapes: Shape[]): Shape {
    const [axisA, axisB] = this.resolveAxes(inputShapes);
    const [a, b] = inputShapes as [Shape, Shape];
    if (a.length === 2) return [null, 1];
    return [null, a[3 - axisA]!, b[3 - axisB]!];
  }

  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    const [axisA, axisB] = this.resolveAxes(inputs.map((t) => [null, ...t.shape.slice(1)]));
    let [a, b] = inputs as [tf.Tensor, tf.Tensor];
    if (this.normalize) {
      a = l2Normalize(a, axisA);
      b = l2Normalize(b, axisB);
    }
    if (a.rank === 2) return tf.sum(tf.mul(a, b), 1, true);
    // [batch, n, d] x [batch, d, m]: move the contraction axis last in a, first in b.
    const left = axisA === 2 ? a : tf.transpose(a, [0, 2, 1]);
    const right = axisB === 1 ? b : tf.transpose(b, [0, 2, 1]);
    return tf.matMul(left as tf.Tensor3D, right as tf.Tensor3D);
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), axes: this.axes, normalize: this.normalize };
  }
}

/**
 * Dot product of two inputs per sample; `normalize: true` gives the cosine similarity (a
 * two-tower recommender's score).
 *
 * @example
 * const score = dot({ axes: 1, normalize: true }).connect([userVector, itemVector]); // [null, 1]
 */
export function dot(args: DotArgs): Dot {
  return new Dot(args);
}
