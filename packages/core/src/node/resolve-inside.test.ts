import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRefusedError } from '../errors.js';
import { resolveInside } from './resolve-inside.js';

describe('resolveInside', () => {
  const root = mkdtempSync(join(tmpdir(), 'loom-core-'));
  const folder = join(root, 'model');
  mkdirSync(join(folder, 'shards'), { recursive: true });
  writeFileSync(join(folder, 'weights.bin'), 'w');
  writeFileSync(join(root, 'secret.txt'), 's');
  symlinkSync(join(root, 'secret.txt'), join(folder, 'link-out.bin'));
  symlinkSync(join(folder, 'weights.bin'), join(folder, 'link-in.bin'));

  it('resolves names inside the folder, including sub-folders and links that stay inside', () => {
    expect(resolveInside(folder, 'weights.bin', 'weightsFile')).toBe(join(folder, 'weights.bin'));
    expect(resolveInside(folder, 'shards/a.bin', 'weightsFile')).toBe(join(folder, 'shards/a.bin'));
    expect(resolveInside(folder, './link-in.bin', 'weightsFile')).toBe(join(folder, 'link-in.bin'));
  });

  it.each([
    ['../../../../../etc/passwd', "contains '..'"],
    ['shards/../../secret.txt', "contains '..'"],
    ['/etc/passwd', 'is an absolute path'],
    ['C:\\Windows\\win.ini', 'is an absolute path'],
    ['', 'is not a file name'],
    ['a\0b', 'contains a NUL byte'],
    ['.', 'leads outside the folder'],
    ['link-out.bin', 'is a link that leads outside the folder'],
  ])('refuses %j (%s)', (name, why) => {
    expect(() => resolveInside(folder, name, 'weightsFile')).toThrow(FileRefusedError);
    expect(() => resolveInside(folder, name, 'weightsFile')).toThrow(why);
  });

  it('refuses a non-string name, naming the field', () => {
    expect(() => resolveInside(folder, 42, 'weightsFile')).toThrow('Invalid value for `weightsFile`: 42 is not a file name');
  });
});
