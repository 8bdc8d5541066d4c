import { FileRefusedError, InvalidFileError } from '../errors.js';

/**
 * Limits of `parseJsonBounded`.
 *
 * @example
 * parseJsonBounded(text, { maxBytes: 2 ** 20, maxDepth: 32, what: "model header 'digits/model.json'" });
 */
export interface ParseJsonOptions {
  /** Largest text accepted, in UTF-8 bytes (default 64 MiB). */
  maxBytes?: number;
  /** Deepest nesting of arrays and objects accepted (default 64). */
  maxDepth?: number;
  /** What the text is, for error messages (default 'JSON header'). */
  what?: string;
}

export const DEFAULT_MAX_HEADER_BYTES = 64 * 2 ** 20;
export const DEFAULT_MAX_DEPTH = 64;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The nesting depth of JSON text, counted outside strings, stopping at the first level past `limit`. */
function depthExceeds(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return -1;
}

/**
 * Parses JSON nobody vouched for: refuses text over `maxBytes`, invalid UTF-8 and nesting
 * deeper than `maxDepth` before `JSON.parse` runs (so code that later walks the value
 * recursively cannot overflow the stack), and turns a syntax error into an `InvalidFileError`
 * that says what the text is and where the error is.
 *
 * @example
 * const header = parseJsonBounded(bytes, { maxBytes: 1e6, what: 'model header' });
 */
export function parseJsonBounded(source: string | Uint8Array, options: ParseJsonOptions = {}): unknown {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_HEADER_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const what = options.what ?? 'JSON header';
  // A UTF-16 string never has fewer UTF-8 bytes than code units / 1, nor more than 3 per unit.
  const size = typeof source === 'string' ? (source.length * 3 <= maxBytes ? source.length : new TextEncoder().encode(source).length) : source.byteLength;
  if (size > maxBytes) {
    throw new FileRefusedError(`The ${what} has ${size} bytes, more than the limit of ${maxBytes} (raise maxHeaderBytes if you trust it).`);
  }
  let text: string;
  if (typeof source === 'string') text = source;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(source);
    } catch {
      throw new InvalidFileError(`The ${what} is not valid UTF-8 text.`);
    }
  }
  const deep = depthExceeds(text, maxDepth);
  if (deep >= 0) throw new InvalidFileError(`The ${what} nests arrays and objects more than ${maxDepth} deep (at character ${deep}).`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidFileError(`The ${what} is not valid JSON (${(error as Error).message}). Was the file truncated or edited?`);
  }
}
