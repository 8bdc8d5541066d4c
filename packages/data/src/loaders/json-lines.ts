import { readChunks, type ChunkSource } from './chunk-source.js';
import { DataError, invalidValue } from '../errors.js';

/** Default `maxLineLength`: 4 Mi characters, as CSV's default `maxRecordBytes`. */
export const DEFAULT_MAX_JSON_LINE_LENGTH = 4 * 2 ** 20;

/** Options of `streamJsonLines` and `parseJsonLines`. */
export interface JsonLinesOptions {
  /** Names the input in errors (a file name). Default 'JSON lines input'. */
  source?: string;
  /**
   * Longest line, in characters (UTF-16 code units). The reader holds one line at a time, so
   * this bounds its memory whatever the input: a file with no newline is refused once this
   * much of it has arrived. Default 4 Mi characters.
   */
  maxLineLength?: number;
}

/**
 * Streams JSON Lines (one JSON value per line) from string or byte chunks. Blank lines are
 * skipped; a line that is not valid JSON raises an error naming the source and line number,
 * and so does a line longer than `maxLineLength`. A leading byte-order mark is ignored.
 *
 * @example
 * for await (const record of streamJsonLines(['{"a":1}\n{"a"', ':2}\n'], { source: 'events.jsonl' })) console.log(record);
 */
export async function* streamJsonLines<T = unknown>(
  input: ChunkSource,
  { source = 'JSON lines input', maxLineLength = DEFAULT_MAX_JSON_LINE_LENGTH }: JsonLinesOptions = {},
): AsyncGenerator<T> {
  if (!(Number.isSafeInteger(maxLineLength) && maxLineLength > 0)) throw invalidValue('maxLineLength', 'streamJsonLines', 'a positive integer (characters)', maxLineLength);
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let lineNumber = 0;
  const tooLong = (length: number) =>
    new DataError(`${source} line ${lineNumber + 1}: the line is longer than maxLineLength (${maxLineLength} characters; ${length} read). Raise maxLineLength if lines this long are expected.`);
  const parse = (line: string): T | undefined => {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.length > maxLineLength) throw tooLong(text.length);
    lineNumber++;
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new DataError(`${source} line ${lineNumber}: expected a JSON value, received ${JSON.stringify(text.slice(0, 80))} (${(error as Error).message}).`);
    }
  };
  let first = true;
  for await (const chunk of readChunks(input)) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && pending.length > 0) {
      pending = pending.replace(/^\uFEFF/, '');
      first = false;
    }
    let start = 0;
    let newline: number;
    while ((newline = pending.indexOf('\n', start)) !== -1) {
      const value = parse(pending.slice(start, newline));
      start = newline + 1;
      if (value !== undefined) yield value;
    }
    pending = pending.slice(start);
    // No newline yet: refuse before the unfinished line grows past the limit.
    if (pending.length > maxLineLength + 1) throw tooLong(pending.length);
  }
  pending += decoder.decode();
  if (first) pending = pending.replace(/^\uFEFF/, '');
  if (pending.length > 0) {
    const value = parse(pending);
    if (value !== undefined) yield value;
  }
}

/**
 * Parses a whole JSON Lines text.
 *
 * @example
 * parseJsonLines('{"a":1}\n{"a":2}\n'); // [{ a: 1 }, { a: 2 }]
 */
export async function parseJsonLines<T = unknown>(text: string, options: JsonLinesOptions = {}): Promise<T[]> {
  const out: T[] = [];
  for await (const value of streamJsonLines<T>([text], options)) out.push(value);
  return out;
}
