import { join } from 'node:path';
import { describeValue } from '@loom-ml/core';
import { readFileBounded } from '@loom-ml/core/node';
import { readCsvFile } from '@loom-ml/data/node';
import { DatasetError, invalidValue } from '../errors.js';
import type { ImageDataset } from '../image-dataset.js';
import { MOVIELENS_100K_GENRES, type Movie, type MovieLensData, type Ratings } from '../movielens-small.js';
import { CREDIT_CARD_SCHEMA, creditCardFromRows, type CreditCardFraudData } from '../tabular-datasets.js';
import { checkIntents, INTENT_CSV_MISSING, INTENT_CSV_SCHEMA, intentsFromRows, type IntentCsvOptions, type IntentDataset } from '../intents.js';
import { loadIdxImageDataset } from './mnist.js';
import { requireFile } from '../shipped-data.js';

/** Default `maxBytes` of the MovieLens loaders: 256 MiB per file (ml-1m's ratings.dat is 24 MB). */
const DEFAULT_MOVIELENS_MAX_BYTES = 256 * 2 ** 20;

/** Options of `loadMovieLens100k` and `loadMovieLens1m`. */
export interface MovieLensFolderOptions {
  /** The unpacked folder (`ml-100k/`, `ml-1m/`). */
  path: string;
  /** Largest file read, in bytes, checked before reading. Default 256 MiB. */
  maxBytes?: number;
}

async function readLatin1(path: string, where: string, help: string, maxBytes: number): Promise<string[]> {
  await requireFile(path, where, help);
  const bytes = await readFileBounded(path, { maxBytes, what: 'MovieLens file' }).catch((error: Error) => {
    throw new DatasetError(`${where}: ${error.message}`);
  });
  // GroupLens' older files are ISO-8859-1, not UTF-8 (e.g. "Misérables").
  return new TextDecoder('latin1').decode(bytes).split(/\r?\n/).filter((line) => line.length > 0);
}

function checkFolderOptions(options: MovieLensFolderOptions, where: string): number {
  checkPath(options?.path, where);
  const maxBytes = options.maxBytes ?? DEFAULT_MOVIELENS_MAX_BYTES;
  if (!(Number.isSafeInteger(maxBytes) && maxBytes > 0)) throw invalidValue('maxBytes', where, 'a positive integer (bytes)', maxBytes);
  return maxBytes;
}

function ratingsFromLines(lines: string[], separator: string | RegExp, file: string): Ratings {
  const count = lines.length;
  const ratings: Ratings = { userId: new Int32Array(count), movieId: new Int32Array(count), rating: new Float32Array(count), timestamp: new Float64Array(count), count };
  lines.forEach((line, i) => {
    const fields = line.split(separator).map(Number);
    if (fields.length !== 4 || fields.some((value) => !Number.isFinite(value))) {
      throw new DatasetError(`${file} line ${i + 1}: expected user, item, rating, timestamp. Received: ${describeValue(line)}.`);
    }
    [ratings.userId[i], ratings.movieId[i], ratings.rating[i], ratings.timestamp[i]] = fields as [number, number, number, number];
  });
  return ratings;
}

function splitTitleYear(text: string): { title: string; year: number | null } {
  const match = /^(.*) \((\d{4})\)\s*$/.exec(text);
  return match ? { title: match[1]!, year: Number(match[2]) } : { title: text.trim(), year: null };
}

function checkPath(path: unknown, where: string): asserts path is string {
  if (typeof path !== 'string' || path.length === 0) throw invalidValue('path', where, 'the path of the unpacked folder', path);
}

/**
 * Reads MovieLens 100K from the folder you unpacked (`ml-100k/`): `u.data` (tab-separated
 * user, item, rating, timestamp) and `u.item` (pipe-separated, Latin-1, 19 genre flags).
 *
 * @example
 * import { loadMovieLens100k } from '@loom-ml/datasets/node';
 * const { ratings, movies } = await loadMovieLens100k({ path: './ml-100k' }); // 100,000 ratings
 */
export async function loadMovieLens100k(options: MovieLensFolderOptions): Promise<MovieLensData> {
  const maxBytes = checkFolderOptions(options, 'loadMovieLens100k');
  const help = 'Download ml-100k.zip from https://grouplens.org/datasets/movielens/100k/ and pass the unpacked folder as `path`.';
  const ratingLines = await readLatin1(join(options.path, 'u.data'), 'loadMovieLens100k', help, maxBytes);
  const itemLines = await readLatin1(join(options.path, 'u.item'), 'loadMovieLens100k', help, maxBytes);
  const movies: Movie[] = itemLines.map((line, i) => {
    const fields = line.split('|');
    if (fields.length !== 5 + MOVIELENS_100K_GENRES.length) throw new DatasetError(`u.item line ${i + 1}: expected 24 '|'-separated fields. Received: ${fields.length}.`);
    const flags = fields.slice(5);
    return { movieId: Number(fields[0]), ...splitTitleYear(fields[1]!), genres: MOVIELENS_100K_GENRES.filter((_, g) => flags[g] === '1') };
  });
  return { ratings: ratingsFromLines(ratingLines, '\t', 'u.data'), movies };
}

/**
 * Reads MovieLens 1M from the folder you unpacked (`ml-1m/`): `ratings.dat`
 * (`UserID::MovieID::Rating::Timestamp`) and `movies.dat` (`MovieID::Title (Year)::Genre|Genre`), Latin-1.
 *
 * @example
 * import { loadMovieLens1m } from '@loom-ml/datasets/node';
 * const { ratings, movies } = await loadMovieLens1m({ path: './ml-1m' }); // 1,000,209 ratings
 */
export async function loadMovieLens1m(options: MovieLensFolderOptions): Promise<MovieLensData> {
  const maxBytes = checkFolderOptions(options, 'loadMovieLens1m');
  const help = 'Download ml-1m.zip from https://grouplens.org/datasets/movielens/1m/ and pass the unpacked folder as `path`.';
  const ratingLines = await readLatin1(join(options.path, 'ratings.dat'), 'loadMovieLens1m', help, maxBytes);
  const movieLines = await readLatin1(join(options.path, 'movies.dat'), 'loadMovieLens1m', help, maxBytes);
  const movies: Movie[] = movieLines.map((line, i) => {
    const fields = line.split('::');
    if (fields.length !== 3) throw new DatasetError(`movies.dat line ${i + 1}: expected MovieID::Title::Genres. Received: ${describeValue(line)}.`);
    return { movieId: Number(fields[0]), ...splitTitleYear(fields[1]!), genres: fields[2]!.split('|') };
  });
  return { ratings: ratingsFromLines(ratingLines, '::', 'ratings.dat'), movies };
}

/**
 * Reads the ULB credit-card fraud data (`creditcard.csv`, 284,807 rows, 492 frauds) from a path
 * you downloaded it to; it is on no package registry, so nothing ships here.
 *
 * @example
 * import { loadCreditCardFraud } from '@loom-ml/datasets/node';
 * const { features, labels, count } = await loadCreditCardFraud({ path: './creditcard.csv' });
 */
export async function loadCreditCardFraud(options: { path: string }): Promise<CreditCardFraudData> {
  const path = options?.path;
  if (typeof path !== 'string' || path.length === 0) throw invalidValue('path', 'loadCreditCardFraud', 'the path of creditcard.csv', path);
  await requireFile(path, 'loadCreditCardFraud', "Download creditcard.csv (ULB's 'Credit Card Fraud Detection', Open Database License) from https://www.kaggle.com/datasets/mlg-ulb/creditcardfraud and pass its path.");
  return creditCardFromRows((await readCsvFile(path, { schema: CREDIT_CARD_SCHEMA })).rows);
}

/**
 * Reads Fashion-MNIST (Zalando, MIT; 60,000 / 10,000 28x28 images) from gzipped IDX files, by
 * default where Debian's `dataset-fashion-mnist` package installs them.
 *
 * @example
 * import { loadFashionMnist } from '@loom-ml/datasets/node';
 * const test = await loadFashionMnist({ split: 'test' }); // after `apt-get install dataset-fashion-mnist`
 */
export async function loadFashionMnist(options: { split: 'train' | 'test'; path?: string; limit?: number }): Promise<ImageDataset> {
  const split = options?.split;
  if (split !== 'train' && split !== 'test') throw invalidValue('split', 'loadFashionMnist', "'train' or 'test'", split);
  const path = options.path ?? '/usr/share/datasets/fashion-mnist';
  const prefix = split === 'train' ? 'train' : 't10k';
  const files = { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
  const help = 'Install it with `apt-get install dataset-fashion-mnist`, or pass `path` to a folder holding the (gzipped) IDX files.';
  const { access } = await import('node:fs/promises');
  const present = await Promise.any(['', '.gz'].map((suffix) => access(join(path, files.images + suffix)))).then(() => true, () => false);
  if (!present) throw new DatasetError(`loadFashionMnist: cannot read ${join(path, files.images)}(.gz): no such file. ${help}`);
  return loadIdxImageDataset(path, files, 'loadFashionMnist', options.limit);
}

/**
 * Reads labelled queries in BANKING77's layout (a header `text,category`, one query per row;
 * other columns ignored) from a CSV file of yours, plain or gzipped: your own support queries,
 * say, to train the same models on. Labels index `intents` (default: the file's categories,
 * sorted; pass the training file's `intents` when reading its test file).
 *
 * @example
 * import { loadIntentCsv } from '@loom-ml/datasets/node';
 * const train = await loadIntentCsv({ path: './queries-train.csv' });
 * const test = await loadIntentCsv({ path: './queries-test.csv', intents: train.intents });
 */
export async function loadIntentCsv(options: { path: string; intents?: IntentCsvOptions['intents'] }): Promise<IntentDataset> {
  const path = options?.path;
  if (typeof path !== 'string' || path.length === 0) throw invalidValue('path', 'loadIntentCsv', 'the path of a CSV file with columns text and category', path);
  const intents = checkIntents(options.intents, 'loadIntentCsv');
  await requireFile(path, 'loadIntentCsv', 'Pass the path of a CSV file (plain or gzipped) whose header has the columns text and category.');
  const { rows } = await readCsvFile(path, { schema: INTENT_CSV_SCHEMA, missingValues: INTENT_CSV_MISSING });
  return intentsFromRows(rows, intents, 'loadIntentCsv', path);
}
