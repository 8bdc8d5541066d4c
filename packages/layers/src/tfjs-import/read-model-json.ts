import { LayersError } from '../errors.js';
import type { TfjsModelArtifacts } from './tfjs-artifacts.js';
import type { TfjsWeightSpec } from './tfjs-weights.js';

interface ModelJson {
  modelTopology?: unknown;
  format?: string;
  weightsManifest?: { paths?: unknown; weights?: TfjsWeightSpec[] }[];
}

/**
 * Reads a tfjs `model.json` and the weight shards its `weightsManifest` lists (paths relative
 * to the model.json), in manifest order, as in-memory artifacts (Node.js only).
 *
 * @example
 * const artifacts = await readModelJson('exported/model.json'); // { modelTopology, weightSpecs, weightData: [shard, ...] }
 */
export async function readModelJson(path: string): Promise<TfjsModelArtifacts> {
  // node:fs is imported on use, so browser bundles of this package never need it.
  const { readFile } = await import('node:fs/promises');
  const { dirname, resolve } = await import('node:path');
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as ModelJson;
  } catch (error) {
    throw new LayersError(`importTfjsModel could not read '${path}' as a tfjs model.json: ${(error as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || json.modelTopology === undefined) {
    throw new LayersError(`Invalid value for \`modelTopology\` in '${path}'. Expected a tfjs-layers model.json with a modelTopology. Received: ${json === null || typeof json !== 'object' ? String(json) : 'none'}.`);
  }
  const manifest = json.weightsManifest ?? [];
  const weightSpecs: TfjsWeightSpec[] = [];
  const shards: ArrayBuffer[] = [];
  for (const group of manifest) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new LayersError(`Invalid value for \`weightsManifest\` in '${path}'. Expected groups of { paths, weights }. Received: ${JSON.stringify(group)}.`);
    }
    weightSpecs.push(...group.weights);
    for (const shard of group.paths as string[]) {
      const shardPath = resolve(dirname(path), shard);
      let bytes: Uint8Array;
      try {
        bytes = await readFile(shardPath);
      } catch (error) {
        throw new LayersError(`importTfjsModel could not read the weight shard '${shard}' listed in '${path}': ${(error as Error).message}`);
      }
      shards.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
  }
  return { modelTopology: json.modelTopology, ...(json.format !== undefined ? { format: json.format } : {}), weightSpecs, weightData: shards };
}
