import { readFileBounded } from '@loom-ml/core/node';
import { DEFAULT_MAX_BYTES } from '../loaders/byte-input.js';
import { readIdx, type IdxArray } from '../loaders/idx.js';

/** Options of `readIdxFile`. */
export interface ReadIdxFileOptions {
  /** Refuse files larger than this many bytes, compressed or inflated. Default 256 MiB. */
  maxBytes?: number;
}

/**
 * Reads an IDX file from disk (Node.js), inflating it when it is gzip-compressed. Only regular
 * files are read, and files over `maxBytes` (default 256 MiB; also the inflated size) are
 * refused before they are read.
 *
 * @example
 * import { readIdxFile } from '@loom-ml/data/node';
 * const labels = await readIdxFile('data/train-labels-idx1-ubyte.gz');
 */
export async function readIdxFile(path: string, options: ReadIdxFileOptions = {}): Promise<IdxArray> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = await readFileBounded(path, { maxBytes, what: 'IDX file' });
  return readIdx(bytes, { source: path, maxBytes });
}
