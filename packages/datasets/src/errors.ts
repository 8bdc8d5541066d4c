import { invalidValueMessage, LoomError } from '@loom-ml/core';

// LoomError and the message form live in @loom-ml/core; re-exported so `LoomError` can be
// imported from this package as before (it is the same class in every package).
export { LoomError };

/**
 * Thrown by `@loom-ml/datasets` for invalid arguments and mismatched state.
 *
 * @example
 * expect(() => loadMnist({ split: "dev" })).toThrow(DatasetError);
 */
export class DatasetError extends LoomError {}

/** Builds the one message form: "Invalid value for `x` in Where. Expected ... Received: ...". */
export function invalidValue(name: string, where: string, expected: string, received: unknown): DatasetError {
  return new DatasetError(invalidValueMessage(name, where, expected, received));
}
