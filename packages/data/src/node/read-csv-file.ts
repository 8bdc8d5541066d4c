import { open } from 'node:fs/promises';
import { DataError } from '../errors.js';
import { readCsv, type CsvOptions, type CsvReport, type CsvRowOf, type CsvSchema, type MissingPolicy } from '../loaders/csv.js';

/**
 * Reads a CSV file (Node.js): streamed through the same parser as `readCsv`, so memory stays
 * bounded by the rows kept; gzip-compressed files (`.csv.gz`) are inflated, detected by their
 * first bytes. Errors name the path and line.
 *
 * @example
 * import { readCsvFile } from '@loom-ml/data/node';
 * const { rows, skippedRows } = await readCsvFile('loans.csv.gz', { schema: { amount: 'number' }, onBadRow: 'collect' });
 */
export async function readCsvFile<const S extends CsvSchema = {}, const M extends MissingPolicy = 'error'>(
  path: string,
  options: Omit<CsvOptions<S, M>, 'source'> = {},
): Promise<{ rows: CsvRowOf<S, M>[]; columns: string[] } & CsvReport> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(`Cannot read CSV file ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  const stream = handle.createReadStream();
  try {
    if ((await handle.stat()).isDirectory()) throw new DataError(`Cannot read CSV file ${path}: it is a folder.`);
    return await readCsv(stream, { ...options, source: path });
  } finally {
    stream.destroy();
  }
}
