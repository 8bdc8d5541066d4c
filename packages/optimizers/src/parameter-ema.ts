import * as tf from '@tensorflow/tfjs-core';
import { ema, type EmaOptions, type EmaState } from './ema.js';
import { invalidValue } from './errors.js';
import { disposeStateExcept } from './tree.js';
import type { GradientTransformation, Params } from './types.js';

/**
 * Keeps an exponential moving average (a shadow copy) of some variables, e.g. the model's
 * weights for evaluation. Call `update()` after each optimizer step; `averages()` returns
 * new tensors (the caller disposes them), debiased unless `debias: false`.
 *
 * @example
 * const shadow = new ParameterEma(model.trainableWeights, { decay: 0.999 });
 * optimizer.step(grads); shadow.update();
 * const averaged = shadow.averages(); // evaluate with these, then tf.dispose(Object.values(averaged))
 */
export class ParameterEma {
  private readonly transform: GradientTransformation<EmaState>;
  private readonly variables: tf.Variable[];
  private state: EmaState;
  private debiased: Params;

  constructor(variables: tf.Variable[], options: EmaOptions) {
    if (!Array.isArray(variables)) throw invalidValue('variables', 'ParameterEma', 'an array of tf.Variable', variables);
    this.transform = ema(options);
    this.variables = [...variables];
    this.state = this.transform.init(this.current());
    // Before any update the average is the current value (nothing to debias yet).
    this.debiased = tf.tidy(() => {
      const out: Params = {};
      for (const v of this.variables) out[v.name] = tf.clone(v);
      return out;
    });
  }

  /** Number of `update` calls. */
  get count(): number {
    return this.state.count;
  }

  /** Folds the variables' current values into the average. */
  update(): void {
    const { updates, state } = this.transform.update(this.current(), this.state);
    disposeStateExcept(this.state, state);
    tf.dispose(Object.values(this.debiased));
    this.state = state;
    this.debiased = updates;
  }

  /** The averaged values keyed by variable name (new tensors owned by the caller). */
  averages(): Params {
    const out: Params = {};
    for (const [key, value] of Object.entries(this.debiased)) out[key] = tf.clone(value);
    return out;
  }

  /** Disposes the shadow copies. */
  dispose(): void {
    disposeStateExcept(this.state, null);
    tf.dispose(Object.values(this.debiased));
    this.debiased = {};
  }

  private current(): Params {
    const out: Params = {};
    for (const v of this.variables) out[v.name] = v;
    return out;
  }
}
