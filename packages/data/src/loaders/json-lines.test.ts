import { describe, expect, it } from 'vitest';
import { parseJsonLines, streamJsonLines } from './json-lines.js';

describe('JSON lines', () => {
  it('reads values split across chunks (including a multi-byte character), CRLF, and skips blank lines', async () => {
    const bytes = new TextEncoder().encode('{"name":"Zoë"}\r\n\n{"name":"b"}');
    const split = bytes.indexOf(0xc3) + 1; // inside the two bytes of "ë"
    const out: unknown[] = [];
    for await (const value of streamJsonLines([bytes.slice(0, split), bytes.slice(split)])) out.push(value);
    expect(out).toEqual([{ name: 'Zoë' }, { name: 'b' }]);
  });

  it('names the source and line of a malformed line', async () => {
    await expect(parseJsonLines('{"a":1}\n\n{"a":\n', { source: 'events.jsonl' })).rejects.toThrow(/^events\.jsonl line 3: expected a JSON value, received "\{\\"a\\":"/);
  });

  it('refuses a line longer than maxLineLength, naming the line, before the rest of a newline-free input arrives', async () => {
    await expect(parseJsonLines('{"a":1}\n{"b":"' + 'x'.repeat(100) + '"}\n', { source: 'big.jsonl', maxLineLength: 50 })).rejects.toThrow(
      'big.jsonl line 2: the line is longer than maxLineLength (50 characters; 108 read). Raise maxLineLength if lines this long are expected.',
    );
    // An endless line: the reader stops after the chunk that crosses the limit.
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield 'y'.repeat(1000);
      }
    }
    await expect(streamJsonLines(endless(), { source: 'stream', maxLineLength: 10_000 }).next()).rejects.toThrow(/^stream line 1: the line is longer than maxLineLength \(10000 characters; 11000 read\)/);
    expect(pulled).toBe(11);
    // A line exactly at the limit (plus CRLF) is read.
    const exact = JSON.stringify('z'.repeat(48));
    expect(exact.length).toBe(50);
    await expect(parseJsonLines(exact + '\r\n' + exact, { maxLineLength: 50 })).resolves.toEqual(['z'.repeat(48), 'z'.repeat(48)]);
    await expect(parseJsonLines('1', { maxLineLength: 0 })).rejects.toThrow('Invalid value for `maxLineLength` in streamJsonLines. Expected a positive integer (characters). Received: 0.');
  });

  it('ignores a byte-order mark at the start of a stream, also when it arrives alone', async () => {
    const out: unknown[] = [];
    for await (const value of streamJsonLines(['', '\uFEFF', '{"a":1}\n{"a":2}'])) out.push(value);
    expect(out).toEqual([{ a: 1 }, { a: 2 }]);
  });
});
