import { invalidValue } from './errors.js';
import type { Schedule } from './types.js';
import { requireNumber, requirePositiveInteger } from './validate.js';

// Schedules are pure functions of the 0-based step (the number of updates already applied),
// evaluated in float64 on the host. They follow optax's definitions.

/**
 * The same value at every step.
 *
 * @example
 * constantSchedule(0.1)(1000); // 0.1
 */
export function constantSchedule(value: number): Schedule {
  requireNumber(value, 'value', 'constantSchedule', 'finite');
  return () => value;
}

/** Options of `piecewiseConstantSchedule`. */
export interface PiecewiseConstantOptions {
  /** Value before the first boundary. */
  initValue: number;
  /** `{ step: factor }`: from `step` on (inclusive) the value is multiplied by `factor`. */
  boundariesAndScales: Record<number, number>;
}

/**
 * Piecewise constant: starts at `initValue` and is multiplied by `scale` at each boundary step.
 *
 * @example
 * const s = piecewiseConstantSchedule({ initValue: 0.1, boundariesAndScales: { 100: 0.1, 200: 0.1 } });
 * s(99); // 0.1   s(100); // 0.01   s(250); // 0.001
 */
export function piecewiseConstantSchedule(options: PiecewiseConstantOptions): Schedule {
  const where = 'piecewiseConstantSchedule';
  const initValue = requireNumber(options?.initValue, 'initValue', where, 'finite');
  const entries = Object.entries(options.boundariesAndScales ?? {}).map(([boundary, scale]) => {
    const step = Number(boundary);
    if (!Number.isInteger(step) || step < 0) throw invalidValue('boundariesAndScales', where, 'non-negative integer steps as keys', boundary);
    return [step, requireNumber(scale, 'boundariesAndScales', where, 'finite')] as const;
  });
  entries.sort((a, b) => a[0] - b[0]);
  return (step) => {
    let value = initValue;
    for (const [boundary, scale] of entries) if (step >= boundary) value *= scale;
    return value;
  };
}

/** Options of `exponentialDecay`. */
export interface ExponentialDecayOptions {
  initValue: number;
  /** Steps over which the value is multiplied by `decayRate` once. */
  transitionSteps: number;
  decayRate: number;
  /** Steps to hold `initValue` before decaying. Default 0. */
  transitionBegin?: number;
  /** Decay in whole transitions (`floor`), giving a step function. Default false. */
  staircase?: boolean;
  /** Bound the value (a floor when decaying, a ceiling when growing). */
  endValue?: number;
}

/**
 * `initValue * decayRate ^ ((step - transitionBegin) / transitionSteps)`, held at `initValue`
 * before `transitionBegin`, optionally staircase and bounded by `endValue`.
 *
 * @example
 * exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5 })(20); // 0.25
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const where = 'exponentialDecay';
  const initValue = requireNumber(options?.initValue, 'initValue', where, 'finite');
  const transitionSteps = requireNumber(options.transitionSteps, 'transitionSteps', where, 'positive');
  const decayRate = requireNumber(options.decayRate, 'decayRate', where, 'positive');
  const transitionBegin = requireNumber(options.transitionBegin ?? 0, 'transitionBegin', where, 'nonNegative');
  const { staircase = false, endValue } = options;
  if (endValue !== undefined) requireNumber(endValue, 'endValue', where, 'finite');
  return (step) => {
    const elapsed = step - transitionBegin;
    if (elapsed <= 0) return initValue;
    const power = staircase ? Math.floor(elapsed / transitionSteps) : elapsed / transitionSteps;
    const value = initValue * decayRate ** power;
    if (endValue === undefined) return value;
    return decayRate < 1 ? Math.max(value, endValue) : Math.min(value, endValue);
  };
}

/** Options of `stepDecaySchedule`. */
export interface StepDecayOptions {
  initValue: number;
  /** Multiply by `decayRate` every `stepSize` steps. */
  stepSize: number;
  decayRate: number;
}

/**
 * Step decay: `initValue * decayRate ^ floor(step / stepSize)` (Keras' StepLR / staircase decay).
 *
 * @example
 * stepDecaySchedule({ initValue: 0.1, stepSize: 30, decayRate: 0.1 })(65); // 0.001
 */
export function stepDecaySchedule(options: StepDecayOptions): Schedule {
  const where = 'stepDecaySchedule';
  const initValue = requireNumber(options?.initValue, 'initValue', where, 'finite');
  const stepSize = requirePositiveInteger(options.stepSize, 'stepSize', where);
  const decayRate = requireNumber(options.decayRate, 'decayRate', where, 'positive');
  return (step) => initValue * decayRate ** Math.floor(Math.max(step, 0) / stepSize);
}

/** Options of `linearSchedule`. */
export interface LinearScheduleOptions {
  initValue: number;
  endValue: number;
  transitionSteps: number;
  /** Steps to hold `initValue` first. Default 0. */
  transitionBegin?: number;
}

/**
 * Linear interpolation from `initValue` to `endValue` over `transitionSteps`, then constant.
 *
 * @example
 * linearSchedule({ initValue: 0, endValue: 1, transitionSteps: 10 })(5); // 0.5
 */
export function linearSchedule(options: LinearScheduleOptions): Schedule {
  const where = 'linearSchedule';
  const initValue = requireNumber(options?.initValue, 'initValue', where, 'finite');
  const endValue = requireNumber(options.endValue, 'endValue', where, 'finite');
  const transitionSteps = requireNumber(options.transitionSteps, 'transitionSteps', where, 'nonNegative');
  const transitionBegin = requireNumber(options.transitionBegin ?? 0, 'transitionBegin', where, 'nonNegative');
  return (step) => {
    if (transitionSteps === 0) return step >= transitionBegin ? endValue : initValue;
    const fraction = Math.min(Math.max((step - transitionBegin) / transitionSteps, 0), 1);
    return initValue + (endValue - initValue) * fraction;
  };
}

/** Options of `cosineDecaySchedule`. */
export interface CosineDecayOptions {
  initValue: number;
  decaySteps: number;
  /** Final value as a fraction of `initValue`. Default 0. */
  alpha?: number;
  /** Power applied to the cosine factor. Default 1. */
  exponent?: number;
}

/**
 * Cosine decay (Loshchilov & Hutter 2017) from `initValue` to `alpha * initValue` over `decaySteps`:
 * `initValue * ((1 - alpha) * (0.5 (1 + cos(pi t / T)))^exponent + alpha)`, `t = min(step, T)`.
 *
 * @example
 * cosineDecaySchedule({ initValue: 1, decaySteps: 100 })(50); // 0.5
 */
export function cosineDecaySchedule(options: CosineDecayOptions): Schedule {
  const where = 'cosineDecaySchedule';
  const initValue = requireNumber(options?.initValue, 'initValue', where, 'finite');
  const decaySteps = requireNumber(options.decaySteps, 'decaySteps', where, 'positive');
  const alpha = requireNumber(options.alpha ?? 0, 'alpha', where, 'finite');
  const exponent = requireNumber(options.exponent ?? 1, 'exponent', where, 'positive');
  return (step) => {
    const t = Math.min(Math.max(step, 0), decaySteps);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * t) / decaySteps));
    return initValue * ((1 - alpha) * cosine ** exponent + alpha);
  };
}

/** Options of `warmupCosineDecaySchedule`. */
export interface WarmupCosineDecayOptions {
  /** Value at step 0. Default 0. */
  initValue?: number;
  /** Value reached at the end of the warm-up. */
  peakValue: number;
  /** Steps of linear warm-up from `initValue` to `peakValue`. */
  warmupSteps: number;
  /** Total steps, warm-up included; the cosine runs over `decaySteps - warmupSteps`. */
  decaySteps: number;
  /** Value after `decaySteps`. Default 0. */
  endValue?: number;
  /** Power applied to the cosine factor. Default 1. */
  exponent?: number;
}

/**
 * Linear warm-up to `peakValue` over `warmupSteps`, then cosine decay to `endValue` at `decaySteps`.
 *
 * @example
 * const s = warmupCosineDecaySchedule({ peakValue: 1e-3, warmupSteps: 100, decaySteps: 1000 });
 * s(50); // 5e-4   s(100); // 1e-3   s(1000); // 0
 */
export function warmupCosineDecaySchedule(options: WarmupCosineDecayOptions): Schedule {
  const where = 'warmupCosineDecaySchedule';
  const initValue = requireNumber(options?.initValue ?? 0, 'initValue', where, 'finite');
  const peakValue = requireNumber(options.peakValue, 'peakValue', where, 'finite');
  const warmupSteps = requireNumber(options.warmupSteps, 'warmupSteps', where, 'nonNegative');
  const decaySteps = requireNumber(options.decaySteps, 'decaySteps', where, 'positive');
  if (decaySteps <= warmupSteps) {
    throw invalidValue('decaySteps', where, `a number of steps greater than warmupSteps (${warmupSteps})`, decaySteps);
  }
  const endValue = requireNumber(options.endValue ?? 0, 'endValue', where, 'finite');
  const exponent = requireNumber(options.exponent ?? 1, 'exponent', where, 'positive');
  const warmup = linearSchedule({ initValue, endValue: peakValue, transitionSteps: warmupSteps });
  const decay = (step: number): number => {
    const total = decaySteps - warmupSteps;
    const t = Math.min(Math.max(step, 0), total);
    const cosine = 0.5 * (1 + Math.cos((Math.PI * t) / total));
    return endValue + (peakValue - endValue) * cosine ** exponent;
  };
  return (step) => (step < warmupSteps ? warmup(step) : decay(step - warmupSteps));
}

/** Options of `cosineOneCycleSchedule`. */
export interface OneCycleOptions {
  /** Length of the cycle in steps (a positive integer). */
  transitionSteps: number;
  /** Highest value, reached at step `floor(pctStart * transitionSteps)`. */
  peakValue: number;
  /** Fraction of the cycle spent rising. Default 0.3. */
  pctStart?: number;
  /** Start value is `peakValue / divFactor`. Default 25. */
  divFactor?: number;
  /** End value is `peakValue / divFactor / finalDivFactor`. Default 1e4. */
  finalDivFactor?: number;
}

/**
 * One-cycle policy (Smith & Topin 2018), with cosine annealing in both phases, as optax's
 * `cosine_onecycle_schedule`: rises from `peakValue / divFactor` to `peakValue` over the first
 * `peakStep = floor(pctStart * transitionSteps)` steps (optax truncates the peak to a whole
 * step), then falls to `peakValue / (divFactor * finalDivFactor)` at `transitionSteps`;
 * constant after the cycle. With `peakStep` 0 the cycle starts at the peak.
 *
 * @example
 * const s = cosineOneCycleSchedule({ transitionSteps: 1000, peakValue: 0.1 });
 * s(0); // 0.004   s(300); // 0.1   s(1000); // 4e-7
 * const t = cosineOneCycleSchedule({ transitionSteps: 10, peakValue: 1, pctStart: 0.25 });
 * t(2); // 1: the peak is at step floor(2.5) = 2
 */
export function cosineOneCycleSchedule(options: OneCycleOptions): Schedule {
  const where = 'cosineOneCycleSchedule';
  const transitionSteps = requirePositiveInteger(options?.transitionSteps, 'transitionSteps', where);
  const peakValue = requireNumber(options.peakValue, 'peakValue', where, 'finite');
  const pctStart = options.pctStart ?? 0.3;
  if (typeof pctStart !== 'number' || !(pctStart > 0 && pctStart < 1)) {
    throw invalidValue('pctStart', where, 'a number in (0, 1)', pctStart);
  }
  const divFactor = requireNumber(options.divFactor ?? 25, 'divFactor', where, 'positive');
  const finalDivFactor = requireNumber(options.finalDivFactor ?? 1e4, 'finalDivFactor', where, 'positive');
  // optax builds this as piecewise_interpolate_schedule('cosine', peak / div,
  // { int(pct_start * T): div, T: 1 / (div * final_div) }): the boundary is truncated to an
  // integer and the values are the running products of the scales.
  const peakStep = Math.trunc(pctStart * transitionSteps);
  const startValue = peakValue / divFactor;
  const peak = startValue * divFactor;
  const finalValue = peak * (1 / (divFactor * finalDivFactor));
  // Cosine interpolation: `from` at fraction 0, `to` at fraction 1.
  const interpolate = (from: number, to: number, fraction: number): number => to + ((from - to) / 2) * (Math.cos(Math.PI * fraction) + 1);
  return (step) => {
    const t = Math.max(step, 0);
    if (t < peakStep) return interpolate(startValue, peak, t / peakStep);
    if (t < transitionSteps) return interpolate(peak, finalValue, (t - peakStep) / (transitionSteps - peakStep));
    return finalValue;
  };
}
