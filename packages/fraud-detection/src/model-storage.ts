import { loadBytes, saveBytes, verifyContainerChecksum, isContainer, type ByteSource } from '@loom-ml/core';
import {
  DEFAULT_MAX_FRAUD_MODEL_BYTES,
  decodeFraudModelBytes,
  deserializeFraudModel,
  fraudModelFromContainer,
  serializeFraudModel,
  type DeserializeFraudModelOptions,
  type SavableFraudModel,
} from './model-bytes.js';

/** Options of `loadFraudModel`: the limits of `deserializeFraudModel`, and an abort signal for downloads. */
export interface LoadFraudModelOptions extends DeserializeFraudModelOptions {
  /** Aborts a download (`AbortSignal.timeout(ms)` or a controller's signal). */
  signal?: AbortSignal;
}

/**
 * Saves a fitted model in a browser (or anywhere with IndexedDB): `'indexeddb://name'` keeps it
 * in this origin's IndexedDB; `'downloads://name.loom'` offers it as a download. The bytes are
 * those of `serializeFraudModel` and of a file written by `saveFraudModel` from
 * `@loom-ml/fraud-detection/node`, so each loads the other.
 *
 * @example
 * await saveFraudModel(model, 'indexeddb://loan-risk');
 */
export async function saveFraudModel(model: SavableFraudModel, target: string): Promise<void> {
  await saveBytes(target, serializeFraudModel(model));
}

/**
 * Loads a model saved by `saveFraudModel` / `serializeFraudModel` (or its plain JSON text) from
 * `'indexeddb://name'`, an `http(s)` URL (in a page also a relative URL), a `File`/`Blob`, or
 * bytes. A download stops as soon as it passes `maxBytes` (default 256 MiB) and `signal` aborts
 * it; then every check of `deserializeFraudModel` applies, the SHA-256 by WebCrypto where there
 * is one.
 *
 * @example
 * const model = (await loadFraudModel('indexeddb://loan-risk')) as LogisticRegression;
 * const remote = await loadFraudModel('https://example.com/forest.loom', { maxBytes: 20e6, signal: AbortSignal.timeout(10_000) });
 */
export async function loadFraudModel(source: ByteSource, options: LoadFraudModelOptions = {}): Promise<SavableFraudModel> {
  const bytes = await loadBytes(source, { maxBytes: options.maxBytes ?? DEFAULT_MAX_FRAUD_MODEL_BYTES, what: 'fraud model', ...(options.signal ? { signal: options.signal } : {}) });
  return fraudModelFromBytes(bytes, options, typeof source === 'string' ? `fraud model ${source.slice(0, 200)}` : 'saved fraud model');
}

/** Decodes with the checksum left to WebCrypto (async, faster), then builds; plain JSON text goes to `deserializeFraudModel`. */
export async function fraudModelFromBytes(bytes: Uint8Array, options: DeserializeFraudModelOptions, what: string): Promise<SavableFraudModel> {
  if (!isContainer(bytes)) return deserializeFraudModel(bytes, options);
  const container = decodeFraudModelBytes(bytes, options, what, false);
  await verifyContainerChecksum(container, what);
  return fraudModelFromContainer(container, options);
}
