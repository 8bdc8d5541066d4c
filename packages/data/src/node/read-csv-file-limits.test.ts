import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvError } from '../index.js';
import { readCsvFile } from '../node.js';

// Issue 18 item 4: one stray quote on line 2 of a big numeric CSV made the whole rest of the
// file one field (about 32 bytes of heap per character) until `FATAL ERROR: Reached heap
// limit`. The file is generated here (streamed to the temp folder, never committed).
const megabytes = 48;
let dir: string;
let path: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loom-csv-limits-'));
  path = join(dir, 'stray-quote.csv');
  const out = createWriteStream(path);
  out.write('id,amount,score\n1,"12.5,0.25\n'); // the quote opened on line 2 never closes
  const block = Array.from({ length: 5000 }, (_, i) => `${i + 3},${(i * 7.31) % 1000},${i % 97}\n`).join('');
  for (let written = 0; written < megabytes * 2 ** 20; written += block.length) {
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readCsvFile on a large file with an unclosed quote', () => {
  it('ends in a CsvError naming line 2 with memory bounded (RSS grows < 64 MB for a 48 MB file)', async () => {
    expect(statSync(path).size).toBeGreaterThan(megabytes * 2 ** 20);
    const rssBefore = process.memoryUsage.rss();
    let rssMax = rssBefore;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage.rss())), 5);
    const started = performance.now();
    const error = await readCsvFile(path, { schema: { id: 'integer', amount: 'number', score: 'integer' } }).catch((e: unknown) => e);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    rssMax = Math.max(rssMax, process.memoryUsage.rss());
    expect(error).toBeInstanceOf(CsvError);
    expect(error).toMatchObject({ reason: 'field-too-large', line: 2, column: 2 });
    expect((error as Error).message).toBe(
      `${path} line 2, column 2: a field is longer than maxFieldBytes (1048576 bytes); its opening quote on this line is probably never closed. Raise maxFieldBytes if fields this long are expected.`,
    );
    // The parser stops at the limit (1 MiB) instead of reading the 48 MB into one field.
    expect((rssMax - rssBefore) / 2 ** 20).toBeLessThan(64);
    expect(seconds).toBeLessThan(5);
  });

  it('a raised limit moves the bound with it, and a record limit bounds many short fields', async () => {
    await expect(readCsvFile(path, { maxFieldBytes: 4 * 2 ** 20, maxRecordBytes: 8 * 2 ** 20 })).rejects.toThrow(/line 2, column 2: a field is longer than maxFieldBytes \(4194304 bytes\)/);
    const { parseCsv } = await import('../index.js');
    expect(() => parseCsv(`a\n${','.repeat(5000)}\n`, { maxRecordBytes: 4096, source: 'wide.csv' })).toThrow(
      'wide.csv line 2: a record is longer than maxRecordBytes (4096 bytes). Raise maxRecordBytes if records this long are expected.',
    );
    expect(() => parseCsv('a\n1\n', { maxFieldBytes: 0 })).toThrow('Invalid value for `maxFieldBytes` in CsvParser. Expected a positive integer (bytes). Received: 0.');
  });
});
