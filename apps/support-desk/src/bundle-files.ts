// Saving and loading a bundle folder in Node: `model.loom` and `bundle.json`, written atomically
// (temp file, fsync, rename) and read with a size limit checked before reading.
import { join } from 'node:path';
import { LoomError } from '@loom-ml/core';
import { readFileBounded, writeFileAtomic } from '@loom-ml/core/node';
import type { Assistant } from './assistant.js';
import { AppError } from './errors.js';
import { assistantFromFiles, MAX_BUNDLE_BYTES, MAX_MODEL_BYTES, type BundleJSON } from './model-bundle.js';

/**
 * Writes `bundle.json` and `model.loom` into `directory` (created if missing).
 *
 * @example
 * await saveBundle('runs/latest', bundle, await serializeModel(model));
 */
export async function saveBundle(directory: string, bundle: BundleJSON, modelBytes: Uint8Array): Promise<void> {
  await writeFileAtomic(join(directory, 'model.loom'), modelBytes);
  await writeFileAtomic(join(directory, 'bundle.json'), JSON.stringify(bundle));
}

/**
 * Reads a bundle folder saved by `pnpm start` and builds the assistant. A missing folder or file
 * is an AppError saying how to make one.
 *
 * @example
 * const { assistant, bundle } = await loadBundle('runs/latest');
 */
export async function loadBundle(directory: string): Promise<{ bundle: BundleJSON; assistant: Assistant; modelBytes: Uint8Array; bundleText: string }> {
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
  return { ...assistantFromFiles(parsed, modelBytes, directory), modelBytes, bundleText };
}
