import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The file operations `atomicWriteFile` uses; tests replace them to simulate failures. */
export interface AtomicWriteIo {
  writeFile(file: string, contents: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(file: string): Promise<void>;
}

const nodeIo: AtomicWriteIo = {
  writeFile: (file, contents) => fs.writeFile(file, contents, 'utf8'),
  rename: (from, to) => fs.rename(from, to),
  rm: (file) => fs.rm(file, { force: true }),
};

/**
 * Writes `contents` to a temporary file beside `file` and renames it into place, so readers
 * see the old file or the new one, never half a file. On failure the temporary file is
 * removed and the previous `file` is left untouched.
 *
 * @example
 * await atomicWriteFile('runs/history.json', JSON.stringify(history));
 */
export async function atomicWriteFile(file: string, contents: string, io: AtomicWriteIo = nodeIo): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  // pid + random suffix: two writers of the same file never share a temporary file.
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await io.writeFile(temporary, contents);
    await io.rename(temporary, file);
  } catch (error) {
    await io.rm(temporary).catch(() => undefined);
    throw error;
  }
}
