// Node.js only (imported by node.ts, never by index.ts). It stays in src/, beside index.ts, so
// that `../data/` names the package's data/ folder both from src/ (tests) and from dist/.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCsvFile } from '@loom-ml/data/node';
import type { ColumnSpec, ColumnType, CsvRow } from '@loom-ml/data';
import { DatasetError, invalidValue } from './errors.js';
import { MOVIELENS_MOVIES_SCHEMA, MOVIELENS_RATINGS_SCHEMA, moviesFromRows, ratingsFromRows, type MovieLensData } from './movielens-small.js';
import { BANKING77_INTENTS, INTENT_CSV_MISSING, INTENT_CSV_SCHEMA, intentsFromRows, type IntentDataset } from './intents.js';
import { FINE_FOODS_SCHEMA, LENDING_CLUB_SCHEMA, SHUTTLE_SCHEMA, shuttleFromRows, type FineFoodReview, type LendingClubLoan, type ShuttleData } from './tabular-datasets.js';

/**
 * Path of a gzipped CSV shipped in this package's `data/` folder (beside `dist/` and `src/`).
 * Serve these files to a page and read them there with the `…FromCsv` loaders.
 *
 * @example
 * import { shippedDataFile } from '@loom-ml/datasets/node';
 * const path = shippedDataFile('shuttle.csv.gz');
 */
export function shippedDataFile(name: string): string {
  return fileURLToPath(new URL(`../data/${name}`, import.meta.url));
}

/** Throws a DatasetError naming `path` and what to do when a data file is missing. */
export async function requireFile(path: string, where: string, help: string): Promise<void> {
  await access(path).catch(() => {
    throw new DatasetError(`${where}: cannot read ${path}: no such file. ${help}`);
  });
}

const HELP = 'It ships in the data/ folder of @loom-ml/datasets; reinstall the package.';

async function readShipped(name: string, where: string, schema: Record<string, ColumnType | ColumnSpec>): Promise<CsvRow[]> {
  const path = shippedDataFile(name);
  await requireFile(path, where, HELP);
  return (await readCsvFile(path, { schema })).rows;
}

/**
 * Loads 9,857 Lending Club loans (R modeldata's `lending_club`, MIT): 22 features and
 * `Class` 'good' / 'bad' (517 bad, 5.2%). Shipped in this package; Node.js only (in a browser,
 * `lendingClubFromCsv` reads the same file from a Response).
 *
 * @example
 * import { loadLendingClub } from '@loom-ml/datasets/node';
 * const loans = await loadLendingClub();
 * const bad = loans.filter((loan) => loan.Class === 'bad').length; // 517
 */
export async function loadLendingClub(): Promise<LendingClubLoan[]> {
  return (await readShipped('lending_club.csv.gz', 'loadLendingClub', LENDING_CLUB_SCHEMA)) as unknown as LendingClubLoan[];
}

/**
 * Loads the Statlog (shuttle) data (UCI, via R mlbench's `Shuttle`, GPL-2): 58,000 rows, 9
 * numeric features, 7 very unbalanced classes; a common anomaly-detection benchmark. Node.js
 * only (in a browser, `shuttleFromCsv`).
 *
 * @example
 * import { loadShuttle } from '@loom-ml/datasets/node';
 * const { features, labels, count } = await loadShuttle(); // count 58000, 9 features per row
 */
export async function loadShuttle(): Promise<ShuttleData> {
  return shuttleFromRows(await readShipped('shuttle.csv.gz', 'loadShuttle', SHUTTLE_SCHEMA), 'shuttle.csv.gz');
}

/**
 * Loads Amazon fine-food reviews (R modeldata's `small_fine_foods`, MIT): 4,000 train and 1,000
 * test reviews, `score` 'great' (5 stars) or 'other'. Shipped in this package; Node.js only (in
 * a browser, `fineFoodsFromCsv`).
 *
 * @example
 * import { loadFineFoods } from '@loom-ml/datasets/node';
 * const test = await loadFineFoods({ split: 'test' }); // 1,000 reviews, 658 great
 */
export async function loadFineFoods(options: { split: 'train' | 'test' }): Promise<FineFoodReview[]> {
  const split = options?.split;
  if (split !== 'train' && split !== 'test') throw invalidValue('split', 'loadFineFoods', "'train' or 'test'", split);
  return (await readShipped(`fine_foods_${split}.csv.gz`, 'loadFineFoods', FINE_FOODS_SCHEMA)) as unknown as FineFoodReview[];
}

/**
 * Loads MovieLens latest-small (GroupLens, 2016 snapshot as shipped in R's dslabs): 100,004
 * ratings by 671 users of 9,066 movies, plus titles and genre lists. Shipped in this package;
 * Node.js only (in a browser, `movieLensSmallFromCsv`).
 *
 * @example
 * import { loadMovieLensSmall } from '@loom-ml/datasets/node';
 * const { ratings, movies } = await loadMovieLensSmall();
 * console.log(ratings.count, movies[0]?.title); // 100004 'Toy Story'
 */
export async function loadMovieLensSmall(): Promise<MovieLensData> {
  const [ratingRows, movieRows] = await Promise.all([
    readShipped('movielens_small_ratings.csv.gz', 'loadMovieLensSmall', MOVIELENS_RATINGS_SCHEMA),
    readShipped('movielens_small_movies.csv.gz', 'loadMovieLensSmall', MOVIELENS_MOVIES_SCHEMA),
  ]);
  return { ratings: ratingsFromRows(ratingRows), movies: moviesFromRows(movieRows) };
}

/**
 * Loads a split of BANKING77 (Casanueva et al. 2020, CC BY 4.0): online-banking customer
 * queries labelled with one of 77 intents, 10,003 for 'train' and 3,080 for 'test'; `labels`
 * index `BANKING77_INTENTS`. Shipped in this package; with `path`, reads PolyAI's original files
 * instead: the `banking_data/` folder holding `train.csv` and `test.csv` (plain or `.gz`).
 * Node.js only (in a browser, `banking77FromCsv`).
 *
 * @example
 * import { loadBanking77 } from '@loom-ml/datasets/node';
 * const train = await loadBanking77({ split: 'train' }); // 10,003 queries
 * console.log(train.texts[0], train.intents[train.labels[0]]); // 'I am still waiting on my card?' 'card_arrival'
 */
export async function loadBanking77(options: { split: 'train' | 'test'; path?: string }): Promise<IntentDataset> {
  const split = options?.split;
  if (split !== 'train' && split !== 'test') throw invalidValue('split', 'loadBanking77', "'train' or 'test'", split);
  let file: string;
  if (options.path === undefined) {
    file = shippedDataFile(`banking77_${split}.csv.gz`);
    await requireFile(file, 'loadBanking77', HELP);
  } else {
    if (typeof options.path !== 'string' || options.path.length === 0) throw invalidValue('path', 'loadBanking77', "the folder holding PolyAI's train.csv and test.csv", options.path);
    const plain = join(options.path, `${split}.csv`);
    file = (await access(plain).then(() => true, () => false)) ? plain : `${plain}.gz`;
    await requireFile(file, 'loadBanking77', 'Download train.csv and test.csv from https://github.com/PolyAI-LDN/task-specific-datasets (banking_data/) and pass their folder as `path`, or leave `path` out to read the copy shipped with this package.');
  }
  const { rows } = await readCsvFile(file, { schema: INTENT_CSV_SCHEMA, missingValues: INTENT_CSV_MISSING });
  return intentsFromRows(rows, BANKING77_INTENTS, 'loadBanking77', file);
}
