import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeValue } from '@loom-ml/core';
import { readFileBounded } from '@loom-ml/core/node';
import { readXGBoostModel } from '@loom-ml/fraud-detection/node';
import {
  explainByPerturbation,
  IsolationForest,
  LogisticRegression,
  LoomError,
  TabularEncoder,
  type Explanation,
  type IsolationForestJSON,
  type LogisticRegressionJSON,
  type TabularEncoderJSON,
  type TabularRow,
  type TabularSchema,
  type XGBoostModel,
} from '@loom-ml/fraud-detection';
import { AppError } from './errors.js';

/** Version 2: the models are saved with the package's own toJSON (version 1 held bare logistic weights and no forest). */
export const BUNDLE_FORMAT = 'loom-fraud-service/2';

/** Everything the server needs, saved as one JSON file: the fitted encoder, the model, the threshold and what the dashboard shows. */
export interface ModelBundle {
  format: typeof BUNDLE_FORMAT;
  trainedAt: string;
  schema: TabularSchema;
  encoder: TabularEncoderJSON;
  /** Logistic regression on the encoded features (`LogisticRegression.toJSON()`): score = σ(w·x + b). */
  logistic: LogisticRegressionJSON;
  /**
   * Isolation forest on the same encoded features, trained without labels: a second signal,
   * how unusual a loan is, not a probability of a bad loan.
   */
  anomaly: {
    forest: IsolationForestJSON;
    /** Its ranking of bad loans on the test split (for context: it never saw a label). */
    rocAuc: number;
    averagePrecision: number;
    /** Anomaly scores of the training loans at the 50th, 90th and 99th percentiles. */
    trainingQuantiles: { p50: number; p90: number; p99: number };
  };
  /** Training median/mode row: what each feature is compared with in explanations. */
  baseline: TabularRow;
  threshold: {
    /** Flag (decision 'review') when score >= value. */
    value: number;
    /** How it was chosen, in words, e.g. "lowest cost on the validation split (false positive 1, false negative 10)". */
    rule: string;
  };
  /** Held-out test-split results of the served model. */
  evaluation: {
    rows: number;
    positives: number;
    rocAuc: number;
    averagePrecision: number;
    precisionAtThreshold: number;
    recallAtThreshold: number;
    flaggedShare: number;
    prCurve: { precision: number[]; recall: number[]; thresholds: number[] };
    scoreHistogram: { edges: number[]; good: number[]; bad: number[] };
  };
  /** Training distributions for drift (PSI): a sample of each numeric column, category shares. */
  reference: { trainingRows: number; numeric: Record<string, number[]>; categorical: Record<string, Record<string, number>> };
}

/**
 * What the server reads about the model it serves: a bundle saved by `pnpm start`, or a model
 * imported from another engine (XGBoost) with its encoder file, which has no test-split
 * evaluation and no anomaly forest (the dashboard and /score leave those parts out).
 */
export type ServedBundle = Pick<ModelBundle, 'schema' | 'encoder' | 'baseline' | 'threshold' | 'reference'> & {
  /** When `pnpm start` trained it; absent for an imported model. */
  trainedAt?: string;
  evaluation?: ModelBundle['evaluation'];
  anomaly?: ModelBundle['anomaly'];
};

/** A served model, ready to score and explain raw rows. */
export interface Scorer {
  bundle: ServedBundle;
  /** The model in words, for the dashboard and the start-up line: 'logistic regression', 'XGBoost binary:logistic, 30 trees (xgboost.json)'. */
  description: string;
  encoder: TabularEncoder;
  /** P(bad loan) of each row: the model's predictProba on the encoded row. */
  scoreRows(rows: readonly TabularRow[]): Float64Array;
  /** The model's log-odds of a bad loan for each row (w·x + b for the logistic regression, the margin for XGBoost). */
  logOdds(rows: readonly TabularRow[]): Float64Array;
  /** The isolation forest's anomaly score of each row, in (0, 1]: higher is more unusual. Not a probability. Absent for an imported model. */
  anomalyScores?(rows: readonly TabularRow[]): Float64Array;
  /**
   * Per-column attributions on the log-odds scale: log-odds of the row minus log-odds with that
   * column at its training median/mode. (The returned `score` is the log-odds too.)
   */
  explain(row: TabularRow): Explanation;
}

/** A scorer of a bundle saved by `pnpm start`: the logistic regression and the isolation forest. */
export interface BundleScorer extends Scorer {
  bundle: ModelBundle;
  model: LogisticRegression;
  forest: IsolationForest;
  anomalyScores(rows: readonly TabularRow[]): Float64Array;
}

/**
 * Wraps a bundle for serving: the encoder, `LogisticRegression` and `IsolationForest` are
 * restored with the package's own fromJSON, so serving scores exactly as training did.
 *
 * @example
 * const scorer = createScorer(await loadBundle('runs/latest'));
 * const [probability] = scorer.scoreRows([loan]);
 */
export function createScorer(bundle: ModelBundle): BundleScorer {
  const encoder = TabularEncoder.fromJSON(bundle.encoder);
  const model = LogisticRegression.fromJSON(bundle.logistic);
  const forest = IsolationForest.fromJSON(bundle.anomaly.forest);
  const logOdds = (rows: readonly TabularRow[]) => model.logOdds(encoder.transform(rows));
  const scoreRows = (rows: readonly TabularRow[]) => model.predictProba(encoder.transform(rows));
  const anomalyScores = (rows: readonly TabularRow[]) => forest.score(encoder.transform(rows));
  const features = [...bundle.schema.numeric, ...bundle.schema.categorical];
  // Explained on the log-odds scale: there each column's effect is additive for a logistic model
  // (the attributions add up to logOdds(row) − logOdds(baseline) exactly), whereas probability
  // differences shrink towards 0 for a loan whose score is already near 1.
  const explain = (row: TabularRow) => explainByPerturbation(logOdds, row, { baseline: bundle.baseline, features });
  return { bundle, description: 'logistic regression', encoder, model, forest, scoreRows, logOdds, anomalyScores, explain };
}

/** Format of encoder.json: what a model trained elsewhere on the bundle's columns needs to be served. */
export const ENCODER_FORMAT = 'loom-fraud-service/encoder';

/**
 * encoder.json, which `pnpm start` writes beside model.json: the fitted encoder, the training
 * median/mode row (explanations) and the training distributions (drift). Train a model in
 * another engine (XGBoost) on `TabularEncoder.fromJSON(file.encoder).transform(rows)`, whose
 * columns are `featureNames`, then serve it with `pnpm serve --model xgboost.json --encoder encoder.json`.
 */
export interface EncoderFile {
  format: typeof ENCODER_FORMAT;
  encoder: TabularEncoderJSON;
  baseline: TabularRow;
  reference: ModelBundle['reference'];
}

/** The encoder file of a bundle. */
export function encoderFile(bundle: ModelBundle): EncoderFile {
  return { format: ENCODER_FORMAT, encoder: bundle.encoder, baseline: bundle.baseline, reference: bundle.reference };
}

async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(value));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes `model.json`, then `encoder.json` (see {@link EncoderFile}), into `directory`, each
 * through a temporary file and a rename, so a reader never sees half a file; if a write fails,
 * its temporary file is removed and the previous file stays as it was.
 *
 * @example
 * await saveBundle('runs/latest', bundle); // 'runs/latest/model.json' (and runs/latest/encoder.json)
 */
export async function saveBundle(directory: string, bundle: ModelBundle): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, 'model.json');
  await writeJsonAtomically(path, bundle);
  await writeJsonAtomically(join(directory, 'encoder.json'), encoderFile(bundle));
  return path;
}

/** Largest model.json loadBundle reads. Default 64 MiB (a bundle is about 400 kB). */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/** Checks values read from a bundle, naming the field in Loom's one message form. */
class BundleChecker {
  constructor(
    private readonly file: string,
    private readonly where = 'loadBundle',
  ) {}

  fail(path: string, expected: string, received: unknown): never {
    throw new AppError(`${this.file}: Invalid value for \`${path}\` in ${this.where}. Expected ${expected}. Received: ${received === undefined ? 'nothing' : describeValue(received)}.`);
  }

  object(value: unknown, path: string, expected = 'an object'): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, expected, value);
    return value as Record<string, unknown>;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, 'a string', value);
    return value;
  }

  number(value: unknown, path: string, { min = -Infinity, max = Infinity, integer = false } = {}): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      const range = min > -Infinity && max < Infinity ? ` from ${min} to ${max}` : min > -Infinity ? ` >= ${min}` : '';
      this.fail(path, `${integer ? 'an integer' : 'a finite number'}${range}`, value);
    }
    return value;
  }

  numbers(value: unknown, path: string, options: { min?: number; max?: number; integer?: boolean; length?: number; nonEmpty?: boolean } = {}): number[] {
    if (!Array.isArray(value) || (options.length !== undefined && value.length !== options.length) || (options.nonEmpty && value.length === 0)) {
      const count = options.length !== undefined ? `${options.length} ` : options.nonEmpty ? 'one or more ' : '';
      this.fail(path, `an array of ${count}numbers`, Array.isArray(value) ? `${value.length} items` : value);
    }
    value.forEach((v, i) => this.number(v, `${path}[${i}]`, options));
    return value as number[];
  }

  columns(value: unknown, path: string): string[] {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) this.fail(path, 'an array of column names', value);
    return value as string[];
  }
}

/** The training median/mode row explanations compare with: a number per numeric column, a string per categorical one. */
function checkBaseline(check: BundleChecker, value: unknown, numeric: readonly string[], categorical: readonly string[]): void {
  const baseline = check.object(value, 'baseline', 'the training median/mode row');
  for (const column of numeric) check.number(baseline[column], `baseline.${column}`);
  for (const column of categorical) check.string(baseline[column], `baseline.${column}`);
}

/** The training distributions drift is measured against: a sample per numeric column, category shares. */
function checkReference(check: BundleChecker, value: unknown, numeric: readonly string[], categorical: readonly string[]): void {
  const reference = check.object(value, 'reference', 'the training distributions for drift');
  check.number(reference.trainingRows, 'reference.trainingRows', { min: 1, integer: true });
  const referenceNumeric = check.object(reference.numeric, 'reference.numeric');
  for (const column of numeric) check.numbers(referenceNumeric[column], `reference.numeric.${column}`, { nonEmpty: true });
  const referenceCategorical = check.object(reference.categorical, 'reference.categorical');
  for (const column of categorical) {
    const shares = check.object(referenceCategorical[column], `reference.categorical.${column}`, 'category shares { "<category>": share }');
    for (const [category, share] of Object.entries(shares)) check.number(share, `reference.categorical.${column}[${JSON.stringify(category.slice(0, 40))}]`, { min: 0, max: 1 });
  }
}

/**
 * Checks every field the server reads before anything is built from it: the schema, baseline,
 * threshold, evaluation, anomaly summary and drift reference (the encoder and the two models are
 * checked by their own `fromJSON`). A missing or mistyped field is an {@link AppError} naming it,
 * e.g. "runs/latest/model.json: Invalid value for \`threshold.value\` in loadBundle. Expected a
 * finite number from 0 to 1. Received: null."
 *
 * @example
 * const bundle = validateBundle(JSON.parse(text), 'runs/latest/model.json');
 */
export function validateBundle(value: unknown, file: string): ModelBundle {
  const check = new BundleChecker(file);
  const bundle = check.object(value, 'model.json', 'a JSON object written by `pnpm start`');
  if (bundle.format !== BUNDLE_FORMAT) check.fail('format', `'${BUNDLE_FORMAT}'`, bundle.format ?? null);
  check.string(bundle.trainedAt, 'trainedAt');
  const schema = check.object(bundle.schema, 'schema', '{ numeric: [...], categorical: [...] }');
  const numeric = check.columns(schema.numeric, 'schema.numeric');
  const categorical = check.columns(schema.categorical, 'schema.categorical');
  const all = [...numeric, ...categorical];
  if (all.length === 0 || new Set(all).size !== all.length) check.fail('schema', 'one or more columns, each named once', schema);
  const encoder = check.object(bundle.encoder, 'encoder');
  const encoderSchema = check.object(encoder.schema, 'encoder.schema');
  if (JSON.stringify([encoderSchema.numeric, encoderSchema.categorical]) !== JSON.stringify([numeric, categorical])) {
    check.fail('encoder.schema', 'the same columns, in the same order, as `schema`', encoderSchema);
  }
  check.object(bundle.logistic, 'logistic');
  const anomaly = check.object(bundle.anomaly, 'anomaly', 'the isolation forest and its evaluation');
  check.object(anomaly.forest, 'anomaly.forest');
  check.number(anomaly.rocAuc, 'anomaly.rocAuc', { min: 0, max: 1 });
  check.number(anomaly.averagePrecision, 'anomaly.averagePrecision', { min: 0, max: 1 });
  const quantiles = check.object(anomaly.trainingQuantiles, 'anomaly.trainingQuantiles');
  for (const q of ['p50', 'p90', 'p99']) check.number(quantiles[q], `anomaly.trainingQuantiles.${q}`, { min: 0, max: 1 });

  checkBaseline(check, bundle.baseline, numeric, categorical);
  const threshold = check.object(bundle.threshold, 'threshold', '{ value, rule }');
  check.number(threshold.value, 'threshold.value', { min: 0, max: 1 });
  check.string(threshold.rule, 'threshold.rule');

  const evaluation = check.object(bundle.evaluation, 'evaluation', 'the test-split results');
  const rows = check.number(evaluation.rows, 'evaluation.rows', { min: 1, integer: true });
  check.number(evaluation.positives, 'evaluation.positives', { min: 0, max: rows, integer: true });
  for (const name of ['rocAuc', 'averagePrecision', 'precisionAtThreshold', 'recallAtThreshold', 'flaggedShare']) {
    check.number(evaluation[name], `evaluation.${name}`, { min: 0, max: 1 });
  }
  const curve = check.object(evaluation.prCurve, 'evaluation.prCurve');
  const precision = check.numbers(curve.precision, 'evaluation.prCurve.precision', { min: 0, max: 1 });
  check.numbers(curve.recall, 'evaluation.prCurve.recall', { min: 0, max: 1, length: precision.length });
  check.numbers(curve.thresholds, 'evaluation.prCurve.thresholds');
  const histogram = check.object(evaluation.scoreHistogram, 'evaluation.scoreHistogram');
  const good = check.numbers(histogram.good, 'evaluation.scoreHistogram.good', { min: 0, integer: true, nonEmpty: true });
  check.numbers(histogram.bad, 'evaluation.scoreHistogram.bad', { min: 0, integer: true, length: good.length });
  check.numbers(histogram.edges, 'evaluation.scoreHistogram.edges', { min: 0, max: 1, length: good.length + 1 });

  checkReference(check, bundle.reference, numeric, categorical);
  return bundle as unknown as ModelBundle;
}

/**
 * Reads what {@link saveBundle} wrote (at most {@link MAX_BUNDLE_BYTES}), checks every field
 * ({@link validateBundle}) and that the models fit the encoder, so a bundle that loads can serve:
 * a missing or mistyped field is an error naming it, never a TypeError at start-up or a 500 later.
 *
 * @example
 * const bundle = await loadBundle('runs/latest');
 */
export async function loadBundle(directory: string, { maxBytes = MAX_BUNDLE_BYTES } = {}): Promise<ModelBundle> {
  const file = join(directory, 'model.json');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readFileBounded(file, { maxBytes, what: 'model file' }));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (LoomError.isInstance(error) && /does not exist/.test(error.message))) {
      throw new AppError(`Invalid value for \`model\` in loadBundle. Expected a directory with model.json written by \`pnpm start\`. Received: '${directory}'.`);
    }
    if (LoomError.isInstance(error)) throw new AppError(error.message);
    throw new AppError(`Invalid value for \`model\` in loadBundle. Expected readable UTF-8 JSON in ${file}. Received: ${(error as Error).message}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AppError(`Invalid value for \`model\` in loadBundle. Expected readable JSON in ${file}. Received: ${(error as Error).message}.`);
  }
  const bundle = validateBundle(parsed, file);
  let scorer: BundleScorer;
  try {
    scorer = createScorer(bundle);
  } catch (error) {
    // The package names the bad field (e.g. `weights[3]` in LogisticRegression.fromJSON); add the file.
    if (LoomError.isInstance(error)) throw new AppError(`${file}: ${error.message}`);
    throw error;
  }
  const width = scorer.encoder.featureNames.length;
  if (scorer.model.weights.length !== width) {
    throw new AppError(`${file}: Invalid value for \`logistic.weights\` in loadBundle. Expected ${width} weights (one per encoded feature). Received: ${scorer.model.weights.length} weights.`);
  }
  if (bundle.anomaly.forest.features !== width) {
    throw new AppError(`${file}: Invalid value for \`anomaly.forest.features\` in loadBundle. Expected ${width} (one per encoded feature). Received: ${bundle.anomaly.forest.features}.`);
  }
  return bundle;
}

export interface ImportedModelOptions {
  /** Review (flag) a loan when its score is at or above this. Default 0.5. */
  threshold?: number;
  /** Largest XGBoost model file and encoder file read. Default {@link MAX_BUNDLE_BYTES} each. */
  maxBytes?: number;
}

/** Objectives whose output is P(label 1), which the service scores with. */
const BINARY_OBJECTIVES = ['binary:logistic', 'reg:logistic', 'binary:logitraw'];

/**
 * A model trained by XGBoost, ready to serve: the booster's JSON file (`booster.save_model`,
 * read by `readXGBoostModel` with its limits on trees, nodes and features) and the encoder file
 * whose columns it was trained on ({@link EncoderFile}). Requests are encoded exactly as
 * training encoded the rows, scored with `XGBoostModel.predictProba` and explained on its
 * log-odds (margin) scale against the training median/mode row. There is no test-split
 * evaluation and no anomaly forest: the dashboard and /score leave those out. A file that is
 * missing, too large or malformed, a non-binary objective, or a model whose feature count is not
 * the encoder's is an {@link AppError} naming the file and the field.
 *
 * @example
 * const scorer = await loadImportedModel('xgboost.json', 'runs/latest/encoder.json', { threshold: 0.3 });
 * const { server } = createFraudServer(scorer);
 */
export async function loadImportedModel(modelFile: string, encoderPath: string, options: ImportedModelOptions = {}): Promise<Scorer> {
  const { threshold = 0.5, maxBytes = MAX_BUNDLE_BYTES } = options;
  if (!(threshold >= 0 && threshold <= 1)) throw new AppError(`Invalid value for \`threshold\` in loadImportedModel. Expected a number from 0 to 1. Received: ${describeValue(threshold)}.`);
  let model: XGBoostModel;
  try {
    model = await readXGBoostModel(modelFile, { maxBytes });
  } catch (error) {
    // readFileBounded's refusals name the file; XGBoostModel.fromJSON's name the field: add the file.
    if (LoomError.isInstance(error)) throw new AppError(error.message.includes(modelFile) ? error.message : `${modelFile}: ${error.message}`);
    throw error;
  }
  if (!BINARY_OBJECTIVES.includes(model.objective)) {
    throw new AppError(`${modelFile}: Invalid value for \`objective\` in loadImportedModel. Expected a binary classifier (${BINARY_OBJECTIVES.join(', ')}): the service scores P(bad loan). Received: '${model.objective}'.`);
  }
  const file = await readEncoderFile(encoderPath, maxBytes);
  let encoder: TabularEncoder;
  try {
    encoder = TabularEncoder.fromJSON(file.encoder);
  } catch (error) {
    if (LoomError.isInstance(error)) throw new AppError(`${encoderPath}: ${error.message}`);
    throw error;
  }
  const width = encoder.featureNames.length;
  if (model.features !== width) {
    throw new AppError(
      `${modelFile}: Invalid value for \`num_feature\` in loadImportedModel. Expected ${width} (the columns of ${encoderPath}: train XGBoost on encoder.transform(rows)). Received: ${model.features}.`,
    );
  }
  const schema = file.encoder.schema;
  const bundle: ServedBundle = {
    schema: { numeric: [...schema.numeric], categorical: [...schema.categorical] },
    encoder: encoder.toJSON(),
    baseline: file.baseline,
    reference: file.reference,
    threshold: { value: threshold, rule: options.threshold === undefined ? 'the default for an imported model (set it with --threshold)' : 'given with --threshold' },
  };
  const logOdds = (rows: readonly TabularRow[]) => model.logOdds(encoder.transform(rows));
  const scoreRows = (rows: readonly TabularRow[]) => model.predictProba(encoder.transform(rows));
  const features = [...schema.numeric, ...schema.categorical];
  const name = modelFile.split(/[\\/]/).pop();
  return {
    bundle,
    description: `XGBoost ${model.objective}, ${model.trees} trees (${name})`,
    encoder,
    scoreRows,
    logOdds,
    explain: (row) => explainByPerturbation(logOdds, row, { baseline: file.baseline, features }),
  };
}

/**
 * Reads and checks an encoder file ({@link EncoderFile}) within `maxBytes`: the format, the
 * encoder's columns, the baseline row and the drift reference, each named when wrong.
 *
 * @example
 * const file = await readEncoderFile('runs/latest/encoder.json');
 */
export async function readEncoderFile(path: string, maxBytes = MAX_BUNDLE_BYTES): Promise<EncoderFile> {
  let parsed: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(await readFileBounded(path, { maxBytes, what: 'encoder file' }));
    parsed = JSON.parse(text);
  } catch (error) {
    if (LoomError.isInstance(error)) throw new AppError(error.message);
    throw new AppError(`Invalid value for \`encoder\` in loadImportedModel. Expected readable UTF-8 JSON in ${path}. Received: ${(error as Error).message}.`);
  }
  const check = new BundleChecker(path, 'loadImportedModel');
  const file = check.object(parsed, 'encoder.json', 'a JSON object written by `pnpm start` (encoder.json)');
  if (file.format !== ENCODER_FORMAT) check.fail('format', `'${ENCODER_FORMAT}'`, file.format ?? null);
  const encoder = check.object(file.encoder, 'encoder', 'the fitted TabularEncoder (its toJSON())');
  const schema = check.object(encoder.schema, 'encoder.schema', '{ numeric: [...], categorical: [...] }');
  const numeric = check.columns(schema.numeric, 'encoder.schema.numeric');
  const categorical = check.columns(schema.categorical, 'encoder.schema.categorical');
  const all = [...numeric, ...categorical];
  if (all.length === 0 || new Set(all).size !== all.length) check.fail('encoder.schema', 'one or more columns, each named once', schema);
  checkBaseline(check, file.baseline, numeric, categorical);
  checkReference(check, file.reference, numeric, categorical);
  return file as unknown as EncoderFile;
}
