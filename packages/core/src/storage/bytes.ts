import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';
import { FileRefusedError, describeValue } from '../errors.js';
import { DEFAULT_MAX_BYTES } from '../container/container.js';

/**
 * Where `loadBytes` reads from: `'indexeddb://name'`, an `http(s)://` URL (a `URL` object
 * too; in a page, a relative URL such as `'models/digits.loom'`), a `Blob` or `File`, or bytes.
 */
export type ByteSource = string | URL | Blob | ArrayBuffer | ArrayBufferView;

/**
 * Options of `loadBytes`.
 *
 * @example
 * await loadBytes('https://example.com/digits.loom', { maxBytes: 50e6, signal: AbortSignal.timeout(10_000) });
 */
export interface LoadBytesOptions {
  /** Refuse more than this many bytes (default 512 MiB); a download is stopped as soon as it passes the limit. */
  maxBytes?: number;
  /** Aborts a download (`AbortSignal.timeout(ms)`, or a controller's signal). */
  signal?: AbortSignal;
  /** What the bytes are, for error messages (default 'file'). */
  what?: string;
}

/** Options of `saveBytes`. */
export interface SaveBytesOptions {
  /** MIME type of a download (default 'application/octet-stream'). */
  mimeType?: string;
}

const INDEXEDDB = 'indexeddb://';
const DOWNLOADS = 'downloads://';
const DATABASE = 'loom-ml';
const STORE = 'files';

let store: { factory: unknown; use: UseStore } | undefined;

/** The Loom store, opened on first use (and again if the page's `indexedDB` was replaced, as tests do). */
function loomStore(): UseStore {
  const factory = (globalThis as { indexedDB?: unknown }).indexedDB;
  if (factory === undefined) {
    throw new FileRefusedError("IndexedDB is not available here: 'indexeddb://' URLs work in browsers (in Node.js tests, import 'fake-indexeddb/auto' first).");
  }
  if (store === undefined || store.factory !== factory) store = { factory, use: createStore(DATABASE, STORE) };
  return store.use;
}

function storedName(url: string): string {
  const name = url.slice(INDEXEDDB.length);
  if (name.length === 0 || name.length > 1024) throw new FileRefusedError(`Invalid value for the IndexedDB name in ${describeValue(url)}. Expected 'indexeddb://' followed by 1 to 1024 characters.`);
  return name;
}

function maxBytesOf(options: { maxBytes?: number }): number {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new FileRefusedError(`Invalid value for \`maxBytes\`. Expected a non-negative integer. Received: ${describeValue(maxBytes)}.`);
  return maxBytes;
}

function tooLarge(what: string, where: string, size: number | string, maxBytes: number): FileRefusedError {
  return new FileRefusedError(`The ${what} ${where} has ${size} bytes, more than the limit of ${maxBytes} (raise maxBytes if you trust it).`);
}

/** The URL a string names, or undefined for a string that is not one (resolved against the page in a browser). */
function asUrl(source: string | URL): URL | undefined {
  if (source instanceof URL) return source;
  const base = (globalThis as { location?: { href?: unknown } }).location?.href;
  try {
    return typeof base === 'string' ? new URL(source, base) : new URL(source);
  } catch {
    return undefined;
  }
}

async function fetchBounded(url: URL, maxBytes: number, what: string, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const response = await fetch(url, signal === undefined ? {} : { signal });
  const where = `at ${url.href}`;
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new FileRefusedError(`The ${what} ${where} could not be fetched: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`);
  }
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(what, where, declared, maxBytes);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    // Checked per chunk while streaming: a server that lies about (or omits) its length is cut off here.
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new FileRefusedError(`The ${what} ${where} sent more than the limit of ${maxBytes} bytes; the download was stopped (raise maxBytes if you trust it).`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads bytes from IndexedDB (`'indexeddb://name'`), an `http(s)` URL (streamed with `fetch`,
 * stopped as soon as it passes `maxBytes`, aborted by `signal`), a `Blob` or `File` (its size
 * checked before reading), or bytes (returned as a `Uint8Array` view, not copied). Runs in
 * browsers, workers and Node.js (IndexedDB only where it exists). Refusals are
 * `FileRefusedError`s that name the source; an abort rejects with the signal's reason
 * (an `AbortError` or `TimeoutError` `DOMException`).
 *
 * @example
 * const bytes = await loadBytes('indexeddb://digits');
 * const remote = await loadBytes('https://example.com/digits.loom', { maxBytes: 50e6, signal: AbortSignal.timeout(10_000) });
 * const picked = await loadBytes(input.files[0]); // a File from <input type="file">
 */
export async function loadBytes(source: ByteSource, options: LoadBytesOptions = {}): Promise<Uint8Array> {
  const maxBytes = maxBytesOf(options);
  const what = options.what ?? 'file';
  options.signal?.throwIfAborted();
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    if (bytes.byteLength > maxBytes) throw tooLarge(what, '(bytes given)', bytes.byteLength, maxBytes);
    return bytes;
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = typeof (source as { name?: unknown }).name === 'string' ? `'${(source as File).name}'` : '(Blob)';
    if (source.size > maxBytes) throw tooLarge(what, name, source.size, maxBytes);
    return new Uint8Array(await source.arrayBuffer());
  }
  if (typeof source === 'string' && source.startsWith(INDEXEDDB)) {
    const value: unknown = await get(storedName(source), loomStore());
    if (value === undefined) throw new FileRefusedError(`The ${what} ${source} does not exist (nothing was saved under that name in this origin's IndexedDB).`);
    const bytes = value instanceof Uint8Array ? value : value instanceof ArrayBuffer ? new Uint8Array(value) : undefined;
    if (bytes === undefined) throw new FileRefusedError(`The ${what} ${source} holds ${describeValue(value)}, not bytes saved by saveBytes.`);
    if (bytes.byteLength > maxBytes) throw tooLarge(what, source, bytes.byteLength, maxBytes);
    return bytes;
  }
  if (typeof source === 'string' || source instanceof URL) {
    const url = asUrl(source);
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new FileRefusedError(
        `Invalid value for \`source\`: ${describeValue(String(source))}. Expected 'indexeddb://name', an http(s) URL, a Blob or File, or bytes (in Node.js, read files with the package's /node entry).`,
      );
    }
    return fetchBounded(url, maxBytes, what, options.signal);
  }
  throw new FileRefusedError(`Invalid value for \`source\`: ${describeValue(source)}. Expected 'indexeddb://name', an http(s) URL, a Blob or File, or bytes.`);
}

/**
 * Offers bytes to the user as a file download (an `<a download>` click in a page). Throws a
 * `FileRefusedError` outside a page (Node.js, workers).
 *
 * @example
 * downloadBytes(bytes, 'digits.loom');
 */
export function downloadBytes(bytes: Uint8Array, fileName: string, options: SaveBytesOptions = {}): void {
  const document = (globalThis as { document?: Document }).document;
  if (document === undefined || typeof URL.createObjectURL !== 'function') {
    throw new FileRefusedError(`A download of '${fileName}' needs a page (document); in Node.js write the bytes to a file instead.`);
  }
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: options.mimeType ?? 'application/octet-stream' }));
  try {
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = fileName;
    anchor.style.display = 'none';
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
  } finally {
    // Revoked after the click has been handled, so the download keeps its data.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

/**
 * Saves bytes to this origin's IndexedDB (`'indexeddb://name'`, database 'loom-ml', store
 * 'files'; replaces what was there) or offers them as a download (`'downloads://file.loom'`).
 *
 * @example
 * await saveBytes('indexeddb://digits', bytes);
 * await saveBytes('downloads://digits.loom', bytes);
 */
export async function saveBytes(target: string, bytes: Uint8Array, options: SaveBytesOptions = {}): Promise<void> {
  if (!(bytes instanceof Uint8Array)) throw new FileRefusedError(`saveBytes expected a Uint8Array. Received: ${describeValue(bytes)}.`);
  if (typeof target === 'string' && target.startsWith(INDEXEDDB)) {
    await set(storedName(target), bytes, loomStore());
    return;
  }
  if (typeof target === 'string' && target.startsWith(DOWNLOADS) && target.length > DOWNLOADS.length) {
    downloadBytes(bytes, target.slice(DOWNLOADS.length), options);
    return;
  }
  throw new FileRefusedError(`Invalid value for \`target\`: ${describeValue(target)}. Expected 'indexeddb://name' or 'downloads://file-name' (in Node.js, write files with the package's /node entry).`);
}

/**
 * Removes what `saveBytes` stored under `'indexeddb://name'` (nothing happens if there is none).
 *
 * @example
 * await removeStoredBytes('indexeddb://digits');
 */
export async function removeStoredBytes(target: string): Promise<void> {
  if (typeof target !== 'string' || !target.startsWith(INDEXEDDB)) throw new FileRefusedError(`Invalid value for \`target\`: ${describeValue(target)}. Expected 'indexeddb://name'.`);
  await del(storedName(target), loomStore());
}

/**
 * Every `'indexeddb://name'` that `saveBytes` stored in this origin.
 *
 * @example
 * await listStoredBytes(); // ['indexeddb://digits', 'indexeddb://two-tower']
 */
export async function listStoredBytes(): Promise<string[]> {
  const names = await keys(loomStore());
  return names.map((name) => `${INDEXEDDB}${String(name)}`).sort();
}
