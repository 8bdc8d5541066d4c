import { LoomError } from '@loom-ml/recommenders';

/**
 * Bad input to the app (CLI flags, HTTP requests), in Loom's one message form:
 * "Invalid value for `user` in recommend. Expected a user id from the training data. Received: 99999."
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

/** Builds the one message form. */
export function invalidValue(name: string, where: string, expected: string, received: unknown, status = 400): AppError {
  const shown = typeof received === 'string' ? `'${received}'` : Array.isArray(received) || (typeof received === 'object' && received !== null) ? JSON.stringify(received) : String(received);
  return new AppError(`Invalid value for \`${name}\` in ${where}. Expected ${expected}. Received: ${shown}.`, status);
}
