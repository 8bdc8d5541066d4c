import * as tf from '@tensorflow/tfjs-core';
import { invalidValue, OptimizerError } from './errors.js';
import { deserializeOptState, renameVariables, serializeOptState, validateSerializedOptState, type SerializedOptState } from './serialize-state.js';
import { collectTensors, disposeStateExcept } from './tree.js';
import type { GradientTransformation, OptState, Params, UpdateExtras } from './types.js';

/**
 * The stateful wrapper the fit loop uses: owns a transformation's state tensors, applies the
 * updates to `tf.Variable`s in place, and disposes the previous state every step, so
 * `tf.memory().numTensors` stays flat.
 *
 * @example
 * const optimizer = new Optimizer(adam({ learningRate: 1e-3 }), model.trainableWeights);
 * const { grads } = tf.variableGrads(() => lossFn());
 * optimizer.step(grads);
 * tf.dispose(grads);
 */
export class Optimizer {
  private readonly variables: Map<string, tf.Variable>;
  private readonly params: Params;
  private state: OptState;
  private pendingMetric: number | undefined;
  private count = 0;
  private disposed = false;

  constructor(
    readonly transform: GradientTransformation,
    variables: tf.Variable[],
  ) {
    if (transform === null || typeof transform !== 'object' || typeof transform.init !== 'function' || typeof transform.update !== 'function') {
      throw invalidValue('transform', 'Optimizer', 'a gradient transformation { init, update }', transform);
    }
    if (!Array.isArray(variables)) throw invalidValue('variables', 'Optimizer', 'an array of tf.Variable', variables);
    this.variables = new Map();
    this.params = {};
    for (const variable of variables) {
      if (!(variable instanceof tf.Variable)) throw invalidValue('variables', 'Optimizer', 'an array of tf.Variable', variable);
      if (this.variables.has(variable.name)) {
        throw invalidValue('variables', 'Optimizer', 'variables with unique names', variable.name);
      }
      this.variables.set(variable.name, variable);
      this.params[variable.name] = variable;
    }
    this.state = transform.init(this.params);
  }

  /** Number of `step` calls so far (restored by `setState`). */
  get stepCount(): number {
    return this.count;
  }

  /**
   * Feeds the monitored metric (e.g. the epoch's validation loss) to transformations that
   * read it, such as `reduceOnPlateau`; it is passed to the next `step` and then cleared.
   */
  reportMetric(value: number): void {
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw invalidValue('value', 'Optimizer.reportMetric', 'a number', value);
    }
    this.pendingMetric = value;
  }

  /**
   * Computes the updates for `grads` (keyed by variable name, one per variable) and adds
   * them to the variables. The gradients are not disposed: the caller owns them.
   */
  step(grads: Params): void {
    this.assertAlive();
    const names = Object.keys(grads);
    const missing = [...this.variables.keys()].filter((name) => !(name in grads));
    const unknown = names.filter((name) => !this.variables.has(name));
    if (missing.length > 0 || unknown.length > 0) {
      const detail = missing.length > 0 ? `missing: ${missing.join(', ')}` : `unknown: ${unknown.join(', ')}`;
      throw invalidValue('grads', 'Optimizer.step', `one gradient per variable, keyed by variable name (${detail})`, names);
    }
    const extras: UpdateExtras = this.pendingMetric === undefined ? {} : { metric: this.pendingMetric };
    const { updates, state } = this.transform.update(grads, this.state, this.params, extras);
    try {
      tf.tidy(() => {
        for (const [name, variable] of this.variables) {
          const update = updates[name];
          if (update === undefined) throw new OptimizerError(`The transformation returned no update for variable '${name}'.`);
          // Cast only when needed: a same-dtype cast would add a tensor per variable per step.
          variable.assign(tf.add(variable, update.dtype === variable.dtype ? update : tf.cast(update, variable.dtype)));
        }
      });
    } finally {
      // Never dispose the caller's gradients, even if a custom transformation passes them through.
      const keep = new Set([...collectTensors(state), ...Object.values(grads)].map((t) => t.id));
      for (const tensor of Object.values(updates)) if (!keep.has(tensor.id) && !tensor.isDisposed) tensor.dispose();
    }
    disposeStateExcept(this.state, state);
    this.state = state;
    this.pendingMetric = undefined;
    this.count += 1;
  }

  /** A JSON-safe snapshot of the state (tensors as `{ shape, dtype, values }`) for checkpoints. */
  async getState(): Promise<SerializedOptState> {
    this.assertAlive();
    return {
      format: 'loom-optimizer-state',
      version: 1,
      stepCount: this.count,
      variables: [...this.variables.keys()],
      state: await serializeOptState(this.state),
    };
  }

  /**
   * Restores a snapshot from `getState`. It must come from the same transformation over
   * variables of the same shapes in the same order; when the names differ (a model re-created
   * in the same process gets new unique names), state is matched to variables by position.
   * The whole snapshot is checked first (format, step count, every tensor's dtype, shape,
   * value count and finiteness against the current state): a bad snapshot throws an
   * `OptimizerError` naming the field, allocates nothing and leaves the state as it was.
   */
  setState(snapshot: SerializedOptState): void {
    this.assertAlive();
    // Everything is checked (here and against the current state) before a tensor is made.
    validateSerializedOptState(snapshot);
    const names = [...this.variables.keys()];
    const saved = snapshot.variables;
    const sameNames = saved === undefined || (saved.length === names.length && saved.every((n, i) => n === names[i]));
    if (!sameNames && saved.length !== names.length) {
      throw invalidValue('variables', 'Optimizer.setState', `a snapshot of ${names.length} variables`, saved.length);
    }
    const tree = sameNames ? snapshot.state : renameVariables(snapshot.state, saved, names);
    const restored = deserializeOptState(tree, this.state);
    disposeStateExcept(this.state, restored);
    this.state = restored;
    this.count = snapshot.stepCount;
  }

  /** Disposes the state tensors (not the variables). */
  dispose(): void {
    if (this.disposed) return;
    disposeStateExcept(this.state, null);
    this.state = null;
    this.disposed = true;
  }

  private assertAlive(): void {
    if (this.disposed) throw new OptimizerError('This Optimizer has been disposed; create a new one.');
  }
}
