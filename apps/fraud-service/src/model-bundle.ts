import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** A loaded bundle, ready to score and explain raw rows. */
export interface Scorer {
  bundle: ModelBundle;
  encoder: TabularEncoder;
  model: LogisticRegression;
  forest: IsolationForest;
  /** P(bad loan) of each row: the logistic regression's predictProba on the encoded row. */
  scoreRows(rows: readonly TabularRow[]): Float64Array;
  /** w·x + b of each encoded row: the log-odds of a bad loan. */
  logOdds(rows: readonly TabularRow[]): Float64Array;
  /** The isolation forest's anomaly score of each row, in (0, 1]: higher is more unusual. Not a probability. */
  anomalyScores(rows: readonly TabularRow[]): Float64Array;
  /**
   * Per-column attributions on the log-odds scale: log-odds of the row minus log-odds with that
   * column at its training median/mode. (The returned `score` is the log-odds too.)
   */
  explain(row: TabularRow): Explanation;
}

/**
 * Wraps a bundle for serving: the encoder, `LogisticRegression` and `IsolationForest` are
 * restored with the package's own fromJSON, so serving scores exactly as training did.
 *
 * @example
 * const scorer = createScorer(await loadBundle('runs/latest'));
 * const [probability] = scorer.scoreRows([loan]);
 */
export function createScorer(bundle: ModelBundle): Scorer {
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
  return { bundle, encoder, model, forest, scoreRows, logOdds, anomalyScores, explain: (row) => explainByPerturbation(logOdds, row, { baseline: bundle.baseline, features }) };
}

/**
 * Writes `model.json` into `directory` through a temporary file and a rename, so a reader never
 * sees half a model; if the write fails, the temporary file is removed and the previous model
 * stays as it was.
 *
 * @example
 * await saveBundle('runs/latest', bundle); // 'runs/latest/model.json'
 */
export async function saveBundle(directory: string, bundle: ModelBundle): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, 'model.json');
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(bundle));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return path;
}

/**
 * Reads what {@link saveBundle} wrote, with a clear error when the directory holds no model or a different format.
 *
 * @example
 * const bundle = await loadBundle('runs/latest');
 */
export async function loadBundle(directory: string): Promise<ModelBundle> {
  let bundle: ModelBundle;
  try {
    bundle = JSON.parse(await readFile(join(directory, 'model.json'), 'utf8')) as ModelBundle;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError(`Invalid value for \`model\` in loadBundle. Expected a directory with model.json written by \`pnpm start\`. Received: '${directory}'.`);
    }
    throw new AppError(`Invalid value for \`model\` in loadBundle. Expected readable JSON in ${join(directory, 'model.json')}. Received: ${(error as Error).message}.`);
  }
  if (bundle?.format !== BUNDLE_FORMAT) {
    throw new AppError(`Invalid value for \`format\` in loadBundle. Expected '${BUNDLE_FORMAT}'. Received: ${JSON.stringify(bundle?.format ?? null)}.`);
  }
  const file = join(directory, 'model.json');
  if (typeof bundle.anomaly !== 'object' || bundle.anomaly === null) {
    throw new AppError(`Invalid value for \`anomaly\` in loadBundle. Expected the isolation forest and its evaluation. Received: ${JSON.stringify(bundle.anomaly ?? null)}.`);
  }
  let scorer: Scorer;
  try {
    scorer = createScorer(bundle);
  } catch (error) {
    // The package names the bad field (e.g. `weights[3]` in LogisticRegression.fromJSON); add the file.
    if (LoomError.isInstance(error)) throw new AppError(`${file}: ${error.message}`);
    throw error;
  }
  const width = scorer.encoder.featureNames.length;
  if (scorer.model.weights.length !== width) {
    throw new AppError(`Invalid value for \`logistic.weights\` in loadBundle. Expected ${width} weights (one per encoded feature). Received: ${scorer.model.weights.length} weights.`);
  }
  if (bundle.anomaly.forest.features !== width) {
    throw new AppError(`Invalid value for \`anomaly.forest.features\` in loadBundle. Expected ${width} (one per encoded feature). Received: ${bundle.anomaly.forest.features}.`);
  }
  return bundle;
}
