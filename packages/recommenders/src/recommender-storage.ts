import { loadBytes, saveBytes, verifyContainerChecksum, type ByteSource } from '@loom-ml/core';
import type { IdMapping } from './id-mapping.js';
import {
  DEFAULT_MAX_MODEL_BYTES,
  decodeRecommenderBytes,
  recommenderFromContainer,
  serializeRecommender,
  type DeserializeRecommenderOptions,
  type LoadedRecommender,
  type SavableRecommender,
} from './serialization.js';

/**
 * Options of `loadRecommender`: the limits of `deserializeRecommender` (`maxBytes` also stops a
 * download as soon as it passes the limit), and an abort signal for downloads.
 */
export interface LoadRecommenderOptions extends DeserializeRecommenderOptions {
  /** Aborts a download (`AbortSignal.timeout(ms)` or a controller's signal). */
  signal?: AbortSignal;
}

function describeSource(source: unknown): string {
  if (typeof source === 'string') return `recommender ${source.length > 200 ? `${source.slice(0, 200)}…` : source}`;
  if (source instanceof URL) return `recommender ${source.href}`;
  if (typeof File !== 'undefined' && source instanceof File) return `recommender '${source.name.slice(0, 200)}'`;
  return 'saved recommender';
}

/**
 * Saves a model in a browser (or anywhere with IndexedDB): `'indexeddb://name'` keeps it in this
 * origin's IndexedDB; `'downloads://name.loom'` offers it as a download. The bytes are those of
 * `serializeRecommender` and of a `.loom` file written in Node.js, so each loads the other. In
 * Node.js, `saveRecommender` from `@loom-ml/recommenders/node` also takes file paths.
 *
 * @example
 * await saveRecommender(als, 'indexeddb://movie-als', { users, items });
 * await saveRecommender(als, 'downloads://movie-als.loom', { users, items });
 */
export async function saveRecommender(model: SavableRecommender, target: string, mappings: { users?: IdMapping; items?: IdMapping } = {}): Promise<void> {
  await saveBytes(target, serializeRecommender(model, mappings));
}

/**
 * Loads a model saved by `saveRecommender` or `serializeRecommender` (or a `.loom` file written
 * in Node.js) from `'indexeddb://name'`, an `http(s)` URL (in a page also a relative URL such as
 * `'models/als.loom'`), a `File`/`Blob`, or bytes. A download stops as soon as it passes
 * `maxBytes` (default 512 MiB) and `signal` aborts it; then the bytes go through every check of
 * `deserializeRecommender`, the SHA-256 by WebCrypto where there is one.
 *
 * @example
 * const { model, users, items } = await loadRecommender('indexeddb://movie-als');
 * const remote = await loadRecommender('https://example.com/als.loom', { maxBytes: 50e6, signal: AbortSignal.timeout(10_000) });
 */
export async function loadRecommender(source: ByteSource, options: LoadRecommenderOptions = {}): Promise<LoadedRecommender> {
  const what = describeSource(source);
  const bytes = await loadBytes(source, { maxBytes: options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES, what: 'recommender', ...(options.signal ? { signal: options.signal } : {}) });
  return recommenderFromBytes(bytes, options, what);
}

/** Decodes with the checksum left to WebCrypto (async, faster), then builds. */
export async function recommenderFromBytes(bytes: Uint8Array, options: DeserializeRecommenderOptions, what: string): Promise<LoadedRecommender> {
  const container = decodeRecommenderBytes(bytes, options, what, false);
  await verifyContainerChecksum(container, what);
  return recommenderFromContainer(container, options);
}
