const LOOM_ERROR = Symbol.for('loom-ml.error');

/**
 * Base of every error thrown by Loom packages. `LoomError.isInstance` checks a `Symbol.for`
 * marker, so it recognises errors from every Loom package and from duplicate copies of one.
 *
 * @example
 * try { await readFileBounded('model.bin', { maxBytes: 1e6 }); }
 * catch (e) { if (LoomError.isInstance(e)) console.log(e.message); }
 */
export class LoomError extends Error {
  readonly [LOOM_ERROR] = true;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }

  /**
   * Whether `error` is a Loom error, also one thrown by another copy or version of a Loom
   * package (it checks a `Symbol.for` marker, where `instanceof` would need the same class).
   */
  static isInstance(error: unknown): error is LoomError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[LOOM_ERROR] === true;
  }
}

/**
 * Thrown by `@loom-ml/core` when a file or byte source is refused: outside its folder, too
 * large, not a regular file, truncated.
 *
 * @example
 * expect(() => resolveInside('models/a', '../../etc/passwd', 'weightsFile')).toThrow(FileRefusedError);
 */
export class FileRefusedError extends LoomError {}

/**
 * Thrown by `@loom-ml/core` when bytes are not a valid file of the expected kind: a bad magic
 * number, a header that is not JSON or nests too deep, a tensor whose byte range does not fit.
 * The message names the field and where it is (`tensors[3].offsets in the container 'x.loom'`).
 *
 * @example
 * expect(() => decodeContainer(new Uint8Array(3))).toThrow(InvalidFileError);
 */
export class InvalidFileError extends FileRefusedError {}

/**
 * Thrown when a container's payload does not hash to the SHA-256 its header records: the
 * weights were changed or damaged after they were written.
 *
 * @example
 * expect(() => decodeContainer(flipped)).toThrow(ChecksumError);
 */
export class ChecksumError extends InvalidFileError {}

/**
 * Describes a received value for an error message: strings quoted, arrays as `[32, 9]` (items
 * described the same way), other objects as JSON, long values cut, so a hostile 1 MB string
 * never ends up whole in a message or a log.
 *
 * @example
 * describeValue('x'.repeat(500)); // "'xxxx…' (500 characters)"
 * describeValue([32, 9]); // '[32, 9]'
 */
export function describeValue(value: unknown, maxLength = 80): string {
  if (typeof value === 'string') {
    return value.length > maxLength ? `'${value.slice(0, maxLength)}…' (${value.length} characters)` : `'${value}'`;
  }
  const text = describe(value, maxLength, 0);
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

// Array items are described only until the text is longer than maxLength (a 1e7-element array
// costs no more than a short one); nesting deeper than 4 (or a cycle) is cut to '[…]'.
function describe(value: unknown, maxLength: number, depth: number): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return describeValue(value, maxLength);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) {
    if (depth > 4) return '[…]';
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (text.length > maxLength) return `${text}…`;
      text += (i ? ', ' : '') + describe(value[i], maxLength, depth + 1);
    }
    return `${text}]`;
  }
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/**
 * The one message form of every Loom error about an argument or a field read from a file:
 * "Invalid value for `units` in Dense 'dense_1'. Expected a positive integer. Received: -3."
 * The received value goes through `describeValue`, so it is cut when long. Each package wraps
 * it in its own error class (`invalidValue` in layers throws a `LayersError`, and so on).
 *
 * @example
 * throw new LoomError(invalidValueMessage('units', "Dense 'dense_1'", 'a positive integer', -3));
 */
export function invalidValueMessage(name: string, where: string, expected: string, received: unknown): string {
  return `Invalid value for \`${name}\` in ${where}. Expected ${expected}. Received: ${describeValue(received)}.`;
}
