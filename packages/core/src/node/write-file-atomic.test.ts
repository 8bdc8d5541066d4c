import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file-atomic.js';

describe('writeFileAtomic', () => {
  it('writes bytes and text, creating missing folders, and leaves no temporary file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'loom-core-'));
    await writeFileAtomic(join(folder, 'a/b/weights.bin'), new Uint8Array([1, 2, 3]));
    await writeFileAtomic(join(folder, 'a/b/model.json'), '{"x":1}');
    expect([...readFileSync(join(folder, 'a/b/weights.bin'))]).toEqual([1, 2, 3]);
    expect(readFileSync(join(folder, 'a/b/model.json'), 'utf8')).toBe('{"x":1}');
    expect(readdirSync(join(folder, 'a/b')).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('replaces a previous file whole', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'loom-core-'));
    const file = join(folder, 'f.txt');
    writeFileSync(file, 'old contents that are longer');
    await writeFileAtomic(file, 'new', { fsync: false });
    expect(readFileSync(file, 'utf8')).toBe('new');
  });

  it('keeps the previous file and removes its temporary file when the rename fails', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'loom-core-'));
    // The target is a non-empty folder, so rename() fails after the temporary file was written.
    const target = join(folder, 'occupied');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'kept');
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect(readdirSync(folder)).toEqual(['occupied']);
    expect(readFileSync(join(target, 'keep.txt'), 'utf8')).toBe('kept');
  });
});
