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
});
