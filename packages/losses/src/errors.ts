import { invalidValueMessage, LoomError } from '@loom-ml/core';

// LoomError and the message form live in @loom-ml/core; re-exported so `LoomError` can be
// imported from this package as before (it is the same class in every package).
export { LoomError };

/**
 * Thrown by `@loom-ml/losses` for invalid options or inputs.
 *
 * @example
 * expect(() => huber({ delta: -1 })).toThrow(LossError);
 */
export class LossError extends LoomError {
  override readonly name = 'LossError';
}

/**
 * Builds the one message form Loom uses:
 * "Invalid value for `yPred` in categoricalCrossentropy. Expected shape [32, 10] to match yTrue. Received: [32, 9]."
 */
export function invalidValue(what: string, where: string, expected: string, received: unknown): LossError {
  return new LossError(invalidValueMessage(what, where, expected, received));
}
