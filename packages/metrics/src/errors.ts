import { invalidValueMessage, LoomError } from '@loom-ml/core';

// LoomError and the message form live in @loom-ml/core; re-exported so `LoomError` can be
// imported from this package as before (it is the same class in every package).
export { LoomError };

/**
 * Thrown by `@loom-ml/metrics` for invalid arguments and mismatched state.
 *
 * @example
 * expect(() => rocAuc([1, 1], [0.2, 0.4])).toThrow(MetricError);
 */
export class MetricError extends LoomError {}

/** Builds the one message form: "Invalid value for `x` in Where. Expected ... Received: ...". */
export function invalidValue(name: string, where: string, expected: string, received: unknown): MetricError {
  return new MetricError(invalidValueMessage(name, where, expected, received));
}
