import { readFileBounded, resolveInside, writeFileAtomic } from '@loom-ml/core/node';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LayersError } from '../errors.js';
import type { Model } from '../model/model.js';
import type { Sequential } from '../model/sequential.js';
import { deserializeModel, modelArtifacts, modelFromArtifacts, serializeModel, type LoadOptions, type ModelArtifactsHeader } from '../serialization/portable.js';

/** Default limit on a model file's size when loading: 512 MiB. */
const DEFAULT_MAX_BYTES = 512 * 2 ** 20;

/**
 * Saves a model (Node.js). A path ending in `.loom` gets one portable file (the
 * `serializeModel` blob, loadable in a browser with `deserializeModel`); any other path is a
 * directory with `model.json` and `weights.bin`. Files are written atomically (temporary
 * file, fsync, rename).
 *
 * @example
 * import { saveModel, loadModel } from '@loom-ml/layers/node';
 * await saveModel(model, 'runs/mnist.loom');
 * const again = await loadModel('runs/mnist.loom');
 */
export async function saveModel(model: Model, path: string): Promise<void> {
  if (path.endsWith('.loom')) {
    await writeFileAtomic(path, await serializeModel(model));
    return;
  }
  const { header, data } = await modelArtifacts(model);
  // Weights first: model.json only ever points at a complete weights file.
  await writeFileAtomic(join(path, 'weights.bin'), data);
  await writeFileAtomic(join(path, 'model.json'), `${JSON.stringify({ ...header, weightsFile: 'weights.bin' }, null, 2)}\n`);
}

/**
 * Loads what `saveModel` wrote (a `.loom` file or a directory): a `Sequential` or a
 * `FunctionalModel`, whichever was saved. The type parameter only names the class you expect
 * (default `Sequential`): `loadModel<FunctionalModel>('runs/two-tower.loom')`.
 *
 * @example
 * import { loadModel } from '@loom-ml/layers/node';
 * const model = await loadModel('runs/mnist.loom');
 */
export async function loadModel<M extends Model = Sequential>(path: string, options: LoadOptions = {}): Promise<M> {
  const info = await stat(path).catch(() => {
    throw new LayersError(`loadModel: nothing at ${path}. Save a model there first with saveModel(model, path).`);
  });
  const maxBytes = DEFAULT_MAX_BYTES;
  if (!info.isDirectory()) return deserializeModel<M>(await readFileBounded(path, { maxBytes, what: 'model file' }), options);
  const headerBytes = await readFileBounded(join(path, 'model.json'), { maxBytes, what: 'model header' });
  let header: ModelArtifactsHeader & { weightsFile?: string };
  try {
    header = JSON.parse(new TextDecoder().decode(headerBytes)) as ModelArtifactsHeader & { weightsFile?: string };
  } catch (error) {
    throw new LayersError(`The model header ${join(path, 'model.json')} is not valid JSON: ${(error as Error).message}.`);
  }
  const weightsPath = resolveInside(path, header.weightsFile ?? 'weights.bin', 'weightsFile');
  const data = await readFileBounded(weightsPath, { maxBytes, what: 'weights file' });
  return modelFromArtifacts<M>(header, data, options);
}
