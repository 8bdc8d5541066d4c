import { fileURLToPath } from 'node:url';
import { type ByteSource } from '@loom-ml/core';
import { readFileBounded, writeFileAtomic } from '@loom-ml/core/node';
import { DEFAULT_MAX_FRAUD_MODEL_BYTES, serializeFraudModel, type SavableFraudModel } from './model-bytes.js';
import { fraudModelFromBytes, loadFraudModel as loadFromSource, saveFraudModel as saveToStorage, type LoadFraudModelOptions } from './model-storage.js';

/** `indexeddb://`, `downloads://`, `http://`, `https://`: anything `scheme://` that is not a path. */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Saves a fitted model to a file (Node.js): the `serializeFraudModel` bytes, written to a
 * temporary file, flushed to disk and renamed into place. Targets with a scheme
 * (`'indexeddb://name'`) go to `saveFraudModel` of the main entry.
 *
 * @example
 * import { saveFraudModel } from '@loom-ml/fraud-detection/node';
 * await saveFraudModel(forest, 'models/forest.loom');
 */
export async function saveFraudModel(model: SavableFraudModel, path: string): Promise<void> {
  if (URL_SCHEME.test(path)) return saveToStorage(model, path);
  await writeFileAtomic(path, serializeFraudModel(model));
}

/**
 * Loads a model file written by `saveFraudModel` — or a file of plain `toJSON()` text, as saved
 * before — and everything `loadFraudModel` of the main entry takes. The file is read only if it
 * is a regular file within `maxBytes` (default 256 MiB); then every check of
 * `deserializeFraudModel` applies.
 *
 * @example
 * import { loadFraudModel } from '@loom-ml/fraud-detection/node';
 * const forest = (await loadFraudModel('models/forest.loom')) as IsolationForest;
 */
export async function loadFraudModel(source: string | URL | ByteSource, options: LoadFraudModelOptions = {}): Promise<SavableFraudModel> {
  let path: string;
  if (typeof source === 'string' && !URL_SCHEME.test(source)) path = source;
  else if ((source instanceof URL && source.protocol === 'file:') || (typeof source === 'string' && source.startsWith('file://'))) path = fileURLToPath(source);
  else return loadFromSource(source, options);
  const bytes = await readFileBounded(path, { maxBytes: options.maxBytes ?? DEFAULT_MAX_FRAUD_MODEL_BYTES, what: 'fraud model file' });
  return fraudModelFromBytes(bytes, options, `fraud model file ${path}`);
}
