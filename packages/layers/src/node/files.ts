import { checkContainerHeader, containerPayloadLength, openContainer, parseJsonBounded, verifyContainerChecksum, type ByteSource } from '@loom-ml/core';
import { readFileBounded, resolveInside, writeFileAtomic } from '@loom-ml/core/node';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LayersError } from '../errors.js';
import type { Model } from '../model/model.js';
import type { Sequential } from '../model/sequential.js';
import { containerHeaderFromV1, FILE_DTYPES, modelContainerParts, modelFromContainer, serializeModel, type LoadOptions, type SaveOptions } from '../serialization/portable.js';
import { DEFAULT_LIMITS } from '../serialization/limits.js';
import { loadModel as loadModelFromSource, modelFromBytes, saveModel as saveModelToStorage, type LoadModelOptions } from '../serialization/storage.js';

/** `indexeddb://`, `downloads://`, `http://`, `https://`: anything `scheme://` that is not a path. */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Saves a model (Node.js). A path ending in `.loom` gets one portable file (the
 * `serializeModel` bytes, loadable in a browser); any other path is a folder with `model.json`
 * (the container header: config, weight shapes and byte ranges, SHA-256) and `weights.bin`.
 * Files are written atomically (temporary file, fsync, rename, folder fsync). Targets with a
 * scheme (`'indexeddb://name'`) go to `saveModel` of the main entry. `quantize: 'int8' |
 * 'float16'` stores the weights quantised (see `SaveOptions`); loading dequantises them.
 *
 * @example
 * import { saveModel, loadModel } from '@loom-ml/layers/node';
 * await saveModel(model, 'runs/mnist.loom');
 * await saveModel(model, 'runs/mnist-int8.loom', { quantize: 'int8' });
 * const again = await loadModel('runs/mnist.loom');
 */
export async function saveModel(model: Model, path: string, options: SaveOptions = {}): Promise<void> {
  if (URL_SCHEME.test(path)) return saveModelToStorage(model, path, options);
  if (path.endsWith('.loom')) {
    await writeFileAtomic(path, await serializeModel(model, options));
    return;
  }
  const { header, payload } = await modelContainerParts(model, options);
  // Weights first: model.json only ever points at a complete weights file.
  await writeFileAtomic(join(path, 'weights.bin'), payload);
  await writeFileAtomic(join(path, 'model.json'), `${JSON.stringify({ ...header, weightsFile: 'weights.bin' }, null, 2)}\n`);
}

/**
 * Loads what `saveModel` wrote — a `.loom` file or a model folder (format 2, or format 1 from
 * earlier versions) — as a `Sequential` or a `FunctionalModel`, whichever was saved; the type
 * parameter only names the class you expect (default `Sequential`). Also takes everything
 * `loadModel` of the main entry takes (`'indexeddb://name'`, `http(s)` URLs, a `Blob`, bytes).
 *
 * A folder's `weightsFile` must name a file inside the folder (no absolute path, no `..`, no
 * link out, no device) of exactly the size its `model.json` declares; files are read within
 * `maxBytes` / `maxHeaderBytes`; then every check of `deserializeModel` applies.
 *
 * @example
 * import { loadModel } from '@loom-ml/layers/node';
 * const model = await loadModel('runs/mnist.loom', { maxBytes: 100e6 });
 */
export async function loadModel<M extends Model = Sequential>(source: string | URL | ByteSource, options: LoadModelOptions = {}): Promise<M> {
  let path: string;
  if (typeof source === 'string' && !URL_SCHEME.test(source)) path = source;
  else if (source instanceof URL && source.protocol === 'file:') path = fileURLToPath(source);
  else if (typeof source === 'string' && source.startsWith('file://')) path = fileURLToPath(source);
  else return loadModelFromSource<M>(source, options);
  const info = await stat(path).catch(() => {
    throw new LayersError(`loadModel: nothing at ${path}. Save a model there first with saveModel(model, path).`);
  });
  const maxBytes = options.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_LIMITS.maxHeaderBytes;
  if (!info.isDirectory()) {
    const what = `model file ${path}`;
    return modelFromBytes<M>(await readFileBounded(path, { maxBytes, what: 'model file' }), options, what);
  }
  return loadFolder<M>(path, options, maxBytes, maxHeaderBytes);
}

async function loadFolder<M extends Model>(folder: string, options: LoadOptions, maxBytes: number, maxHeaderBytes: number): Promise<M> {
  const headerPath = join(folder, 'model.json');
  const what = `model header ${headerPath}`;
  const json = parseJsonBounded(await readFileBounded(headerPath, { maxBytes: maxHeaderBytes, what: 'model header' }), { maxBytes: maxHeaderBytes, what });
  const isV2 = (json as { format?: unknown } | null)?.format === 'loom-container';
  const header = isV2 ? checkContainerHeader(json, { maxBytes, dtypes: FILE_DTYPES, what }) : containerHeaderFromV1(json, options, what);
  const weightsPath = resolveInside(folder, (json as { weightsFile?: unknown }).weightsFile ?? 'weights.bin', 'weightsFile');
  const expected = containerPayloadLength(header);
  const payload = await readFileBounded(weightsPath, { maxBytes: expected, what: `weights file (${expected} bytes declared by model.json)` });
  const container = openContainer(header, payload, { what: `model folder ${folder}`, verifyChecksum: false, allowMissingChecksum: !isV2 });
  await verifyContainerChecksum(container, `model folder ${folder}`);
  return modelFromContainer<M>(container, options, `model folder ${folder}`);
}
