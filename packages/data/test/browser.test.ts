// @loom-ml/data in headless Chromium: a page bundled from dist/index.js (esbuild, platform
// browser, no externals) parses CSV from a string, a Blob and a fetch Response (gzipped too),
// streams it through a Dataset into tensor batches, and reads a gzipped IDX file.
import { gzipSync } from 'node:zlib';
import { openPage } from '@loom-ml/test-utils/browser';
import { afterAll, describe, expect, it } from 'vitest';

const CSV = 'income,age,defaulted,note\n52000,31,0,"first, with a comma"\n18000,22,1,\nabc,40,0,bad income\n61000,45,0,"says ""hi"""\n';
const POINTS = `x,y\n${Array.from({ length: 10 }, (_, i) => `${i * 1.5},${i % 3 === 0 ? 1 : 0}`).join('\n')}\n`;
// IDX: 0x00000801 (unsigned bytes, rank 1), the length as a big-endian int32, then the bytes.
const LABELS = [7, 2, 1, 0, 4];
const IDX = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, LABELS.length, ...LABELS]);

// At the top level, not in beforeAll: a missing browser fails this file instead of skipping its tests.
const opened = await openPage({
  entry: new URL('./browser-page.ts', import.meta.url),
  packageDir: new URL('..', import.meta.url),
  files: { 'data/loans.csv': CSV, 'data/points.csv.gz': gzipSync(POINTS), 'data/labels-idx1-ubyte.gz': gzipSync(IDX) },
});
afterAll(() => opened.close());

type Parsed = { rows: Record<string, unknown>[]; badRows: { line: number; message: string }[] };

function expectLoans(parsed: Parsed, source: string) {
  expect(parsed.rows).toEqual([
    { income: 52000, age: 31, defaulted: 0, note: 'first, with a comma' },
    { income: 18000, age: 22, defaulted: 1, note: '' }, // columns outside the schema stay text
    { income: 61000, age: 45, defaulted: 0, note: 'says "hi"' },
  ]);
  expect(parsed.badRows).toHaveLength(1);
  expect(parsed.badRows[0]!.line).toBe(4);
  expect(parsed.badRows[0]!.message.startsWith(`${source} line 4, column \`income\``)).toBe(true);
}

describe('@loom-ml/data in Chromium', () => {
  it('parses a CSV string: quoted fields, missing values, a bad row reported with its line', async () => {
    expectLoans(await opened.call<Parsed>('csvFromString'), 'loans.csv');
  });

  it('reads the same CSV from a Blob and from a fetch Response', async () => {
    expectLoans(await opened.call<Parsed>('csvFromBlob'), 'loans.csv');
    expectLoans(await opened.call<Parsed>('csvFromFetch', 'data/loans.csv'), 'data/loans.csv');
  });

  it('streams a gzipped CSV from fetch through a Dataset into scaled tensor batches, leaking no tensor', async () => {
    const result = await opened.call<{ count: number; shapes: number[][]; ySum: number; mean: { offset: number[]; scale: number[] }; leaked: number }>('streamToBatches', 'data/points.csv.gz');
    expect(result.count).toBe(10);
    expect(result.shapes).toEqual([[4, 1], [4, 1], [2, 1]]);
    expect(result.ySum).toBe(4); // rows 0, 3, 6, 9
    expect(result.mean.offset[0]).toBeCloseTo(6.75, 10); // mean of 0, 1.5, ..., 13.5
    expect(result.leaked).toBe(0);
  });

  it('reads a gzipped IDX file from fetch', async () => {
    expect(await opened.call('idxFromFetch', 'data/labels-idx1-ubyte.gz')).toEqual({ shape: [5], values: LABELS });
  });
});
