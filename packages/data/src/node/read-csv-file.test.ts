import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCsvFile } from '../node.js';

describe('readCsvFile', () => {
  it('reads plain and gzipped files (gzip found by its magic bytes, whatever the name)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-csv-'));
    writeFileSync(join(dir, 'x.csv'), 'n\n1\n2\n');
    writeFileSync(join(dir, 'x.csv.gz'), gzipSync('n\n1\n2\n'));
    writeFileSync(join(dir, 'packed.csv'), gzipSync('n\n1\n2\n'));
    for (const file of ['x.csv', 'x.csv.gz', 'packed.csv']) {
      const { rows, columns } = await readCsvFile(join(dir, file), { schema: { n: 'integer' } });
      expect(rows).toEqual([{ n: 1 }, { n: 2 }]);
      expect(columns).toEqual(['n']);
    }
  });

  it('names missing files and folders, and the file and line of a bad value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-csv-'));
    await expect(readCsvFile(join(dir, 'nope.csv'))).rejects.toThrow(/Cannot read CSV file .*nope\.csv: no such file/);
    await expect(readCsvFile(dir)).rejects.toThrow(/Cannot read CSV file .*: it is a folder/);
    writeFileSync(join(dir, 'bad.csv'), 'n\n1\nx\n');
    await expect(readCsvFile(join(dir, 'bad.csv'), { schema: { n: 'integer' } })).rejects.toThrow(`${join(dir, 'bad.csv')} line 3, column \`n\`: expected an integer, received "x".`);
  });
});
