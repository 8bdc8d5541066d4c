import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRefusedError } from '../errors.js';
import { readFileBounded } from './read-file-bounded.js';

describe('readFileBounded', () => {
  const folder = mkdtempSync(join(tmpdir(), 'loom-core-'));
  const file = join(folder, 'w.bin');
  writeFileSync(file, new Uint8Array([9, 8, 7, 6]));

  it('reads a regular file within the limit', async () => {
    expect([...(await readFileBounded(file, { maxBytes: 4 }))]).toEqual([9, 8, 7, 6]);
  });

  it('refuses a file over the limit before reading it, naming sizes and limit', async () => {
    await expect(readFileBounded(file, { maxBytes: 3, what: 'weights file' })).rejects.toThrow(
      new FileRefusedError(`The weights file ${file} has 4 bytes, more than the limit of 3 (raise maxBytes if you trust it).`),
    );
  });

  it('refuses /dev/zero and /dev/urandom (devices never end)', async () => {
    for (const device of ['/dev/zero', '/dev/urandom']) {
      await expect(readFileBounded(device, { maxBytes: 1e9 })).rejects.toThrow(/is not a regular file/);
    }
  });

  it('refuses a folder and names a missing file', async () => {
    await expect(readFileBounded(folder, { maxBytes: 10 })).rejects.toThrow(FileRefusedError);
    await expect(readFileBounded(join(folder, 'nope'), { maxBytes: 10, what: 'model header' })).rejects.toThrow(
      `The model header ${join(folder, 'nope')} does not exist.`,
    );
  });
});
