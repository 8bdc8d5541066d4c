// Saving and loading a bundle folder in Node: `model.loom`, `cnn.loom` (when the bundle blends a
// word CNN) and `bundle.json` (last, so it never names a network not yet written), written atomically
// (temp file, fsync, rename) and read with a size limit checked before reading.
import { join } from 'node:path';
import { LoomError } from '@loom-ml/core';
import { readFileBounded, writeFileAtomic } from '@loom-ml/core/node';
import type { Assistant } from './assistant.js';
import { AppError } from './errors.js';
import { assistantFromFiles, MAX_BUNDLE_BYTES, MAX_MODEL_BYTES, type BundleJSON } from './model-bundle.js';

/**
 * Writes `model.loom`, `cnn.loom` (when given) and `bundle.json` into `directory` (created if missing).
 *
 * @example
 * await saveBundle('runs/latest', bundle, await serializeModel(model));
 */
export async function saveBundle(directory: string, bundle: BundleJSON, modelBytes: Uint8Array, cnnBytes?: Uint8Array): Promise<void> {
  if ((bundle.cnn === undefined) !== (cnnBytes === undefined)) throw new AppError('saveBundle: bundle.cnn and the CNN bytes go together (both or neither).');
  await writeFileAtomic(join(directory, 'model.loom'), modelBytes);
  if (cnnBytes !== undefined) await writeFileAtomic(join(directory, 'cnn.loom'), cnnBytes);
  await writeFileAtomic(join(directory, 'bundle.json'), JSON.stringify(bundle));
}

/**
 * Reads a bundle folder saved by `pnpm start` and builds the assistant. A missing folder or file
 * is an AppError saying how to make one.
 *
 * @example
 * const { assistant, bundle } = await loadBundle('runs/latest');
 */
export async function loadBundle(directory: string): Promise<{ bundle: BundleJSON; assistant: Assistant; modelBytes: Uint8Array; cnnBytes?: Uint8Array; bundleText: string }> {
  let jsonBytes: Uint8Array;
  let modelBytes: Uint8Array;
  try {
    jsonBytes = await readFileBounded(join(directory, 'bundle.json'), { maxBytes: MAX_BUNDLE_BYTES, what: 'bundle file' });
    modelBytes = await readFileBounded(join(directory, 'model.loom'), { maxBytes: MAX_MODEL_BYTES, what: 'model file' });
  } catch (error) {
    if (LoomError.isInstance(error) && /does not exist/.test(error.message)) throw new AppError(`${error.message} Train a model first: pnpm start --out ${directory}`);
    throw error;
  }
  let parsed: unknown;
  let bundleText: string;
  try {
    bundleText = new TextDecoder('utf-8', { fatal: true }).decode(jsonBytes);
    parsed = JSON.parse(bundleText);
  } catch (error) {
    throw new AppError(`${join(directory, 'bundle.json')} is not readable UTF-8 JSON: ${(error as Error).message}`);
  }
  const namesCnn = parsed !== null && typeof parsed === 'object' && (parsed as { cnn?: unknown }).cnn !== undefined;
  const cnnBytes = namesCnn ? await readFileBounded(join(directory, 'cnn.loom'), { maxBytes: MAX_MODEL_BYTES, what: 'model file' }) : undefined;
  return { ...assistantFromFiles(parsed, modelBytes, directory, cnnBytes), modelBytes, ...(cnnBytes === undefined ? {} : { cnnBytes }), bundleText };
}
