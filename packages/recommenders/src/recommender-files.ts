import { join } from 'node:path';
import { readFileBounded, writeFileAtomic } from '@loom-ml/core/node';
import { RecommenderError } from './errors.js';
import type { IdMapping } from './id-mapping.js';
import {
  DEFAULT_MAX_MODEL_BYTES,
  deserializeRecommender,
  type DeserializeRecommenderOptions,
  serializeRecommender,
  type LoadedRecommender,
  type SavableRecommender,
  type SerializedRecommenderJson,
} from './serialization.js';

/**
 * Options of {@link loadRecommender}: the limits of `deserializeRecommender` (`maxBytes`, default
 * 512 MiB, also bounds the size of `weights.bin` before it is read; `maxElements`, default 2^27)
 * and the size of `model.json`.
 */
export interface LoadRecommenderOptions extends DeserializeRecommenderOptions {
  /** Refuse a `model.json` larger than this many bytes (checked before reading). Default 64 MiB. */
  maxJsonBytes?: number;
}

const DEFAULT_MAX_JSON_BYTES = 64 * 2 ** 20;

/**
 * Saves a model to `directory/model.json` and `directory/weights.bin` (Node.js). Each file is
 * written to a temporary file, flushed to disk and renamed into place; the JSON goes last, so a
 * crash never leaves a JSON pointing at a half-written binary.
 *
 * @example
 * import { saveRecommender } from '@loom-ml/recommenders/node';
 * await saveRecommender(als, './models/als', { users, items });
 */
export async function saveRecommender(
  model: SavableRecommender,
  directory: string,
  mappings: { users?: IdMapping; items?: IdMapping } = {},
): Promise<void> {
  const { json, binary } = serializeRecommender(model, mappings);
  await writeFileAtomic(join(directory, 'weights.bin'), binary);
  await writeFileAtomic(join(directory, 'model.json'), JSON.stringify(json));
}

/**
 * Loads what {@link saveRecommender} wrote (Node.js). Files larger than the limits are refused
 * before they are read (`FileRefusedError` from `@loom-ml/core`), a missing file is named, and
 * the contents go through every check of `deserializeRecommender` before anything is allocated.
 *
 * @example
 * import { loadRecommender } from '@loom-ml/recommenders/node';
 * const { model, users, items } = await loadRecommender('./models/als');
 */
export async function loadRecommender(directory: string, options: LoadRecommenderOptions = {}): Promise<LoadedRecommender> {
  const jsonPath = join(directory, 'model.json');
  const text = new TextDecoder().decode(
    await readFileBounded(jsonPath, { maxBytes: options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES, what: 'recommender model file' }),
  );
  let json: SerializedRecommenderJson;
  try {
    json = JSON.parse(text) as SerializedRecommenderJson;
  } catch (error) {
    throw new RecommenderError(`Invalid value for \`model.json\` in loadRecommender. Expected JSON written by saveRecommender. Received: a file that does not parse (${(error as Error).message}) in ${jsonPath}.`);
  }
  const binary = await readFileBounded(join(directory, 'weights.bin'), { maxBytes: options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES, what: 'recommender weights file' });
  const { maxJsonBytes: _, ...limits } = options;
  return deserializeRecommender(json, binary, limits);
}
