import { readCsvFile, type ColumnType, type CsvRow } from '@loom-ml/data';
import { invalidValue } from './errors.js';
import { requireFile, shippedDataFile } from './shipped-data.js';

const HELP = 'It ships in the data/ folder of @loom-ml/datasets; reinstall the package.';

async function readShipped(name: string, where: string, schema: Record<string, ColumnType>): Promise<CsvRow[]> {
  const path = shippedDataFile(name);
  await requireFile(path, where, HELP);
  return (await readCsvFile(path, { schema })).rows;
}

const LENDING_NUMERIC = ['funded_amnt', 'int_rate', 'annual_inc', 'delinq_2yrs', 'inq_last_6mths', 'revol_util', 'acc_now_delinq', 'open_il_6m', 'open_il_12m', 'open_il_24m', 'total_bal_il', 'all_util', 'inq_fi', 'inq_last_12m', 'delinq_amnt', 'num_il_tl', 'total_il_high_credit_limit'] as const;
const LENDING_CATEGORICAL = ['term', 'sub_grade', 'addr_state', 'verification_status', 'emp_length'] as const;

/** One loan of the lending-club data: 17 numeric and 5 categorical features, and its class. */
export type LendingClubLoan = Record<(typeof LENDING_NUMERIC)[number], number> & Record<(typeof LENDING_CATEGORICAL)[number], string> & { Class: 'good' | 'bad' };

/**
 * Loads 9,857 Lending Club loans (R modeldata's `lending_club`, MIT): 22 features and
 * `Class` 'good' / 'bad' (517 bad, 5.2%). Shipped in this package.
 *
 * @example
 * const loans = await loadLendingClub();
 * const bad = loans.filter((loan) => loan.Class === 'bad').length; // 517
 */
export async function loadLendingClub(): Promise<LendingClubLoan[]> {
  const schema: Record<string, ColumnType> = { Class: 'string' };
  for (const name of LENDING_NUMERIC) schema[name] = 'number';
  for (const name of LENDING_CATEGORICAL) schema[name] = 'string';
  return (await readShipped('lending_club.csv.gz', 'loadLendingClub', schema)) as unknown as LendingClubLoan[];
}

/** The 7 classes of the Statlog shuttle data, in UCI's order 1..7. */
export const SHUTTLE_CLASSES = ['Rad.Flow', 'Fpv.Close', 'Fpv.Open', 'High', 'Bypass', 'Bpv.Close', 'Bpv.Open'] as const;

export interface ShuttleData {
  /** `count * 9` numeric features V1..V9, row-major. */
  features: Float32Array;
  /** Index into `SHUTTLE_CLASSES` (0 = 'Rad.Flow', the normal class, about 78.6%). */
  labels: Int32Array;
  count: number;
  classNames: readonly string[];
}

/**
 * Loads the Statlog (shuttle) data (UCI, via R mlbench's `Shuttle`, GPL-2): 58,000 rows, 9
 * numeric features, 7 very unbalanced classes; a common anomaly-detection benchmark.
 *
 * @example
 * const { features, labels, count } = await loadShuttle(); // count 58000, 9 features per row
 */
export async function loadShuttle(): Promise<ShuttleData> {
  const schema: Record<string, ColumnType> = { Class: 'string' };
  for (let i = 1; i <= 9; i++) schema[`V${i}`] = 'number';
  const rows = await readShipped('shuttle.csv.gz', 'loadShuttle', schema);
  const features = new Float32Array(rows.length * 9);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, r) => {
    for (let i = 0; i < 9; i++) features[r * 9 + i] = row[`V${i + 1}`] as number;
    const label = SHUTTLE_CLASSES.indexOf(row.Class as (typeof SHUTTLE_CLASSES)[number]);
    if (label < 0) throw invalidValue('Class', `shuttle.csv.gz row ${r + 1}`, `one of ${SHUTTLE_CLASSES.join(', ')}`, row.Class);
    labels[r] = label;
  });
  return { features, labels, count: rows.length, classNames: SHUTTLE_CLASSES };
}

export interface FineFoodReview {
  product: string;
  review: string;
  score: 'great' | 'other';
}

/**
 * Loads Amazon fine-food reviews (R modeldata's `small_fine_foods`, MIT): 4,000 train and 1,000
 * test reviews, `score` 'great' (5 stars) or 'other'. Shipped in this package.
 *
 * @example
 * const test = await loadFineFoods({ split: 'test' }); // 1,000 reviews, 658 great
 */
export async function loadFineFoods(options: { split: 'train' | 'test' }): Promise<FineFoodReview[]> {
  const split = options?.split;
  if (split !== 'train' && split !== 'test') throw invalidValue('split', 'loadFineFoods', "'train' or 'test'", split);
  const rows = await readShipped(`fine_foods_${split}.csv.gz`, 'loadFineFoods', { product: 'string', review: 'string', score: 'string' });
  return rows as unknown as FineFoodReview[];
}
