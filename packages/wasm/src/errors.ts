import { invalidValueMessage, LoomError } from '@loom-ml/core';

// LoomError and the message form live in @loom-ml/core; re-exported so `LoomError` can be
// imported from this package as before (it is the same class in every package).
export { LoomError };

/**
 * Thrown by `@loom-ml/wasm` for invalid options, unsupported environments and version mismatches.
 *
 * @example
 * await expect(initWasm({ threads: 0 })).rejects.toThrow(WasmError);
 */
export class WasmError extends LoomError {}

/** Builds the one message form: "Invalid value for `x` in Where. Expected ... Received: ...". */
export function invalidValue(name: string, where: string, expected: string, received: unknown): WasmError {
  return new WasmError(invalidValueMessage(name, where, expected, received));
}
