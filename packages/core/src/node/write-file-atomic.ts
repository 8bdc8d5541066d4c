import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempNameFor } from './temp-name.js';

/** Options of `writeFileAtomic`. */
export interface WriteFileAtomicOptions {
  /**
   * Flush the file and its folder to the disk before returning (default true), so that after a
   * power cut the path holds the old contents or the new, never a truncated file.
   */
  fsync?: boolean;
}

async function fsyncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) and file systems cannot open or sync a folder; the file itself is synced.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `data` beside `file` under a temporary name, flushes it, then renames it into place:
 * readers see the previous file or the new one, never half of one. If anything fails the
 * temporary file is removed and the previous `file` is untouched. Creates missing folders.
 *
 * @example
 * await writeFileAtomic('runs/model/weights.bin', bytes);
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string, options: WriteFileAtomicOptions = {}): Promise<void> {
  const sync = options.fsync ?? true;
  const folder = dirname(file);
  await mkdir(folder, { recursive: true });
  const temporary = tempNameFor(file);
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(data);
      if (sync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  if (sync) await fsyncFolder(folder);
}
