import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DatasetError } from './errors.js';

/**
 * Path of a gzipped CSV shipped in this package's `data/` folder (beside `dist/` and `src/`).
 *
 * @example
 * const path = shippedDataFile('shuttle.csv.gz');
 */
export function shippedDataFile(name: string): string {
  return fileURLToPath(new URL(`../data/${name}`, import.meta.url));
}

/** Throws a DatasetError naming `path` and what to do when a data file is missing. */
export async function requireFile(path: string, where: string, help: string): Promise<void> {
  await access(path).catch(() => {
    throw new DatasetError(`${where}: cannot read ${path}: no such file. ${help}`);
  });
}
