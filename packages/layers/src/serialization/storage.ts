import { loadBytes, saveBytes, verifyContainerChecksum, type ByteSource } from '@loom-ml/core';
import type { Model } from '../model/model.js';
import type { Sequential } from '../model/sequential.js';
import { decodeModelBytes, modelFromContainer, serializeModel, type LoadOptions, type SaveOptions } from './portable.js';
import { DEFAULT_LIMITS } from './limits.js';

/**
 * Options of `loadModel`: the limits of every loader, plus an abort signal for downloads.
 *
 * @example
 * await loadModel('https://example.com/digits.loom', { maxBytes: 50e6, signal: AbortSignal.timeout(10_000) });
 */
export interface LoadModelOptions extends LoadOptions {
  /** Aborts a download (`AbortSignal.timeout(ms)` or a controller's signal). */
  signal?: AbortSignal;
}

function describeSource(source: unknown): string {
  if (typeof source === 'string') return `model ${source.length > 200 ? `${source.slice(0, 200)}…` : source}`;
  if (source instanceof URL) return `model ${source.href}`;
  if (typeof File !== 'undefined' && source instanceof File) return `model '${source.name}'`;
  return 'saved model';
}

/**
 * Saves a model in a browser (or anywhere with IndexedDB): `'indexeddb://name'` stores the
 * file in this origin's IndexedDB; `'downloads://name.loom'` offers it as a download. The bytes
 * are those of `serializeModel` and of a `.loom` file written in Node.js, so each loads the
 * other. In Node.js, `saveModel` from `@loom-ml/layers/node` also takes file paths.
 * `quantize: 'int8' | 'float16'` stores the weights quantised (see `SaveOptions`).
 *
 * @example
 * await saveModel(model, 'indexeddb://digits');
 * await saveModel(model, 'downloads://digits.loom');
 * await saveModel(model, 'indexeddb://digits-int8', { quantize: 'int8' });
 */
export async function saveModel(model: Model, target: string, options: SaveOptions = {}): Promise<void> {
  await saveBytes(target, await serializeModel(model, options));
}

/**
 * Loads a model saved by `saveModel` or `serializeModel` (or a `.loom` file from Node.js)
 * from `'indexeddb://name'`, an `http(s)` URL (in a page also a relative URL such as
 * `'models/digits.loom'`), a `File`/`Blob` (from `<input type="file">` or a drop), or bytes.
 * Downloads stop as soon as they pass `maxBytes` (default 512 MiB) and `signal` aborts them;
 * then the file goes through every check of `deserializeModel` (limits, byte ranges, dtype,
 * finite values, the SHA-256 of the weights by WebCrypto) before the model is built.
 *
 * @example
 * const model = await loadModel('indexeddb://digits');
 * const remote = await loadModel('https://example.com/digits.loom', { maxBytes: 50e6, signal: AbortSignal.timeout(10_000) });
 * const picked = await loadModel(fileInput.files[0]);
 */
export async function loadModel<M extends Model = Sequential>(source: ByteSource, options: LoadModelOptions = {}): Promise<M> {
  const what = describeSource(source);
  const bytes = await loadBytes(source, { maxBytes: options.maxBytes ?? DEFAULT_LIMITS.maxBytes, what: 'model', ...(options.signal ? { signal: options.signal } : {}) });
  return modelFromBytes<M>(bytes, options, what);
}

/** Decodes with the checksum left to WebCrypto (async, faster), then builds. */
export async function modelFromBytes<M extends Model>(bytes: Uint8Array, options: LoadOptions, what: string): Promise<M> {
  const container = decodeModelBytes(bytes, options, what, false);
  await verifyContainerChecksum(container, what);
  return modelFromContainer<M>(container, options, what);
}
