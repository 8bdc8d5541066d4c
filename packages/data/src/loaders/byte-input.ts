import { DataError } from '../errors.js';

/** Bytes in memory or on their way: what the browser-friendly readers accept. */
export type ByteInput = ArrayBuffer | ArrayBufferView | Blob | Response | ReadableStream<Uint8Array>;

/** Default byte limit of `readIdx` and of downloads (256 MiB): MNIST's largest file is 47 MB. */
export const DEFAULT_MAX_BYTES = 256 * 2 ** 20;

const GZIP_MAGIC = [0x1f, 0x8b];

/** True for gzip-compressed bytes (the first two bytes are 1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

export function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob;
}

/** A fetch `Response` (checked by shape too, so a polyfilled or cross-realm one works). */
export function isResponse(value: unknown): value is Response {
  if (typeof Response !== 'undefined' && value instanceof Response) return true;
  const candidate = value as Partial<Response> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.status === 'number' && typeof candidate.ok === 'boolean' && 'body' in candidate && typeof candidate.headers === 'object';
}

export function isReadableStream(value: unknown): value is ReadableStream {
  return typeof value === 'object' && value !== null && typeof (value as ReadableStream).getReader === 'function';
}

/** The body of a response, or a named error for an HTTP failure. */
export function responseBody(response: Response, source: string): ReadableStream<Uint8Array> | null {
  if (!response.ok) throw new DataError(`${source}: the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}, not the data.`);
  return response.body;
}

/** Reads a Web stream chunk by chunk through `getReader` (not every browser makes streams async-iterable). */
export async function* readStream<T>(stream: ReadableStream<T>): AsyncGenerator<T> {
  const reader = stream.getReader();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // Stopped early (an error or a consumer that breaks out): cancel, so the source stops too.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function asUint8Array(chunk: unknown, source: string): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new DataError(`${source}: expected byte chunks (Uint8Array), received ${typeof chunk}.`);
}

/** The bytes of any `ByteInput` as a stream of chunks. */
export async function* byteChunks(input: ByteInput, source: string): AsyncGenerator<Uint8Array> {
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) {
    yield asUint8Array(input, source);
    return;
  }
  let stream: ReadableStream<Uint8Array> | null;
  if (isBlob(input)) stream = input.stream() as ReadableStream<Uint8Array>;
  else if (isResponse(input)) stream = responseBody(input, source);
  else if (isReadableStream(input)) stream = input;
  else throw new DataError(`${source}: expected an ArrayBuffer, a typed array, a Blob, a fetch Response or a ReadableStream of bytes; received ${Object.prototype.toString.call(input)}.`);
  if (stream === null) return;
  for await (const chunk of readStream(stream)) yield asUint8Array(chunk, source);
}

/**
 * Inflates a gzip stream with the platform's `DecompressionStream` (browsers, Node.js 18+),
 * chunk by chunk: nothing is held beyond what the consumer keeps.
 */
export async function* gunzipChunks(chunks: AsyncIterable<Uint8Array>, source: string): AsyncGenerator<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new DataError(`${source} is gzip-compressed and this runtime has no DecompressionStream; decompress it first.`);
  }
  const iterator = chunks[Symbol.asyncIterator]();
  const compressed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  try {
    yield* readStream(compressed.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>));
  } catch (error) {
    if (error instanceof DataError) throw error;
    // DecompressionStream reports corrupt or truncated input as a bare TypeError.
    throw new DataError(`${source}: the gzip data is corrupt or truncated (${(error as Error).message}).`);
  }
}

/**
 * Passes chunks through, inflating them first when they start with the gzip magic bytes
 * (text never starts with 1f 8b: 0x1f is a control character).
 */
export async function* gunzipIfCompressed(chunks: AsyncIterable<Uint8Array>, source: string): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let done = false;
  while (headBytes < 2) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
  }
  const first = head.length === 1 ? head[0]! : concatBytes(head, headBytes);
  async function* all(): AsyncGenerator<Uint8Array> {
    if (first.length > 0) yield first;
    if (done) return;
    try {
      while (true) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  yield* isGzip(first) ? gunzipChunks(all(), source) : all();
}

export function concatBytes(chunks: readonly Uint8Array[], total = chunks.reduce((sum, chunk) => sum + chunk.length, 0)): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Options of `readBytes`: a name for error messages, the size limit, gzip and cancelling. */
export interface ReadBytesOptions {
  /** Names the input in errors (a file name or URL). */
  source?: string;
  /** Refuse more than this many bytes, compressed or inflated (default 256 MiB). */
  maxBytes?: number;
  /** Inflate gzip input (detected by its magic bytes). Default true. */
  gunzip?: boolean;
  /** Stops reading when aborted. */
  signal?: AbortSignal;
}

function checkMaxBytes(maxBytes: number, where: string): void {
  if (!(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) {
    throw new DataError(`Invalid value for \`maxBytes\` in ${where}. Expected a non-negative integer. Received: ${String(maxBytes)}.`);
  }
}

function tooLarge(source: string, maxBytes: number, what: string): DataError {
  return new DataError(`${source} is larger than maxBytes (${maxBytes} bytes${what}); refused. Raise maxBytes if you trust it.`);
}

/**
 * Reads every byte of an ArrayBuffer, typed array, Blob, fetch Response or byte stream into one
 * `Uint8Array`, refusing more than `maxBytes` (checked against a Response's Content-Length and
 * a Blob's size before reading, and while reading, so memory stays bounded), and inflating gzip
 * input (the limit applies to the inflated bytes too: a gzip bomb stops at the limit).
 *
 * @example
 * const bytes = await readBytes(await fetch('/data/train-labels-idx1-ubyte.gz'), { maxBytes: 1e6 });
 */
export async function readBytes(input: ByteInput, options: ReadBytesOptions = {}): Promise<Uint8Array> {
  const source = options.source ?? (isResponse(input) && input.url ? input.url : 'the input');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  checkMaxBytes(maxBytes, 'readBytes');
  const { signal } = options;
  signal?.throwIfAborted();
  if (isBlob(input) && input.size > maxBytes) throw tooLarge(source, maxBytes, `; it has ${input.size}`);
  if (isResponse(input) && input.ok) {
    const declared = Number(input.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(source, maxBytes, `; Content-Length says ${declared}`);
  }
  const counted = async function* (chunks: AsyncIterable<Uint8Array>, what: string): AsyncGenerator<Uint8Array> {
    let total = 0;
    for await (const chunk of chunks) {
      signal?.throwIfAborted();
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(source, maxBytes, what);
      yield chunk;
    }
  };
  let chunks: AsyncIterable<Uint8Array> = counted(byteChunks(input, source), '');
  if (options.gunzip !== false) chunks = counted(gunzipIfCompressed(chunks, source), ' once inflated');
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  signal?.throwIfAborted();
  return parts.length === 1 && parts[0]!.byteOffset === 0 ? parts[0]! : concatBytes(parts);
}
