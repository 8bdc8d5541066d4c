import { readCsv, type ColumnSpec, type ColumnType, type CsvInput, type CsvOptions, type CsvRow } from '@loom-ml/data';
import { invalidValue } from './errors.js';

// Each dataset is a schema plus a function from parsed rows to the dataset. The `…FromCsv`
// functions here read any CSV input (text, Blob, Response, stream; gzip is inflated) and run
// anywhere; the Node.js entry reads the shipped files with the same schemas and row functions.

/** Options of the `…FromCsv` loaders. */
export interface FromCsvOptions {
  /** Names the input in errors (default: the File name or Response URL). */
  source?: string;
}

export async function rowsOf(input: CsvInput, schema: Record<string, ColumnType | ColumnSpec>, options: FromCsvOptions = {}, csvOptions: Omit<CsvOptions, 'schema' | 'source'> = {}): Promise<CsvRow[]> {
  return (await readCsv(input, { ...csvOptions, schema, ...(options.source === undefined ? {} : { source: options.source }) })).rows;
}

const LENDING_NUMERIC = ['funded_amnt', 'int_rate', 'annual_inc', 'delinq_2yrs', 'inq_last_6mths', 'revol_util', 'acc_now_delinq', 'open_il_6m', 'open_il_12m', 'open_il_24m', 'total_bal_il', 'all_util', 'inq_fi', 'inq_last_12m', 'delinq_amnt', 'num_il_tl', 'total_il_high_credit_limit'] as const;
const LENDING_CATEGORICAL = ['term', 'sub_grade', 'addr_state', 'verification_status', 'emp_length'] as const;

/** One loan of the lending-club data: 17 numeric and 5 categorical features, and its class. */
export type LendingClubLoan = Record<(typeof LENDING_NUMERIC)[number], number> & Record<(typeof LENDING_CATEGORICAL)[number], string> & { Class: 'good' | 'bad' };

export const LENDING_CLUB_SCHEMA: Record<string, ColumnType> = { Class: 'string' };
for (const name of LENDING_NUMERIC) LENDING_CLUB_SCHEMA[name] = 'number';
for (const name of LENDING_CATEGORICAL) LENDING_CLUB_SCHEMA[name] = 'string';

/**
 * Reads the lending-club loans (`lending_club.csv.gz` of this package's `data/` folder, or any
 * CSV with the same columns) from text, a `Blob`/`File`, a fetch `Response` or a stream.
 *
 * @example
 * const loans = await lendingClubFromCsv(await fetch('/data/lending_club.csv.gz'));
 */
export async function lendingClubFromCsv(input: CsvInput, options: FromCsvOptions = {}): Promise<LendingClubLoan[]> {
  return (await rowsOf(input, LENDING_CLUB_SCHEMA, options)) as unknown as LendingClubLoan[];
}

/** The 7 classes of the Statlog shuttle data, in UCI's order 1..7. */
export const SHUTTLE_CLASSES = ['Rad.Flow', 'Fpv.Close', 'Fpv.Open', 'High', 'Bypass', 'Bpv.Close', 'Bpv.Open'] as const;

/**
 * The Statlog shuttle data as `loadShuttle` and `shuttleFromCsv` return it: a row-major
 * feature matrix (`tf.tensor2d(features, [count, 9])`) and class indices.
 */
export interface ShuttleData {
  /** `count * 9` numeric features V1..V9, row-major. */
  features: Float32Array;
  /** Index into `SHUTTLE_CLASSES` (0 = 'Rad.Flow', the normal class, about 78.6%). */
  labels: Int32Array;
  /** Number of rows. */
  count: number;
  /** `SHUTTLE_CLASSES`: the name of each label index. */
  classNames: readonly string[];
}

export const SHUTTLE_SCHEMA: Record<string, ColumnType> = { Class: 'string' };
for (let i = 1; i <= 9; i++) SHUTTLE_SCHEMA[`V${i}`] = 'number';

export function shuttleFromRows(rows: CsvRow[], source: string): ShuttleData {
  const features = new Float32Array(rows.length * 9);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, r) => {
    for (let i = 0; i < 9; i++) features[r * 9 + i] = row[`V${i + 1}`] as number;
    const label = SHUTTLE_CLASSES.indexOf(row.Class as (typeof SHUTTLE_CLASSES)[number]);
    if (label < 0) throw invalidValue('Class', `${source} row ${r + 1}`, `one of ${SHUTTLE_CLASSES.join(', ')}`, row.Class);
    labels[r] = label;
  });
  return { features, labels, count: rows.length, classNames: SHUTTLE_CLASSES };
}

/**
 * Reads the Statlog shuttle data (`shuttle.csv.gz` of this package's `data/` folder, or a CSV
 * with columns V1..V9 and Class) from text, a `Blob`/`File`, a fetch `Response` or a stream.
 *
 * @example
 * const { features, labels, count } = await shuttleFromCsv(await fetch('/data/shuttle.csv.gz'));
 */
export async function shuttleFromCsv(input: CsvInput, options: FromCsvOptions = {}): Promise<ShuttleData> {
  return shuttleFromRows(await rowsOf(input, SHUTTLE_SCHEMA, options), options.source ?? 'the shuttle CSV');
}

/**
 * One Amazon fine-food review (`loadFineFoods`, `fineFoodsFromCsv`): the product's Amazon id (ASIN), the text
 * and its score, `great` for 5 stars and `other` for anything less.
 */
export interface FineFoodReview {
  product: string;
  review: string;
  score: 'great' | 'other';
}

export const FINE_FOODS_SCHEMA: Record<string, ColumnType> = { product: 'string', review: 'string', score: 'string' };

/**
 * Reads Amazon fine-food reviews (`fine_foods_train.csv.gz` / `fine_foods_test.csv.gz` of this
 * package's `data/` folder) from text, a `Blob`/`File`, a fetch `Response` or a stream.
 *
 * @example
 * const test = await fineFoodsFromCsv(await fetch('/data/fine_foods_test.csv.gz')); // 1,000 reviews
 */
export async function fineFoodsFromCsv(input: CsvInput, options: FromCsvOptions = {}): Promise<FineFoodReview[]> {
  return (await rowsOf(input, FINE_FOODS_SCHEMA, options)) as unknown as FineFoodReview[];
}

/**
 * The credit-card fraud data as `creditCardFraudFromCsv` returns it: a row-major feature
 * matrix and 0/1 labels, ready for `tf.tensor2d(features, [count, 30])`.
 */
export interface CreditCardFraudData {
  /** `count * 30` features per row: Time, V1..V28, Amount. */
  features: Float32Array;
  /** The 30 column names, in feature order. */
  featureNames: string[];
  /** 1 = fraud, 0 = genuine. */
  labels: Int32Array;
  /** Number of rows. */
  count: number;
}

const CREDIT_CARD_FEATURES = ['Time', ...Array.from({ length: 28 }, (_, i) => `V${i + 1}`), 'Amount'];
export const CREDIT_CARD_SCHEMA: Record<string, ColumnType> = Object.fromEntries([...CREDIT_CARD_FEATURES.map((name) => [name, 'number']), ['Class', 'integer']]);

export function creditCardFromRows(rows: CsvRow[]): CreditCardFraudData {
  const featureNames = [...CREDIT_CARD_FEATURES];
  const features = new Float32Array(rows.length * featureNames.length);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, r) => {
    featureNames.forEach((name, c) => (features[r * featureNames.length + c] = row[name] as number));
    labels[r] = row.Class as number;
  });
  return { features, featureNames, labels, count: rows.length };
}

/**
 * Reads the ULB credit-card fraud data (`creditcard.csv`: Time, V1..V28, Amount, Class) from
 * text, a `Blob`/`File` (e.g. the file a user picks), a fetch `Response` or a stream.
 *
 * @example
 * const { features, labels, count } = await creditCardFraudFromCsv(fileInput.files[0]);
 */
export async function creditCardFraudFromCsv(input: CsvInput, options: FromCsvOptions = {}): Promise<CreditCardFraudData> {
  return creditCardFromRows(await rowsOf(input, CREDIT_CARD_SCHEMA, options));
}
