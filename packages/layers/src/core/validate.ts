import { invalidValue } from '../errors.js';

export function positiveInteger(value: unknown, name: string, where: string): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) throw invalidValue(name, where, 'a positive integer', value);
  return value;
}

/** A size given as one number or one per spatial axis. */
export function tuple(value: unknown, rank: number, name: string, where: string): number[] {
  const values = typeof value === 'number' ? Array(rank).fill(value) : value;
  if (!(Array.isArray(values) && values.length === rank && values.every((v) => Number.isInteger(v) && v > 0))) {
    throw invalidValue(name, where, `a positive integer or ${rank} positive integers`, value);
  }
  return values as number[];
}

export function padding(value: unknown, where: string): 'same' | 'valid' {
  if (value !== 'same' && value !== 'valid') throw invalidValue('padding', where, "'same' or 'valid'", value);
  return value;
}

export function rate(value: unknown, name: string, where: string): number {
  if (!(typeof value === 'number' && value >= 0 && value < 1)) throw invalidValue(name, where, 'a number in [0, 1)', value);
  return value;
}
