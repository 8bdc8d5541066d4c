import { LayersError } from '../errors.js';
import type { Model } from '../model/model.js';
import type { Sequential } from '../model/sequential.js';
import { deserializeModel, modelArtifacts, modelFromArtifacts, serializeModel, type LoadOptions, type ModelArtifactsHeader } from './portable.js';

// node:fs is imported on use, so browser bundles of this package never need it.
async function fs() {
  return import('node:fs/promises');
}

/** Writes next to the target, then renames: a crash mid-write never leaves a half file. */
async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const { writeFile, rename, rm } = await fs();
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Saves a model (Node.js). A path ending in `.loom` gets one portable file (the
 * `serializeModel` blob, loadable in a browser with `deserializeModel`); any other path is a
 * directory with `model.json` and `weights.bin`. Files are written atomically.
 *
 * @example
 * await saveModel(model, 'runs/mnist.loom');
 * const again = await loadModel('runs/mnist.loom');
 */
export async function saveModel(model: Model, path: string): Promise<void> {
  const { mkdir } = await fs();
  const { dirname, join } = await import('node:path');
  if (path.endsWith('.loom')) {
    await mkdir(dirname(path), { recursive: true });
    await writeAtomically(path, await serializeModel(model));
    return;
  }
  await mkdir(path, { recursive: true });
  const { header, data } = await modelArtifacts(model);
  // Weights first: model.json only ever points at a complete weights file.
  await writeAtomically(join(path, 'weights.bin'), data);
  await writeAtomically(join(path, 'model.json'), `${JSON.stringify({ ...header, weightsFile: 'weights.bin' }, null, 2)}\n`);
}

/**
 * Loads what `saveModel` wrote (a `.loom` file or a directory): a `Sequential` or a
 * `FunctionalModel`, whichever was saved. The type parameter only names the class you expect
 * (default `Sequential`): `loadModel<FunctionalModel>('runs/two-tower.loom')`.
 *
 * @example
 * const model = await loadModel('runs/mnist.loom');
 */
export async function loadModel<M extends Model = Sequential>(path: string, options: LoadOptions = {}): Promise<M> {
  const { readFile, stat } = await fs();
  const { join } = await import('node:path');
  const info = await stat(path).catch(() => {
    throw new LayersError(`loadModel: nothing at ${path}. Save a model there first with saveModel(model, path).`);
  });
  if (info.isFile()) return deserializeModel<M>(new Uint8Array(await readFile(path)), options);
  const header = JSON.parse(await readFile(join(path, 'model.json'), 'utf8')) as ModelArtifactsHeader & { weightsFile?: string };
  const data = new Uint8Array(await readFile(join(path, header.weightsFile ?? 'weights.bin')));
  return modelFromArtifacts<M>(header, data, options);
}
