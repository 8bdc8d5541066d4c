import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCsv, streamCsv } from '../index.js';

// The browser-friendly inputs: the same parser, options, rows and line numbers for every one.
const text = 'id,name\r\n1,"Lovelace, Ada"\r\n2,"multi\r\nline"\r\nx,Turing\r\n';
const options = { schema: { id: 'integer' as const }, onBadRow: 'collect' as const };
const expected = {
  rows: [{ id: 1, name: 'Lovelace, Ada' }, { id: 2, name: 'multi\r\nline' }],
  line: 5,
};

function byteStream(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

describe('readCsv and streamCsv inputs', () => {
  const bytes = new TextEncoder().encode(text);
  const inputs: [string, () => Parameters<typeof readCsv>[0]][] = [
    ['a string', () => text],
    ['a Blob', () => new Blob([bytes])],
    ['a File', () => new File([bytes], 'people.csv')],
    ['a fetch Response', () => new Response(bytes)],
    ['a ReadableStream of 3-byte chunks', () => byteStream(bytes, 3)],
    ['a gzipped Blob', () => new Blob([gzipSync(bytes)])],
    ['a gzipped Response in 7-byte chunks', () => new Response(byteStream(gzipSync(bytes), 7))],
    ['string chunks', () => [text.slice(0, 10), text.slice(10)]],
  ];
  for (const [name, input] of inputs) {
    it(`reads ${name}: same rows, same bad-row line`, async () => {
      const result = await readCsv(input(), options);
      expect(result.rows).toEqual(expected.rows);
      expect(result.columns).toEqual(['id', 'name']);
      expect(result.badRows.map((b) => b.line)).toEqual([expected.line]);
      const streamed = [];
      for await (const row of streamCsv(input(), options)) streamed.push(row);
      expect(streamed).toEqual(expected.rows);
    });
  }

  it('names the input by File name or Response URL unless `source` is given', async () => {
    const strict = { schema: { id: 'integer' as const } };
    await expect(readCsv(new File([bytes], 'people.csv'), strict)).rejects.toThrow('people.csv line 5, column `id`: expected an integer, received "x".');
    await expect(readCsv(new File([bytes], 'people.csv'), { ...strict, source: 'upload' })).rejects.toThrow(/^upload line 5/);
    await expect(readCsv(new Response('gone', { status: 500 }), { source: 'https://example.test/a.csv' })).rejects.toThrow(
      'https://example.test/a.csv: the server answered HTTP 500, not the data.',
    );
  });

  it('stops reading a stream when the consumer stops (the source is cancelled)', async () => {
    let cancelled = false;
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new TextEncoder().encode(pulls === 1 ? 'n\n' : `${pulls}\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    const seen: unknown[] = [];
    for await (const row of streamCsv(endless)) {
      seen.push(row.n);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['2', '3', '4']);
    expect(cancelled).toBe(true);
  });
});
