import { describeValue, LoomError } from '@loom-ml/core';

/**
 * Bad input to the service (HTTP requests, CLI flags, a saved model), in Loom's one message form:
 * "Invalid value for `text` in POST /reply. Expected a string of 1 to 1000 characters. Received: 42."
 *
 * @example
 * throw new AppError('Not found: /nope.', 404);
 */
export class AppError extends LoomError {
  constructor(
    message: string,
    /** HTTP status the server answers with. */
    readonly status = 400,
    /** Extra response headers (Retry-After, WWW-Authenticate, Allow). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/**
 * Builds the one message form. The received value is cut to 80 characters (`describeValue`), so
 * a hostile megabyte never ends up whole in an answer or a log.
 *
 * @example
 * throw invalidValue('text', 'POST /reply', 'a string of 1 to 1000 characters', 42); // 400
 */
export function invalidValue(name: string, where: string, expected: string, received: unknown, status = 400): AppError {
  return new AppError(`Invalid value for \`${name}\` in ${where}. Expected ${expected}. Received: ${received === undefined ? 'nothing' : describeValue(received)}.`, status);
}
