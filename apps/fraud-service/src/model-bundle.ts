import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { explainByPerturbation, TabularEncoder, type Explanation, type TabularEncoderJSON, type TabularRow, type TabularSchema } from '@loom-ml/fraud-detection';
import { AppError } from './errors.js';

export const BUNDLE_FORMAT = 'loom-fraud-service/1';

/** Everything the server needs, saved as one JSON file: the fitted encoder, the model, the threshold and what the dashboard shows. */
export interface ModelBundle {
  format: typeof BUNDLE_FORMAT;
  trainedAt: string;
  schema: TabularSchema;
  encoder: TabularEncoderJSON;
  /** Logistic regression on the encoded features: score = σ(w·x + b). */
  logistic: { weights: number[]; bias: number };
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
  /** σ(w·x + b) of each encoded row: the same formula as LogisticRegression.predictProba. */
  scoreRows(rows: readonly TabularRow[]): Float64Array;
  /** w·x + b of each encoded row: the log-odds of a bad loan. */
  logOdds(rows: readonly TabularRow[]): Float64Array;
  /**
   * Per-column attributions on the log-odds scale: log-odds of the row minus log-odds with that
   * column at its training median/mode. (The returned `score` is the log-odds too.)
   */
  explain(row: TabularRow): Explanation;
}

/**
 * Wraps a bundle for serving. The package's LogisticRegression has no fromJSON yet, so the saved
 * weights are applied here with predictProba's formula.
 *
 * @example
 * const scorer = createScorer(await loadBundle('runs/latest'));
 * const [probability] = scorer.scoreRows([loan]);
 */
export function createScorer(bundle: ModelBundle): Scorer {
  const encoder = TabularEncoder.fromJSON(bundle.encoder);
  const { weights, bias } = bundle.logistic;
  const logOdds = (rows: readonly TabularRow[]) =>
    Float64Array.from(encoder.transform(rows), (features) => {
      let z = bias;
      for (let j = 0; j < weights.length; j++) z += weights[j]! * features[j]!;
      return z;
    });
  const scoreRows = (rows: readonly TabularRow[]) => logOdds(rows).map((z) => 1 / (1 + Math.exp(-z)));
  const features = [...bundle.schema.numeric, ...bundle.schema.categorical];
  // Explained on the log-odds scale: there each column's effect is additive for a logistic model
  // (the attributions add up to logOdds(row) − logOdds(baseline) exactly), whereas probability
  // differences shrink towards 0 for a loan whose score is already near 1.
  return { bundle, encoder, scoreRows, logOdds, explain: (row) => explainByPerturbation(logOdds, row, { baseline: bundle.baseline, features }) };
}

/**
 * Writes `model.json` into `directory` through a temporary file and a rename, so a reader never sees half a model.
 *
 * @example
 * await saveBundle('runs/latest', bundle); // 'runs/latest/model.json'
 */
export async function saveBundle(directory: string, bundle: ModelBundle): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, 'model.json');
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, JSON.stringify(bundle));
  await rename(temporary, path);
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
  const width = TabularEncoder.fromJSON(bundle.encoder).featureNames.length;
  if (bundle.logistic?.weights?.length !== width) {
    throw new AppError(`Invalid value for \`logistic.weights\` in loadBundle. Expected ${width} weights (one per encoded feature). Received: ${bundle.logistic?.weights?.length ?? 0} weights.`);
  }
  return bundle;
}
