import { readFileBounded, resolveInside } from '@loom-ml/core/node';
import { dirname } from 'node:path';
import { LayersError, invalidValue } from '../errors.js';
import type { TfjsModelArtifacts } from '../tfjs-import/tfjs-artifacts.js';
import { weightSpecByteLength, type TfjsWeightSpec } from '../tfjs-import/tfjs-weights.js';
import { DEFAULT_LIMITS } from '../serialization/limits.js';

/**
 * Options of `readTfjsModel`.
 *
 * @example
 * await readTfjsModel('exported/model.json', { maxBytes: 2 ** 30 });
 */
export interface ReadTfjsModelOptions {
  /** Largest total of weight bytes the manifest may declare (default 512 MiB). */
  maxBytes?: number;
  /** Largest model.json accepted (default 64 MiB). */
  maxHeaderBytes?: number;
}

interface ModelJson {
  modelTopology?: unknown;
  format?: unknown;
  weightsManifest?: unknown;
}

/**
 * Reads a tfjs `model.json` and the weight shards its `weightsManifest` lists, in manifest
 * order, as in-memory artifacts for `importTfjsModel` (Node.js only). Shard names must stay
 * inside the model.json's folder (no absolute paths, no `..`, no links out); each group's
 * declared size is computed from its weight specs and checked against `maxBytes` before a
 * shard is read, and the shards must hold exactly that many bytes.
 *
 * @example
 * import { importTfjsModel } from '@loom-ml/layers';
 * import { readTfjsModel } from '@loom-ml/layers/node';
 * const model = await importTfjsModel(await readTfjsModel('exported/model.json'));
 */
export async function readTfjsModel(path: string, options: ReadTfjsModelOptions = {}): Promise<TfjsModelArtifacts> {
  const maxBytes = options.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const maxHeaderBytes = options.maxHeaderBytes ?? DEFAULT_LIMITS.maxHeaderBytes;
  const text = new TextDecoder().decode(await readFileBounded(path, { maxBytes: maxHeaderBytes, what: 'tfjs model.json' }));
  let json: ModelJson;
  try {
    json = JSON.parse(text) as ModelJson;
  } catch (error) {
    throw new LayersError(`The tfjs model.json ${path} is not valid JSON: ${(error as Error).message}.`);
  }
  if (json === null || typeof json !== 'object' || json.modelTopology === undefined) {
    throw new LayersError(`Invalid value for \`modelTopology\` in '${path}'. Expected a tfjs-layers model.json with a modelTopology. Received: ${json === null || typeof json !== 'object' ? String(json) : 'none'}.`);
  }
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw invalidValue('weightsManifest', `'${path}'`, 'a list of { paths, weights } groups', manifest);
  const folder = dirname(path);
  const weightSpecs: TfjsWeightSpec[] = [];
  const groups: { shards: string[]; byteLength: number }[] = [];
  let declared = 0;
  for (const [g, group] of manifest.entries()) {
    const where = `'${path}'`;
    const { paths, weights } = (group ?? {}) as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths) || !Array.isArray(weights)) throw invalidValue(`weightsManifest[${g}]`, where, 'a group { paths: [...], weights: [...] }', group);
    let byteLength = 0;
    for (const [w, spec] of weights.entries()) {
      byteLength += weightSpecByteLength(spec, `weightsManifest[${g}].weights[${w}]`, where);
      weightSpecs.push(spec as TfjsWeightSpec);
    }
    declared += byteLength;
    if (declared > maxBytes) {
      throw new LayersError(`The weights manifest of ${path} declares more than ${maxBytes} bytes of weights (the maxBytes limit; raise it if you trust the model).`);
    }
    const shards = paths.map((shard, s) => resolveInside(folder, shard, `weightsManifest[${g}].paths[${s}]`));
    groups.push({ shards, byteLength });
  }
  const weightData: ArrayBuffer[] = [];
  for (const [g, { shards, byteLength }] of groups.entries()) {
    let read = 0;
    for (const shard of shards) {
      // Never more than the group still lacks: a shard larger than declared is refused unread.
      const bytes = await readFileBounded(shard, { maxBytes: byteLength - read, what: `weight shard of weightsManifest[${g}]` });
      read += bytes.byteLength;
      weightData.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
    if (read !== byteLength) {
      throw new LayersError(`The weight shards of weightsManifest[${g}] in ${path} hold ${read} bytes; its weights declare ${byteLength}. Is a shard truncated?`);
    }
  }
  return { modelTopology: json.modelTopology, ...(typeof json.format === 'string' ? { format: json.format } : {}), weightSpecs, weightData };
}
