import { readChunks, type ChunkSource } from './chunk-source.js';
import { DataError } from '../errors.js';

/**
 * Streams JSON Lines (one JSON value per line) from string or byte chunks. Blank lines are
 * skipped; a line that is not valid JSON raises an error naming the source and line number.
 *
 * @example
 * for await (const record of streamJsonLines(['{"a":1}\n{"a"', ':2}\n'], { source: 'events.jsonl' })) console.log(record);
 */
export async function* streamJsonLines<T = unknown>(
  input: ChunkSource,
  { source = 'JSON lines input' }: { source?: string } = {},
): AsyncGenerator<T> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let lineNumber = 0;
  const parse = (line: string): T | undefined => {
    lineNumber++;
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new DataError(`${source} line ${lineNumber}: expected a JSON value, received ${JSON.stringify(text.slice(0, 80))} (${(error as Error).message}).`);
    }
  };
  for await (const chunk of readChunks(input)) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const value = parse(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      if (value !== undefined) yield value;
    }
  }
  pending += decoder.decode();
  if (pending.length > 0) {
    const value = parse(pending.replace(/^\uFEFF/, ''));
    if (value !== undefined) yield value;
  }
}

/**
 * Parses a whole JSON Lines text.
 *
 * @example
 * parseJsonLines('{"a":1}\n{"a":2}\n'); // [{ a: 1 }, { a: 2 }]
 */
export async function parseJsonLines<T = unknown>(text: string, options: { source?: string } = {}): Promise<T[]> {
  const out: T[] = [];
  for await (const value of streamJsonLines<T>([text.replace(/^\uFEFF/, '')], options)) out.push(value);
  return out;
}
