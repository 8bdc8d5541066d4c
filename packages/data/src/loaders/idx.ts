import { DataError } from '../errors.js';
import { isGzip, isResponse, readBytes, type ByteInput } from './byte-input.js';

/** The element types IDX files declare in their third magic byte. */
const IDX_TYPES = {
  0x08: { name: 'uint8', bytes: 1, array: Uint8Array },
  0x09: { name: 'int8', bytes: 1, array: Int8Array },
  0x0b: { name: 'int16', bytes: 2, array: Int16Array },
  0x0c: { name: 'int32', bytes: 4, array: Int32Array },
  0x0d: { name: 'float32', bytes: 4, array: Float32Array },
  0x0e: { name: 'float64', bytes: 8, array: Float64Array },
} as const;

/** The typed array an IDX file's values are read into, by the file's type byte (uint8, int8, int16, int32, float32, float64). */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An IDX file's contents, as `parseIdx`, `readIdx` and `readIdxFile` return them: its values, dimensions and element type. */
export interface IdxArray {
  /** Values in row-major order, converted from the file's big-endian layout. */
  data: IdxData;
  /** The file's dimensions, e.g. [60000, 28, 28] for MNIST's training images. */
  shape: number[];
  /** The file's element type. */
  dtype: (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['name'];
}

/**
 * Parses an IDX file (the MNIST format: "0 0 type rank", big-endian int32 dimensions, then
 * big-endian values). `source` names the file in errors. Gzipped input must be inflated first
 * (`readIdx` does it anywhere, `readIdxFile` for files in Node.js).
 *
 * @example
 * const { data, shape } = parseIdx(bytes); // shape [60000, 28, 28] for MNIST training images
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  if (isGzip(bytes)) throw new DataError(`${source} is gzip-compressed; inflate it first (readIdx and readIdxFile do it).`);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(`${source} is not an IDX file: expected the magic bytes 00 00 <type> <rank>, received ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}.`);
  }
  const type = IDX_TYPES[bytes[2] as keyof typeof IDX_TYPES];
  if (type === undefined) throw new DataError(`${source} declares element type 0x${bytes[2]!.toString(16)}; IDX defines 0x08, 0x09, 0x0b, 0x0c, 0x0d and 0x0e.`);
  const rank = bytes[3]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new DataError(`${source} ends inside its header (${bytes.length} bytes, header needs ${headerBytes}).`);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) {
    throw new DataError(`${source} has ${bytes.length} bytes but its header [${shape.join(', ')}] of ${type.name} needs ${expected}; the file is truncated or corrupt.`);
  }
  let data: IdxData;
  if (type.bytes === 1) {
    data = new type.array(bytes.buffer.slice(bytes.byteOffset + headerBytes, bytes.byteOffset + expected) as ArrayBuffer);
  } else {
    const out = new type.array(count);
    const read = {
      2: (o: number) => view.getInt16(o, false),
      4: type.name === 'float32' ? (o: number) => view.getFloat32(o, false) : (o: number) => view.getInt32(o, false),
      8: (o: number) => view.getFloat64(o, false),
    }[type.bytes as 2 | 4 | 8];
    for (let i = 0; i < count; i++) out[i] = read(headerBytes + i * type.bytes);
    data = out;
  }
  return { data, shape, dtype: type.name };
}

/** Options of `readIdx`. */
export interface ReadIdxOptions {
  /** Names the input in errors (a file name or URL). */
  source?: string;
  /** Refuse inputs larger than this many bytes, compressed or inflated. Default 256 MiB. */
  maxBytes?: number;
  /** Stops reading when aborted. */
  signal?: AbortSignal;
}

/**
 * Reads an IDX array from bytes in memory, a `Blob`/`File`, a fetch `Response` or a byte
 * stream, inflating gzip (with the platform's `DecompressionStream`, in browsers and Node.js).
 * More than `maxBytes` (default 256 MiB), compressed or inflated, is refused while reading.
 *
 * @example
 * const labels = await readIdx(await fetch('/mnist/t10k-labels-idx1-ubyte.gz'), { maxBytes: 1e6 });
 */
export async function readIdx(input: ByteInput, options: ReadIdxOptions = {}): Promise<IdxArray> {
  const source = options.source ?? (isResponse(input) && input.url ? input.url : 'IDX data');
  const bytes = await readBytes(input, { ...options, source });
  return parseIdx(bytes, source);
}
