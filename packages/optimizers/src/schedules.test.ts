import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  cosineDecaySchedule,
  cosineOneCycleSchedule,
  exponentialDecay,
  linearSchedule,
  piecewiseConstantSchedule,
  stepDecaySchedule,
  warmupCosineDecaySchedule,
} from './schedules.js';

const close = (received: number, expected: number): void => {
  // Schedules run in float64; 1e-12 leaves room only for rounding.
  expect(Math.abs(received - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
};

describe('schedules', () => {
  it('constantSchedule', () => {
    close(constantSchedule(0.3)(0), 0.3);
    close(constantSchedule(0.3)(10_000), 0.3);
  });

  it('piecewiseConstantSchedule scales from each boundary on (inclusive)', () => {
    const s = piecewiseConstantSchedule({ initValue: 1, boundariesAndScales: { 200: 0.5, 100: 0.1 } });
    close(s(0), 1);
    close(s(99), 1);
    close(s(100), 0.1);
    close(s(199), 0.1);
    close(s(200), 0.05); // 1 * 0.1 * 0.5
  });

  it('stepDecaySchedule: initValue * rate^floor(step / size)', () => {
    const s = stepDecaySchedule({ initValue: 0.1, stepSize: 30, decayRate: 0.1 });
    close(s(29), 0.1);
    close(s(30), 0.1 * 0.1);
    close(s(65), 0.1 * 0.1 * 0.1);
  });

  it('exponentialDecay: continuous, staircase, delayed and floored', () => {
    close(exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5 })(5), 0.5 ** 0.5);
    close(exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5 })(20), 0.25);
    close(exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5, staircase: true })(19), 0.5);
    const delayed = exponentialDecay({ initValue: 2, transitionSteps: 10, decayRate: 0.5, transitionBegin: 100 });
    close(delayed(50), 2);
    close(delayed(110), 1);
    close(exponentialDecay({ initValue: 1, transitionSteps: 1, decayRate: 0.5, endValue: 0.1 })(100), 0.1);
  });

  it('linearSchedule', () => {
    const s = linearSchedule({ initValue: 1, endValue: 0, transitionSteps: 4 });
    close(s(1), 0.75);
    close(s(4), 0);
    close(s(9), 0);
  });

  it('cosineDecaySchedule: init * ((1 - alpha) 0.5 (1 + cos(pi t / T)) + alpha)', () => {
    const s = cosineDecaySchedule({ initValue: 2, decaySteps: 100, alpha: 0.1 });
    close(s(0), 2);
    close(s(50), 2 * (0.9 * 0.5 + 0.1)); // cos(pi/2) = 0 -> 1.1
    close(s(25), 2 * (0.9 * 0.5 * (1 + Math.SQRT1_2) + 0.1)); // cos(pi/4) = 0.70711 -> 1.736396
    close(s(100), 0.2);
    close(s(500), 0.2);
  });

  it('warmupCosineDecaySchedule: linear warm-up then cosine to endValue', () => {
    const s = warmupCosineDecaySchedule({ initValue: 0, peakValue: 1e-3, warmupSteps: 100, decaySteps: 1100, endValue: 1e-5 });
    close(s(0), 0);
    close(s(50), 5e-4);
    close(s(100), 1e-3);
    // Halfway through the 1000 decay steps cos = 0: end + (peak - end) / 2 = 5.05e-4.
    close(s(600), 1e-5 + (1e-3 - 1e-5) * 0.5);
    close(s(1100), 1e-5);
    close(s(5000), 1e-5);
    expect(() => warmupCosineDecaySchedule({ peakValue: 1, warmupSteps: 10, decaySteps: 10 })).toThrow(
      'Invalid value for `decaySteps` in warmupCosineDecaySchedule. Expected a number of steps greater than warmupSteps (10). Received: 10.',
    );
  });

  it('cosineOneCycleSchedule: peak/25 -> peak at 30% -> peak/25e4', () => {
    const s = cosineOneCycleSchedule({ transitionSteps: 1000, peakValue: 0.1 });
    close(s(0), 0.004);
    close(s(150), 0.004 + (0.1 - 0.004) / 2); // halfway up: cos(pi/2) = 0 -> 0.052
    close(s(300), 0.1);
    close(s(650), 4e-7 + (0.1 - 4e-7) / 2); // halfway down
    close(s(1000), 4e-7);
    close(s(2000), 4e-7);
  });

  it('cosineOneCycleSchedule truncates the peak step to an integer, as optax', () => {
    // optax.cosine_onecycle_schedule(10, 1.0, pct_start=0.25) is piecewise_interpolate_schedule(
    // 'cosine', 1/25, {int(2.5) = 2: 25, 10: 1/(25 * 1e4)}): values 0.04, 1, 4e-6 at steps 0, 2, 10,
    // each segment end + (start - end) / 2 * (cos(pi * pct) + 1). By hand:
    const s = cosineOneCycleSchedule({ transitionSteps: 10, peakValue: 1, pctStart: 0.25 });
    const start = 0.04;
    const end = 4e-6;
    close(s(0), start);
    close(s(1), 1 + ((start - 1) / 2) * (Math.cos(Math.PI / 2) + 1)); // pct 1/2 of [0, 2): 0.52
    close(s(2), 1); // the peak (it was 0.9045 with the peak at the fractional step 2.5)
    close(s(3), end + ((1 - end) / 2) * (Math.cos(Math.PI / 8) + 1)); // pct 1/8 of [2, 10)
    close(s(6), end + (1 - end) / 2); // pct 1/2: 0.500002
    close(s(10), end);
    close(s(11), end);
    // A peak at step 0 (int(0.3 * 3) = 0): the cycle starts at the peak and decays over 3 steps.
    const short = cosineOneCycleSchedule({ transitionSteps: 3, peakValue: 1 });
    close(short(0), 1);
    close(short(3), end);
    expect(() => cosineOneCycleSchedule({ transitionSteps: 2.5, peakValue: 1 })).toThrow(
      'Invalid value for `transitionSteps` in cosineOneCycleSchedule. Expected a positive integer. Received: 2.5.',
    );
  });

  it('rejects bad options with the standard message', () => {
    expect(() => stepDecaySchedule({ initValue: 1, stepSize: 0, decayRate: 0.5 })).toThrow(
      'Invalid value for `stepSize` in stepDecaySchedule. Expected a positive integer. Received: 0.',
    );
    expect(() => cosineOneCycleSchedule({ transitionSteps: 10, peakValue: 1, pctStart: 1 })).toThrow(
      'Invalid value for `pctStart` in cosineOneCycleSchedule. Expected a number in (0, 1). Received: 1.',
    );
  });
});
