import { invalidValue } from './errors.js';

/**
 * A CLI flag as a number in [min, max], or the flag's own error (exit code 2 in the scripts).
 *
 * @example
 * numberFlag('port', '3000', { integer: true, min: 0, max: 65535 }); // 3000
 */
export function numberFlag(name: string, value: string | undefined, { min = -Infinity, max = Infinity, integer = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
    const range = `${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` >= ${min}` : ''}${max < Infinity ? ` and <= ${max}` : ''}`;
    throw invalidValue(`--${name}`, 'the command line', range, value);
  }
  return parsed;
}
