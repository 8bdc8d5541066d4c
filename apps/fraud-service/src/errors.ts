import { LoomError } from '@loom-ml/fraud-detection';

/**
 * Bad input to the service (HTTP requests, CLI flags, a saved model), in Loom's one message form:
 * "Invalid value for `int_rate` in POST /score. Expected a finite number or null. Received: 'high'."
 *
 * @example
 * throw new AppError('Not found: /nope.', 404);
 */
export class AppError extends LoomError {
  constructor(
    message: string,
    /** HTTP status the server answers with. */
    readonly status = 400,
  ) {
    super(message);
  }
}

function describe(received: unknown): string {
  if (typeof received === 'string') return `'${received.length > 60 ? `${received.slice(0, 60)}...` : received}'`;
  if (received === undefined) return 'nothing';
  if (typeof received === 'object' && received !== null) {
    const text = JSON.stringify(received);
    return text.length > 80 ? `${text.slice(0, 80)}...` : text;
  }
  return String(received);
}

/**
 * Builds the one message form.
 *
 * @example
 * throw invalidValue('int_rate', 'POST /score', 'a finite number or null', 'high'); // 400
 */
export function invalidValue(name: string, where: string, expected: string, received: unknown, status = 400): AppError {
  return new AppError(`Invalid value for \`${name}\` in ${where}. Expected ${expected}. Received: ${describe(received)}.`, status);
}
