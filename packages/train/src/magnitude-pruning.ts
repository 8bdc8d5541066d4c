import * as tf from '@tensorflow/tfjs-core';
import type { BatchLogs, Callback, TrainingContext } from './callback.js';
import { invalidValue, TrainError } from './errors.js';
import type { PruningSchedule } from './pruning-schedule.js';
import type { TrainableModel } from './types.js';

/** One pruned weight in `report()`: its zeros counted in the weight's current values. */
export interface PrunedWeightReport {
  /** The weight's path (`dense_1/kernel`), or the variable's name for models without paths. */
  path: string;
  /** Number of values. */
  size: number;
  /** How many of them are exactly zero. */
  zeros: number;
  /** zeros / size. */
  sparsity: number;
  /** The sparsity the schedule last pruned this weight to (0 before the first update). */
  target: number;
}

/** Options of `magnitudePruning`. */
export interface MagnitudePruningOptions {
  /** When to update the masks and to which sparsity: `polynomialDecaySparsity` or `constantSparsity`. */
  schedule: PruningSchedule;
  /**
   * Which weights to prune: weight paths (`['dense_1/kernel']`) or a predicate. Default: every
   * trainable weight of rank 2 or more (Dense and Conv kernels, embeddings, recurrent kernels),
   * never biases or normalisation weights.
   */
  weights?: readonly string[] | ((path: string, variable: tf.Variable) => boolean);
}

/** The `magnitudePruning` callback: `step` counts optimizer steps across `fit` calls; `report()` and `summary()` give per-weight sparsity. */
export interface MagnitudePruningCallback extends Callback {
  /** Optimizer steps seen so far (across every `fit` this callback took part in). */
  readonly step: number;
  /** Every pruned weight, its size, zeros and sparsity as they are now. */
  report(): PrunedWeightReport[];
  /** `report()` as a table, one weight per line, and the total. */
  summary(): string;
}

interface Target {
  path: string;
  variable: tf.Variable;
  /** 1 = keep, 0 = pruned; null before the first mask update. */
  mask: Uint8Array | null;
  target: number;
}

/** The weights of a model with their paths (`@loom-ml/layers` models have `weights`), else variable names. */
function namedWeights(model: TrainableModel): { path: string; variable: tf.Variable }[] {
  const withPaths = (model as { weights?: unknown }).weights;
  const trainable = new Set(model.trainableWeights.map((v) => v.id));
  if (Array.isArray(withPaths) && withPaths.every((w) => typeof (w as { path?: unknown })?.path === 'string')) {
    return (withPaths as { path: string; variable: tf.Variable }[]).filter((w) => trainable.has(w.variable.id));
  }
  return model.trainableWeights.map((variable) => ({ path: variable.name, variable }));
}

/** Indices of the `count` smallest magnitudes (ties broken by position, so the result is deterministic). */
function maskKeeping(values: ArrayLike<number>, sparsity: number): Uint8Array {
  const size = values.length;
  const prune = Math.round(size * sparsity);
  const mask = new Uint8Array(size).fill(1);
  if (prune === 0) return mask;
  const order = new Uint32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  const magnitude = Float32Array.from(values, Math.abs);
  order.sort((a, b) => magnitude[a]! - magnitude[b]! || a - b);
  for (let i = 0; i < prune; i++) mask[order[i]!] = 0;
  return mask;
}

/**
 * Magnitude pruning during training (as TF Model Optimization's `prune_low_magnitude`): on the
 * steps the `schedule` names, each pruned weight's mask is recomputed to zero its
 * `round(size × sparsity)` smallest-magnitude values; after every optimizer step the masks are
 * applied again, so pruned values stay exactly zero while the others train (fine-tuning). Keep
 * the callback for later `fit` calls and the masks (and the step count) carry over; after
 * `endStep` they no longer change. `report()` / `summary()` give each weight's sparsity.
 *
 * The step is the number of optimizer steps seen: masks for step 0 are computed when training
 * begins, before the first update, and each later step's right after the update before it.
 *
 * @example
 * const pruning = magnitudePruning({ schedule: polynomialDecaySparsity({ finalSparsity: 0.8, endStep: 2000 }) });
 * await fit(model, data, { loss, optimizer: adam(), epochs: 5, callbacks: [pruning] });
 * console.log(pruning.summary()); // dense_1/kernel  100352 values  80.0% zero ...
 */
export function magnitudePruning(options: MagnitudePruningOptions): MagnitudePruningCallback {
  const where = 'magnitudePruning';
  if (typeof options !== 'object' || options === null || typeof options.schedule !== 'function') {
    throw invalidValue('schedule', where, 'a pruning schedule (polynomialDecaySparsity or constantSparsity)', options?.schedule);
  }
  const { schedule } = options;
  const select = options.weights;
  if (select !== undefined && typeof select !== 'function' && !(Array.isArray(select) && select.every((p) => typeof p === 'string'))) {
    throw invalidValue('weights', where, 'a list of weight paths or a function (path, variable) => boolean', select);
  }
  let step = 0;
  let started = false;
  let targets: Target[] | null = null;
  let maskTensors: tf.Tensor[] = [];

  const choose = (model: TrainableModel): Target[] => {
    const named = namedWeights(model);
    let chosen: { path: string; variable: tf.Variable }[];
    if (select === undefined) chosen = named.filter((w) => w.variable.rank >= 2 && w.variable.dtype === 'float32');
    else if (typeof select === 'function') chosen = named.filter((w) => select(w.path, w.variable));
    else {
      const byPath = new Map(named.map((w) => [w.path, w]));
      chosen = select.map((path) => {
        const found = byPath.get(path);
        if (found === undefined) throw invalidValue('weights', where, `paths of trainable weights of '${model.name}' (${named.map((w) => w.path).join(', ')})`, path);
        return found;
      });
    }
    if (chosen.length === 0) throw new TrainError(`magnitudePruning found no weights to prune in '${model.name}': pass \`weights\` to choose them.`);
    return chosen.map((w) => ({ ...w, mask: null, target: 0 }));
  };

  const updateMasks = (sparsity: number) => {
    for (const target of targets!) {
      target.mask = maskKeeping(target.variable.dataSync() as Float32Array, sparsity);
      target.target = sparsity;
    }
    tf.dispose(maskTensors);
    maskTensors = targets!.map((t) => tf.tensor(t.mask!, t.variable.shape, 'float32'));
  };

  const applyMasks = () => {
    targets!.forEach((target, i) => {
      if (target.mask !== null) tf.tidy(() => target.variable.assign(tf.mul(target.variable, maskTensors[i]!)));
    });
  };

  const stepTo = (next: number) => {
    step = next;
    const decision = schedule(step);
    if (decision.prune) updateMasks(decision.sparsity);
    applyMasks();
  };

  const report = (): PrunedWeightReport[] =>
    (targets ?? []).map(({ path, variable, target }) => {
      const values = variable.dataSync();
      let zeros = 0;
      for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
      return { path, size: values.length, zeros, sparsity: zeros / values.length, target };
    });

  return {
    get step() {
      return step;
    },
    onTrainBegin(context: TrainingContext) {
      if (targets === null) targets = choose(context.model);
      else if (targets.some((t) => t.variable.isDisposed)) throw new TrainError(`magnitudePruning was used with a model whose weights have been disposed; make a new callback for a new model.`);
      // Masks kept from an earlier fit become tensors again and are applied; on the very first
      // fit, step 0 is scheduled (its masks computed before any update).
      maskTensors = targets.map((t) => tf.tensor(t.mask ?? new Uint8Array(t.variable.size).fill(1), t.variable.shape, 'float32'));
      if (!started) stepTo(0);
      else applyMasks();
      started = true;
    },
    onBatchEnd(_batch: number, _logs: BatchLogs) {
      stepTo(step + 1);
    },
    onTrainEnd() {
      tf.dispose(maskTensors);
      maskTensors = [];
    },
    report,
    summary() {
      const rows = report();
      const width = Math.max(6, ...rows.map((r) => r.path.length));
      const lines = rows.map((r) => `${r.path.padEnd(width)}  ${String(r.size).padStart(9)} values  ${(100 * r.sparsity).toFixed(1).padStart(5)}% zero`);
      const size = rows.reduce((a, r) => a + r.size, 0);
      const zeros = rows.reduce((a, r) => a + r.zeros, 0);
      lines.push(`${'total'.padEnd(width)}  ${String(size).padStart(9)} values  ${(size === 0 ? 0 : (100 * zeros) / size).toFixed(1).padStart(5)}% zero`);
      return lines.join('\n');
    },
  };
}
