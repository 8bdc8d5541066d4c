import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { atomicWriteFile } from './index.js';

describe('atomicWriteFile', () => {
  it('replaces the file, and a failed rename keeps the old contents and removes the temporary file', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'loom-train-atomic-'));
    try {
      const file = path.join(directory, 'a.txt');
      await atomicWriteFile(file, 'one');
      await atomicWriteFile(file, 'two');
      expect(await readFile(file, 'utf8')).toBe('two');
      const fs = await import('node:fs/promises');
      await expect(
        atomicWriteFile(file, 'three', {
          writeFile: (f, c) => fs.writeFile(f, c),
          rename: async () => {
            throw new Error('rename failed');
          },
          rm: (f) => fs.rm(f, { force: true }),
        }),
      ).rejects.toThrow('rename failed');
      expect(await readFile(file, 'utf8')).toBe('two');
      expect(await readdir(directory)).toEqual(['a.txt']);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
