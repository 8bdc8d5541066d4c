const LOOM_ERROR = Symbol.for('loom-ml.error');

/**
 * Base of every error thrown by Loom packages. `LoomError.isInstance` checks a `Symbol.for`
 * marker, so it recognises errors from other Loom packages and from duplicate copies.
 *
 * @example
 * try { dense({ units: -1 }); } catch (e) { if (LoomError.isInstance(e)) console.log(e.message); }
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
 * Thrown by `@loom-ml/layers` for invalid arguments and mismatched state.
 *
 * @example
 * expect(() => dense({ units: -1 })).toThrow(LayersError);
 */
export class LayersError extends LoomError {}

function describeValue(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/** Builds the one message form: "Invalid value for `x` in Where. Expected ... Received: ...". */
export function invalidValue(name: string, where: string, expected: string, received: unknown): LayersError {
  return new LayersError(
    `Invalid value for \`${name}\` in ${where}. Expected ${expected}. Received: ${describeValue(received)}.`,
  );
}

/** "Dense 'dense_1' expected input with last dimension 784, received shape [32,783]." */
export function shapeMismatch(where: string, expected: string, received: readonly (number | null)[]): LayersError {
  return new LayersError(`${where} expected ${expected}, received shape [${received.map((d) => (d === null ? 'null' : String(d))).join(',')}].`);
}
