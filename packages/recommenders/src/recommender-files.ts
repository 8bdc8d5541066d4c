import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkContainerHeader, containerPayloadLength, encodeContainerParts, openContainer, parseJsonBounded, verifyContainerChecksum, type ByteSource } from '@loom-ml/core';
import { readFileBounded, writeFileAtomic } from '@loom-ml/core/node';
import { RecommenderError } from './errors.js';
import type { IdMapping } from './id-mapping.js';
import {
  DEFAULT_MAX_HEADER_BYTES,
  DEFAULT_MAX_MODEL_BYTES,
  recommenderContents,
  recommenderFromContainer,
  recommenderFromParts,
  serializeRecommender,
  type LoadedRecommender,
  type SavableRecommender,
} from './serialization.js';
import {
  loadRecommender as loadFromSource,
  recommenderFromBytes,
  saveRecommender as saveToStorage,
  type LoadRecommenderOptions,
} from './recommender-storage.js';

/** `indexeddb://`, `downloads://`, `http://`, `https://`: anything `scheme://` that is not a path. */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Saves a model (Node.js). A path ending in `.loom` gets one portable file (the
 * `serializeRecommender` bytes, loadable in a browser); any other path is a folder with
 * `model.json` (the container header: type, options, ids, array shapes and byte ranges, SHA-256)
 * and `weights.bin` (the arrays). Files are written atomically (temporary file, fsync, rename,
 * folder fsync), `weights.bin` first, so `model.json` never points at a half-written file.
 * Targets with a scheme (`'indexeddb://name'`) go to `saveRecommender` of the main entry.
 *
 * @example
 * import { saveRecommender } from '@loom-ml/recommenders/node';
 * await saveRecommender(als, './models/als.loom', { users, items });
 * await saveRecommender(als, './models/als', { users, items }); // a folder
 */
export async function saveRecommender(
  model: SavableRecommender,
  path: string,
  mappings: { users?: IdMapping; items?: IdMapping } = {},
): Promise<void> {
  if (URL_SCHEME.test(path)) return saveToStorage(model, path, mappings);
  if (path.endsWith('.loom')) {
    await writeFileAtomic(path, serializeRecommender(model, mappings));
    return;
  }
  const { header, payload } = encodeContainerParts(recommenderContents(model, mappings));
  await writeFileAtomic(join(path, 'weights.bin'), payload);
  await writeFileAtomic(join(path, 'model.json'), JSON.stringify(header));
}

/**
 * Loads what `saveRecommender` wrote — a `.loom` file, or a folder in format 2 or in 0.1's
 * format 1 — and everything `loadRecommender` of the main entry takes (`'indexeddb://name'`,
 * `http(s)` URLs, a `Blob`, bytes). Files are read only if their size is within the limits
 * (`maxBytes`, default 512 MiB; `maxHeaderBytes`, default 64 MiB, for `model.json`), and a
 * folder's `weights.bin` must have exactly the size its `model.json` declares; then every check
 * of `deserializeRecommender` applies before anything is built.
 *
 * @example
 * import { loadRecommender } from '@loom-ml/recommenders/node';
 * const { model, users, items } = await loadRecommender('./models/als.loom');
 */
export async function loadRecommender(source: string | URL | ByteSource, options: LoadRecommenderOptions = {}): Promise<LoadedRecommender> {
  let path: string;
  if (typeof source === 'string' && !URL_SCHEME.test(source)) path = source;
  else if ((source instanceof URL && source.protocol === 'file:') || (typeof source === 'string' && source.startsWith('file://'))) path = fileURLToPath(source);
  else return loadFromSource(source, options);
  const info = await stat(path).catch(() => {
    throw new RecommenderError(`loadRecommender: nothing at ${path}. Save a model there first with saveRecommender(model, path).`);
  });
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
  if (!info.isDirectory()) return recommenderFromBytes(await readFileBounded(path, { maxBytes, what: 'recommender file' }), options, `recommender file ${path}`);
  return loadFolder(path, options, maxBytes, options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES);
}

async function loadFolder(folder: string, options: LoadRecommenderOptions, maxBytes: number, maxHeaderBytes: number): Promise<LoadedRecommender> {
  const headerPath = join(folder, 'model.json');
  const what = `recommender header ${headerPath}`;
  const json = parseJsonBounded(await readFileBounded(headerPath, { maxBytes: maxHeaderBytes, what: 'recommender header' }), { maxBytes: maxHeaderBytes, what });
  const weightsPath = join(folder, 'weights.bin');
  if ((json as { format?: unknown } | null)?.format !== 'loom-container') {
    // Format 1 (0.1): its JSON says where each array lies; every range is checked against the file.
    return recommenderFromParts(json, await readFileBounded(weightsPath, { maxBytes, what: 'recommender weights file' }), options);
  }
  const header = checkContainerHeader(json, { maxBytes, maxHeaderBytes, dtypes: ['int32', 'float32'], maxTensors: 1024, what });
  const expected = containerPayloadLength(header);
  const payload = await readFileBounded(weightsPath, { maxBytes: expected, what: `recommender weights file (${expected} bytes declared by model.json)` });
  const container = openContainer(header, payload, { what: `recommender folder ${folder}`, verifyChecksum: false });
  await verifyContainerChecksum(container, `recommender folder ${folder}`);
  return recommenderFromContainer(container, options);
}
