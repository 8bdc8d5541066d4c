import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FileRefusedError } from '@loom-ml/core';
import { describe, expect, it } from 'vitest';
import { readIdxFile } from '../node.js';

// uint8 labels [5, 0, 4, 1]: magic 00 00 08 01, one big-endian dimension 4, then the values.
const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 4, 5, 0, 4, 1]);

describe('readIdxFile', () => {
  it('reads plain and gzipped files from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-idx-'));
    writeFileSync(join(dir, 'plain'), labels);
    writeFileSync(join(dir, 'packed.gz'), gzipSync(labels));
    expect(Array.from((await readIdxFile(join(dir, 'plain'))).data)).toEqual([5, 0, 4, 1]);
    expect(Array.from((await readIdxFile(join(dir, 'packed.gz'))).data)).toEqual([5, 0, 4, 1]);
  });

  it('refuses missing files, devices and files over maxBytes before reading them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-idx-'));
    writeFileSync(join(dir, 'plain'), labels);
    await expect(readIdxFile(join(dir, 'missing'))).rejects.toThrow(/The IDX file .*missing does not exist/);
    await expect(readIdxFile('/dev/zero')).rejects.toThrow(FileRefusedError);
    await expect(readIdxFile(join(dir, 'plain'), { maxBytes: 11 })).rejects.toThrow(/has 12 bytes, more than the limit of 11/);
  });
});
