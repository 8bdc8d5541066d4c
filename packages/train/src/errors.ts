import { invalidValueMessage, LoomError } from '@loom-ml/core';

// LoomError and the message form live in @loom-ml/core; re-exported so `LoomError` can be
// imported from this package as before (it is the same class in every package).
export { LoomError };

/**
 * Thrown by `@loom-ml/train` for invalid arguments, bad data and unreadable checkpoints.
 *
 * @example
 * expect(() => earlyStopping({ patience: -1 })).toThrow(TrainError);
 */
export class TrainError extends LoomError {}

/** Builds the one message form: "Invalid value for `x` in Where. Expected ... Received: ...". */
export function invalidValue(name: string, where: string, expected: string, received: unknown): TrainError {
  return new TrainError(invalidValueMessage(name, where, expected, received));
}
