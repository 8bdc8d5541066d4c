import { describeValue } from '@loom-ml/core';

const LOOM_ERROR = Symbol.for('loom-ml.error');

/**
 * Base of every error thrown by Loom packages. `LoomError.isInstance` checks a `Symbol.for`
 * marker, so it recognises errors from other Loom packages and from duplicate copies.
 *
 * @example
 * try { new IsolationForest({ trees: 0 }); } catch (e) { if (LoomError.isInstance(e)) console.log(e.message); }
 */
export class LoomError extends Error {
  readonly [LOOM_ERROR] = true;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }

  static isInstance(error: unknown): error is LoomError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[LOOM_ERROR] === true;
  }
}

/**
 * Thrown by `@loom-ml/fraud-detection` for invalid arguments and mismatched state.
 *
 * @example
 * expect(() => new IsolationForest({ trees: 0 })).toThrow(FraudError);
 */
export class FraudError extends LoomError {}

/**
 * Builds the one message form: "Invalid value for `x` in Where. Expected ... Received: ...".
 * The received value is cut by core's `describeValue`, so a hostile file never ends up whole in a message.
 */
export function invalidValue(name: string, where: string, expected: string, received: unknown): FraudError {
  return new FraudError(
    `Invalid value for \`${name}\` in ${where}. Expected ${expected}. Received: ${describeValue(received)}.`,
  );
}
