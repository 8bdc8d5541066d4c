import { describeValue, LoomError } from '@loom-ml/core';

export { LoomError };

/**
 * Thrown by `@loom-ml/explain` for invalid arguments (a bad option, an input whose shape does
 * not fit the model, a model output that is not one score per row).
 *
 * @example
 * expect(() => integratedGradients(model, x, { steps: 0 })).toThrow(ExplainError);
 */
export class ExplainError extends LoomError {}

/**
 * Builds the one message form: "Invalid value for `x` in Where. Expected ... Received: ...".
 * The received value is cut by core's `describeValue`, so a hostile value never ends up whole in a message.
 */
export function invalidValue(name: string, where: string, expected: string, received: unknown): ExplainError {
  return new ExplainError(`Invalid value for \`${name}\` in ${where}. Expected ${expected}. Received: ${describeValue(received)}.`);
}

export function checkPositiveInteger(value: unknown, name: string, where: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max)) {
    throw invalidValue(name, where, max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from 1 to ${max}`, value);
  }
  return value;
}
