import { LoomError, describeValue } from '@loom-ml/core';

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
  return new DataError(`Invalid value for \`${name}\` in ${where}. Expected ${expected}. Received: ${describeValue(received)}.`);
}
