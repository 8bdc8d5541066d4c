import { invalidValue } from './errors.js';
import type { ScalarOrSchedule } from './types.js';

export function requireNumber(value: unknown, name: string, where: string, check: 'positive' | 'nonNegative' | 'finite'): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (check === 'positive' ? value > 0 : check === 'nonNegative' ? value >= 0 : true);
  if (!ok) {
    const expected =
      check === 'positive' ? 'a positive number' : check === 'nonNegative' ? 'a non-negative number' : 'a finite number';
    throw invalidValue(name, where, expected, value);
  }
  return value as number;
}

/** A decay rate in [0, 1). */
export function requireDecay(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw invalidValue(name, where, 'a number in [0, 1)', value);
  }
  return value;
}

export function requirePositiveInteger(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidValue(name, where, 'a positive integer', value);
  }
  return value;
}

/** A learning rate: a non-negative number or a schedule function. */
export function requireScalarOrSchedule(value: unknown, name: string, where: string): ScalarOrSchedule {
  if (typeof value === 'function') return value as ScalarOrSchedule;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw invalidValue(name, where, 'a non-negative number or a schedule function (step) => number', value);
}
