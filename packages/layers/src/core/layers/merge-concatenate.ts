import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, LayersError } from '../../errors.js';
import type { LayerArgs } from '../layer.js';
import type { Shape } from '../shape.js';
import { formatShapes, Merge } from './merge.js';

/** Options of `concatenate` / `new Concatenate`. */
export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along; negative counts from the end. Not the batch axis. Default -1. */
  axis?: number;
}

/** Joins its inputs along `axis`; every other dimension must match. */
export class Concatenate extends Merge {
  readonly className = 'Concatenate';
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args, 'concatenate', { min: 2, max: Infinity });
    const axis = args.axis ?? -1;
    if (!(Number.isInteger(axis) && axis !== 0)) throw invalidValue('axis', this.describe(), 'a non-zero integer (axis 0 is the batch)', args.axis);
    this.axis = axis;
  }

  /** The axis as a non-negative index for inputs of `rank` (batch included). */
  private resolveAxis(rank: number, inputShapes: Shape[]): number {
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    if (axis < 1 || axis >= rank) {
      throw invalidValue('axis', this.describe(), `an axis of inputs of rank ${rank} other than the batch (1..${rank - 1} or -1..-${rank - 1}); input shapes ${formatShapes(inputShapes)}`, this.axis);
    }
    return axis;
  }

  computeMergeShape(inputShapes: Shape[]): Shape {
    const rank = inputShapes[0]!.length;
    const mismatch = () => new LayersError(`${this.describe()} expected inputs of the same rank whose dimensions match except along axis ${this.axis}, received shapes ${formatShapes(inputShapes)}.`);
    if (inputShapes.some((s) => s.length !== rank)) throw mismatch();
    const axis = this.resolveAxis(rank, inputShapes);
    const output: Shape = [null];
    for (let k = 1; k < rank; k++) {
      const sizes = inputShapes.map((s) => s[k] ?? null);
      if (k === axis) {
        output.push(sizes.includes(null) ? null : (sizes as number[]).reduce((a, b) => a + b, 0));
        continue;
      }
      const known = sizes.filter((d): d is number => d !== null);
      if (known.some((d) => d !== known[0])) throw mismatch();
      output.push(known[0] ?? null);
    }
    return output;
  }

  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    return tf.concat(inputs, this.resolveAxis(inputs[0]!.rank, []));
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), axis: this.axis };
  }
}

/**
 * Joins its inputs along an axis (default the last).
 *
 * @example
 * const both = concatenate().connect([userVector, itemVector]); // [null, 16] + [null, 8] → [null, 24]
 */
export function concatenate(args: ConcatenateArgs = {}): Concatenate {
  return new Concatenate(args);
}
