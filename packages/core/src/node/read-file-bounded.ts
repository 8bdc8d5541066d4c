import { open } from 'node:fs/promises';
import { FileRefusedError } from '../errors.js';

/** Options of `readFileBounded`: the size limit (required, so no read is unbounded) and a name for messages. */
export interface ReadFileBoundedOptions {
  /** Refuse files larger than this many bytes (checked before reading). */
  maxBytes: number;
  /** What the file is, for error messages (e.g. "weights file"). Default "file". */
  what?: string;
}

/**
 * Reads a whole regular file of at most `maxBytes` bytes. Devices (`/dev/zero`), FIFOs and
 * folders are refused before a byte is read, and a file that grows while it is read is refused
 * too, so memory never exceeds `maxBytes` whatever the path points at.
 *
 * @example
 * const bytes = await readFileBounded('model/weights.bin', { maxBytes: 256 * 2 ** 20, what: 'weights file' });
 */
export async function readFileBounded(path: string, options: ReadFileBoundedOptions): Promise<Uint8Array> {
  const { maxBytes } = options;
  const what = options.what ?? 'file';
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new FileRefusedError(`Invalid value for \`maxBytes\` in readFileBounded. Expected a non-negative integer. Received: ${maxBytes}.`);
  }
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FileRefusedError(`The ${what} ${path} does not exist.`);
    if (code === 'EISDIR') throw new FileRefusedError(`The ${what} ${path} is a folder, not a file.`);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new FileRefusedError(`The ${what} ${path} is not a regular file (a device, pipe or folder); refused.`);
    if (info.size > maxBytes) {
      throw new FileRefusedError(`The ${what} ${path} has ${info.size} bytes, more than the limit of ${maxBytes} (raise maxBytes if you trust it).`);
    }
    // One byte more than the size, to notice a file that grew after stat.
    const buffer = new Uint8Array(info.size + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > info.size) throw new FileRefusedError(`The ${what} ${path} grew while it was read; refused.`);
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
