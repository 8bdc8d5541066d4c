import { describe, expect, it } from 'vitest';
import { CsvParser, parseCsv, streamCsv } from '../index.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('CsvParser edge cases', () => {
  it('quoted fields with commas, doubled quotes and newlines; CRLF; BOM; empty lines', () => {
    const text = '\uFEFFname,quote\r\n"Lovelace, Ada","She said ""hi""\nthen left"\r\n\r\nTuring,plain\n';
    const { rows } = parseCsv(text);
    expect(rows).toEqual([
      { name: 'Lovelace, Ada', quote: 'She said "hi"\nthen left' },
      { name: 'Turing', quote: 'plain' },
    ]);
  });

  it('gives the same records however the text is split into chunks (every split point)', () => {
    const text = 'a,b\n"x,""y""",2\r\n"multi\nline",3\nü€,4';
    const whole = parseCsv(text).rows;
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new CsvParser();
      const records = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut)), ...parser.end()];
      expect(records.slice(1).map((r) => r.fields)).toEqual(whole.map((row) => [row.a, row.b]));
    }
  });

  it('decodes UTF-8 split inside a multi-byte character', async () => {
    const bytes = new TextEncoder().encode('word\nnaïve\n€uro\n');
    const chunks = Array.from(bytes, (b) => new Uint8Array([b])); // one byte at a time
    const rows = await collect(streamCsv(chunks));
    expect(rows).toEqual([{ word: 'naïve' }, { word: '€uro' }]);
  });

  it('reads a Web ReadableStream through getReader (browsers without async-iterable streams)', async () => {
    const bytes = new TextEncoder().encode('a,b\r\n1,"x\ny"\r\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 7));
        controller.enqueue(bytes.slice(7));
        controller.close();
      },
    });
    // Hide async iteration so the getReader path is the one exercised.
    const readerOnly = { getReader: () => stream.getReader() } as unknown as ReadableStream<Uint8Array>;
    expect(await collect(streamCsv(readerOnly, { schema: { a: 'integer' } }))).toEqual([{ a: 1, b: 'x\ny' }]);
  });

  it('reports line numbers of records that span lines', () => {
    const parser = new CsvParser();
    const records = [...parser.push('h\n"a\nb"\nc\n'), ...parser.end()];
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('names unclosed quotes and stray quotes with the line', () => {
    expect(() => parseCsv('a\n"open\n', { source: 'x.csv' })).toThrow('x.csv line 2, column 1: a quoted field is never closed before the end of the input.');
    expect(() => parseCsv('a,b\nab"c,1\n', { source: 'x.csv' })).toThrow(/x\.csv line 2, column 1: a quote inside an unquoted field/);
  });
});

describe('typed rows and bad rows', () => {
  const text = 'id,income,member\n1,52000,yes\n2,abc,no\n3,,true\n4,61000\n';

  it('throws on the first bad row, naming file, line and column', () => {
    expect(() => parseCsv(text, { source: 'loans.csv', schema: { id: 'integer', income: 'number', member: 'boolean' } })).toThrow(
      'loans.csv line 3, column `income`: expected a decimal number, received "abc".',
    );
  });

  it('collects bad rows with their lines; nothing is dropped silently', () => {
    const result = parseCsv(text, { source: 'loans.csv', schema: { id: 'integer', income: 'number', member: 'boolean' }, onBadRow: 'collect' });
    expect(result.rows).toEqual([{ id: 1, income: 52000, member: true }]);
    expect(result.skippedRows).toBe(3);
    expect(result.badRows.map((b) => [b.line, b.message])).toEqual([
      [3, 'loans.csv line 3, column `income`: expected a decimal number, received "abc".'],
      [4, "loans.csv line 4, column `income`: missing value \"\" in a number column whose `missing` is 'error' (set it, or onMissing, to null, 'skip' or a fill value)."],
      [5, 'loans.csv line 5: expected 3 fields (as in the header), received 2.'],
    ]);
    const skipped = parseCsv(text, { schema: { income: 'number' }, onBadRow: 'skip' });
    expect(skipped.skippedRows).toBe(3);
    expect(skipped.badRows).toEqual([]);
  });

  it('names schema columns missing from the header and duplicate header names', () => {
    expect(() => parseCsv('a,b\n1,2\n', { schema: { c: 'number' }, source: 's.csv' })).toThrow('s.csv: the schema names column `c`, which the header does not have (columns: a, b).');
    expect(() => parseCsv('a,a\n1,2\n')).toThrow(/header names column `a` twice/);
  });
});
