import { invalidValueMessage, LoomError } from '@loom-ml/core';

// LoomError and the message form live in @loom-ml/core; re-exported so `LoomError` can be
// imported from this package as before (it is the same class in every package).
export { LoomError };

/**
 * Thrown by `@loom-ml/layers` for invalid arguments and mismatched state.
 *
 * @example
 * expect(() => dense({ units: -1 })).toThrow(LayersError);
 */
export class LayersError extends LoomError {}

/** Builds the one message form: "Invalid value for `x` in Where. Expected ... Received: ...". */
export function invalidValue(name: string, where: string, expected: string, received: unknown): LayersError {
  return new LayersError(invalidValueMessage(name, where, expected, received));
}

/** "Dense 'dense_1' expected input with last dimension 784, received shape [32,783]." */
export function shapeMismatch(where: string, expected: string, received: readonly (number | null)[]): LayersError {
  return new LayersError(`${where} expected ${expected}, received shape [${received.map((d) => (d === null ? 'null' : String(d))).join(',')}].`);
}
