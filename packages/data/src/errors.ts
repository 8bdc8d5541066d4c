import { invalidValueMessage, LoomError } from '@loom-ml/core';

// LoomError and the message form live in @loom-ml/core; re-exported so `LoomError` can be
// imported from this package as before (it is the same class in every package).
export { LoomError };

/**
 * Thrown by `@loom-ml/data` for invalid arguments, malformed input and mismatched state.
 *
 * @example
 * expect(() => parseIdx(new Uint8Array(2))).toThrow(DataError);
 */
export class DataError extends LoomError {}

/** Builds the one message form: "Invalid value for `x` in Where. Expected ... Received: ...". */
export function invalidValue(name: string, where: string, expected: string, received: unknown): DataError {
  return new DataError(invalidValueMessage(name, where, expected, received));
}
