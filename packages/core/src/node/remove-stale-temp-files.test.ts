import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleTempFiles } from './remove-stale-temp-files.js';

describe('removeStaleTempFiles', () => {
  it('removes temporary files whose writer has exited and keeps live writers, this process and other files', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'loom-core-'));
    // A pid that certainly belonged to a process that has ended.
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const names = [
      `ckpt.json.${deadPid}.abc123.tmp`,
      `ckpt.json.${process.pid}.def456.tmp`,
      `ckpt.json.${process.ppid}.ghi789.tmp`,
      'ckpt.json',
      'notes.tmp',
    ];
    for (const name of names) writeFileSync(join(folder, name), 'x');
    const removed = await removeStaleTempFiles(folder);
    expect(removed).toEqual([join(folder, names[0]!)]);
    expect(readdirSync(folder).sort()).toEqual(names.slice(1).sort());
  });

  it('returns [] for a missing folder', async () => {
    expect(await removeStaleTempFiles(join(tmpdir(), 'loom-core-missing-folder-x'))).toEqual([]);
  });
});
