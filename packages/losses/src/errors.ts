/**
 * The marker every Loom error carries. `Symbol.for` makes it the same symbol in every
 * package and every copy of a package, so `LoomError.isInstance` works across them.
 */
const loomErrorMarker: unique symbol = Symbol.for('loom-ml.error') as never;

/**
 * Base class of every error thrown by Loom packages.
 *
 * @example
 * try { getLoss('nope'); } catch (error) { if (LoomError.isInstance(error)) console.error(error.message); }
 */
export class LoomError extends Error {
  readonly [loomErrorMarker] = true;

  /** True for any Loom error, including ones thrown by another copy of another package. */
  static isInstance(error: unknown): error is LoomError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[loomErrorMarker] === true;
  }
}

/**
 * Thrown by `@loom-ml/losses` for invalid options or inputs.
 *
 * @example
 * expect(() => huber({ delta: -1 })).toThrow(LossError);
 */
export class LossError extends LoomError {
  override readonly name = 'LossError';
}

/** Formats a received value for an error message: shapes as `[2, 3]`, strings quoted. */
export function formatReceived(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => formatReceived(item)).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/**
 * Builds the one message form Loom uses:
 * "Invalid value for `yPred` in categoricalCrossentropy. Expected shape [32, 10] to match yTrue. Received: [32, 9]."
 */
export function invalidValue(what: string, where: string, expected: string, received: unknown): LossError {
  return new LossError(`Invalid value for \`${what}\` in ${where}. Expected ${expected}. Received: ${formatReceived(received)}.`);
}
