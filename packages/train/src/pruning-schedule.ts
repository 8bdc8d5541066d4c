import { invalidValue } from './errors.js';

/** What a pruning schedule says at one training step: whether to recompute the masks, and the sparsity to prune to. */
export interface PruningDecision {
  prune: boolean;
  sparsity: number;
}

/**
 * A pruning schedule: given the step (optimizer steps done so far, 0 before the first), whether
 * to update the masks now and to which sparsity (the fraction of each weight set to zero).
 */
export type PruningSchedule = (step: number) => PruningDecision;

/** Options of `polynomialDecaySparsity` (the names and defaults of TF Model Optimization's `PolynomialDecay`). */
export interface PolynomialDecayOptions {
  /** Sparsity at `beginStep`, in [0, 1). Default 0. */
  initialSparsity?: number;
  /** Sparsity reached at `endStep`, in [0, 1). */
  finalSparsity: number;
  /** First step at which masks are updated. Default 0. */
  beginStep?: number;
  /** Last step at which masks are updated; after it, masks stay as they are. */
  endStep: number;
  /** Exponent of the decay: 3 prunes fast early and slowly near the end. Default 3. */
  power?: number;
  /** Masks are updated every `frequency` steps from `beginStep`. Default 100. */
  frequency?: number;
}

function checkSparsity(name: string, where: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw invalidValue(name, where, 'a sparsity in [0, 1)', value);
  return value;
}

function checkStep(name: string, where: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) throw invalidValue(name, where, `an integer >= ${minimum}`, value);
  return value;
}

/**
 * The polynomial sparsity schedule of TF Model Optimization (`tfmot.sparsity.keras.PolynomialDecay`):
 * from `beginStep` to `endStep` the sparsity rises from `initialSparsity` to `finalSparsity` as
 * `final + (initial − final) × (1 − p)^power`, `p = (step − beginStep) / (endStep − beginStep)`
 * clipped to [0, 1], and masks are updated on the steps `beginStep + k × frequency` that fall in
 * [beginStep, endStep]. As in TF-MOT, the final sparsity is reached exactly when `endStep −
 * beginStep` is a multiple of `frequency`.
 *
 * @example
 * // 0% → 80% over the first 1,000 steps, masks updated every 100 steps:
 * const schedule = polynomialDecaySparsity({ finalSparsity: 0.8, endStep: 1000 });
 * schedule(500); // { prune: true, sparsity: ≈0.7 } (0.8 − 0.8 × 0.5³)
 */
export function polynomialDecaySparsity(options: PolynomialDecayOptions): PruningSchedule {
  const where = 'polynomialDecaySparsity';
  if (typeof options !== 'object' || options === null) throw invalidValue('options', where, '{ finalSparsity, endStep, ... }', options);
  const initial = checkSparsity('initialSparsity', where, options.initialSparsity ?? 0);
  const final = checkSparsity('finalSparsity', where, options.finalSparsity);
  const begin = checkStep('beginStep', where, options.beginStep ?? 0, 0);
  const end = checkStep('endStep', where, options.endStep, begin + 1);
  const power = options.power ?? 3;
  if (typeof power !== 'number' || !(power > 0) || !Number.isFinite(power)) throw invalidValue('power', where, 'a positive number', power);
  const frequency = checkStep('frequency', where, options.frequency ?? 100, 1);
  return (step) => {
    const p = Math.min(1, Math.max(0, (step - begin) / (end - begin)));
    const sparsity = final + (initial - final) * (1 - p) ** power;
    return { prune: step >= begin && step <= end && (step - begin) % frequency === 0, sparsity };
  };
}

/** Options of `constantSparsity` (TF Model Optimization's `ConstantSparsity`). */
export interface ConstantSparsityOptions {
  /** The sparsity, in [0, 1). */
  targetSparsity: number;
  /** First step at which masks are updated. Default 0. */
  beginStep?: number;
  /** Last step at which masks are updated (default: never stops). */
  endStep?: number;
  /** Masks are updated every `frequency` steps from `beginStep`. Default 100. */
  frequency?: number;
}

/**
 * One sparsity throughout (TF-MOT's `ConstantSparsity`): masks are updated every `frequency`
 * steps from `beginStep` (to `endStep` if given), each time to `targetSparsity`.
 *
 * @example
 * magnitudePruning({ schedule: constantSparsity({ targetSparsity: 0.5, frequency: 50 }) });
 */
export function constantSparsity(options: ConstantSparsityOptions): PruningSchedule {
  const where = 'constantSparsity';
  if (typeof options !== 'object' || options === null) throw invalidValue('options', where, '{ targetSparsity, ... }', options);
  const sparsity = checkSparsity('targetSparsity', where, options.targetSparsity);
  const begin = checkStep('beginStep', where, options.beginStep ?? 0, 0);
  const end = options.endStep === undefined ? Infinity : checkStep('endStep', where, options.endStep, begin);
  const frequency = checkStep('frequency', where, options.frequency ?? 100, 1);
  return (step) => ({ prune: step >= begin && step <= end && (step - begin) % frequency === 0, sparsity });
}
