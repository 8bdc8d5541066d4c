import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseIdx, readIdxFile } from '../index.js';

/** Builds an IDX file by hand: magic, big-endian dims, big-endian values. */
function idx(type: number, shape: number[], values: number[], bytesPer: number): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * shape.length + values.length * bytesPer);
  const view = new DataView(bytes.buffer);
  bytes[2] = type;
  bytes[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const start = 4 + 4 * shape.length;
  values.forEach((v, i) => {
    const o = start + i * bytesPer;
    if (type === 0x08) view.setUint8(o, v);
    else if (type === 0x0b) view.setInt16(o, v, false);
    else if (type === 0x0c) view.setInt32(o, v, false);
    else if (type === 0x0d) view.setFloat32(o, v, false);
  });
  return bytes;
}

describe('parseIdx', () => {
  it('reads unsigned bytes with their shape', () => {
    const parsed = parseIdx(idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255], 1));
    expect(parsed.shape).toEqual([2, 3]);
    expect(parsed.dtype).toBe('uint8');
    expect(Array.from(parsed.data)).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('converts big-endian int16, int32 and float32', () => {
    expect(Array.from(parseIdx(idx(0x0b, [3], [-2, 300, 7], 2)).data)).toEqual([-2, 300, 7]);
    expect(Array.from(parseIdx(idx(0x0c, [2], [-70000, 123456], 4)).data)).toEqual([-70000, 123456]);
    expect(Array.from(parseIdx(idx(0x0d, [2], [1.5, -0.25], 4)).data)).toEqual([1.5, -0.25]);
  });

  it('names truncated files and wrong magic bytes', () => {
    const full = idx(0x08, [2, 2], [1, 2, 3, 4], 1);
    expect(() => parseIdx(full.subarray(0, full.length - 1), 'labels.idx')).toThrow(/labels\.idx has 15 bytes but its header \[2, 2\] of uint8 needs 16/);
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4]), 'x.csv')).toThrow(/x\.csv is not an IDX file: expected the magic bytes 00 00/);
    expect(() => parseIdx(gzipSync(full))).toThrow(/gzip-compressed/);
  });

  it('reads plain and gzipped files from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-idx-'));
    const bytes = idx(0x08, [4], [5, 0, 4, 1], 1);
    writeFileSync(join(dir, 'plain'), bytes);
    writeFileSync(join(dir, 'packed.gz'), gzipSync(bytes));
    expect(Array.from((await readIdxFile(join(dir, 'plain'))).data)).toEqual([5, 0, 4, 1]);
    expect(Array.from((await readIdxFile(join(dir, 'packed.gz'))).data)).toEqual([5, 0, 4, 1]);
    await expect(readIdxFile(join(dir, 'missing'))).rejects.toThrow(/Cannot read IDX file .*missing/);
  });
});
