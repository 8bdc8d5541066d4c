import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_FILE_PATTERN } from './temp-name.js';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that `writeFileAtomic` left in `folder` when its process died
 * mid-write (its writer's pid is gone). Writes in progress, in this or another live process,
 * are left alone. Returns the paths removed.
 *
 * @example
 * await removeStaleTempFiles('runs/mnist'); // ['runs/mnist/checkpoint-000003.json.4711.k2j3.tmp']
 */
export async function removeStaleTempFiles(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP_FILE_PATTERN.exec(name);
    if (match === null) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || isRunning(pid)) continue;
    const path = join(folder, name);
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}
