import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileBounded, resolveInside, writeFileAtomic } from '@loom-ml/core/node';
import { invalidValue } from './errors.js';
import type { IdMapping } from './id-mapping.js';
import type { ImplicitAls } from './implicit-als.js';
import {
  alsToSparkFiles,
  parseSparkAlsMetadata,
  readSparkFactors,
  sparkAlsRecommender,
  type SparkAlsOptions,
  type SparkAlsRecommender,
  type SparkFactorLimits,
  type SparkFactors,
} from './spark-als.js';

/** Most part files read from one factor folder (Spark writes one per partition). */
const MAX_PARTS = 10_000;

async function readTable(folder: string, table: 'userFactors' | 'itemFactors', limits: SparkFactorLimits): Promise<SparkFactors> {
  const directory = resolveInside(folder, table, table);
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw invalidValue('folder', 'readSparkAls', `a saved Spark ALSModel (no ${table}/ in it)`, folder);
    throw error;
  }
  // Spark's data files: part-*; _SUCCESS, _committed_*, .crc files and the like are not data.
  const parts = names.filter((name) => !name.startsWith('_') && !name.startsWith('.') && name.endsWith('.parquet')).sort();
  if (parts.length === 0) throw invalidValue(table, 'readSparkAls', 'one or more part-*.parquet files', `none in ${directory}`);
  if (parts.length > MAX_PARTS) throw invalidValue(table, 'readSparkAls', `at most ${MAX_PARTS} part files`, parts.length);
  const maxBytes = limits.maxBytes ?? 512 * 2 ** 20;
  const files = [];
  for (const name of parts) {
    const path = resolveInside(directory, name, `${table} part`);
    files.push({ bytes: await readFileBounded(path, { maxBytes, what: 'Parquet file' }), name: `${table}/${name}` });
  }
  return readSparkFactors(files, limits);
}

/**
 * Reads a Spark ALSModel folder (`model.write.save(path)` in Spark: `metadata/`, `userFactors/`,
 * `itemFactors/`) into a Loom recommender (see `sparkAlsRecommender`). Every part file is read
 * within `maxBytes` and checked as `readSparkFactors` does; the metadata's class and rank are
 * checked against the tables.
 *
 * @example
 * import { readSparkAls } from '@loom-ml/recommenders/node';
 * const als = await readSparkAls('models/als', { seen: trainingPairs });
 * als.recommend(42, 10);
 */
export async function readSparkAls(folder: string, options: SparkAlsOptions & SparkFactorLimits = {}): Promise<SparkAlsRecommender> {
  const metadataPath = resolveInside(join(folder, 'metadata'), 'part-00000', 'metadata');
  const metadata = parseSparkAlsMetadata(new TextDecoder().decode(await readFileBounded(metadataPath, { maxBytes: 2 ** 20, what: 'Spark model metadata' })), metadataPath);
  const users = await readTable(folder, 'userFactors', options);
  const items = await readTable(folder, 'itemFactors', options);
  for (const [table, name] of [
    [users, 'userFactors'],
    [items, 'itemFactors'],
  ] as const) {
    if (table.rank !== metadata.rank && table.ids.length > 0) throw invalidValue(name, 'readSparkAls', `${metadata.rank} floats per row (the metadata's rank)`, table.rank);
  }
  return sparkAlsRecommender(users, items, options);
}

/**
 * Writes Loom's ALS factors as a Spark ALSModel folder (`ALSModel.load(folder)` in Spark 3.x):
 * `metadata/part-00000`, `userFactors/part-00000-loom.snappy.parquet` and the same for items,
 * each with Spark's `_SUCCESS` marker, every file written atomically.
 *
 * @example
 * import { writeSparkAls } from '@loom-ml/recommenders/node';
 * await writeSparkAls(als, 'exported/als', { users, items });
 */
export async function writeSparkAls(model: ImplicitAls, folder: string, ids: { users?: IdMapping; items?: IdMapping } = {}): Promise<void> {
  const files = alsToSparkFiles(model, ids);
  await writeFileAtomic(join(folder, 'metadata', 'part-00000'), `${files.metadata}\n`);
  await writeFileAtomic(join(folder, 'metadata', '_SUCCESS'), '');
  for (const table of ['userFactors', 'itemFactors'] as const) {
    await writeFileAtomic(join(folder, table, 'part-00000-loom.snappy.parquet'), files[table]);
    await writeFileAtomic(join(folder, table, '_SUCCESS'), '');
  }
}
