import {
  averagePrecision,
  IsolationForest,
  LogisticRegression,
  precisionRecallCurve,
  rocAuc,
  TabularEncoder,
  tabularBaseline,
  thresholdByCost,
  thresholdForPrecision,
  type CostMatrix,
  type TabularRow,
  type TabularSchema,
} from '@loom-ml/fraud-detection';
import { AppError } from './errors.js';
import { BUNDLE_FORMAT, type ModelBundle } from './model-bundle.js';
import { stratifiedSplit } from './lending-club.js';

export interface TrainOptions {
  seed?: number;
  epochs?: number;
  /** Pick the threshold with the lowest cost on the validation split (default { falsePositive: 1, falseNegative: 10 }). */
  costs?: CostMatrix;
  /** Instead: the lowest threshold whose validation precision reaches this target. */
  targetPrecision?: number;
  /** Numeric values kept per column for drift statistics. Default 2000. */
  referenceSample?: number;
  /** Trees of the isolation forest served as the anomaly signal. Default 100 (Liu et al. 2008). */
  forestTrees?: number;
}

export interface TrainReport {
  bundle: ModelBundle;
  /** The fitted model itself (the bundle stores its toJSON()). */
  model: LogisticRegression;
  /** The fitted isolation forest (the bundle stores its toJSON()). */
  forest: IsolationForest;
  sizes: { train: number; validation: number; test: number };
}

const HISTOGRAM_BINS = 20;
const CURVE_POINTS = 200;

/** Every k-th point so the dashboard draws at most `count` points; keeps the last. */
function thin<T>(values: readonly T[], count: number): T[] {
  if (values.length <= count) return [...values];
  const step = values.length / count;
  const out = Array.from({ length: count - 1 }, (_, k) => values[Math.floor(k * step)]!);
  out.push(values[values.length - 1]!);
  return out;
}

function histogram(scores: ArrayLike<number>, labels: readonly number[], cls: number): number[] {
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (let i = 0; i < scores.length; i++) if (labels[i] === cls) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor(scores[i]! * HISTOGRAM_BINS))]!++;
  return counts;
}

/** The q-quantile of values (nearest rank on the sorted copy). */
function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Trains the served model: a seeded, stratified 60/20/20 split; the encoder and a logistic
 * regression with balanced class weights fitted on the 60%, and an isolation forest on the same
 * encoded rows without their labels (the anomaly signal); the threshold chosen on the
 * validation 20% (cost matrix or target precision); ROC-AUC, AUPRC, the PR curve and the score
 * histogram measured on the untouched test 20%.
 *
 * @example
 * const { rows, labels } = await loadLoans();
 * const { bundle } = await trainFraudModel(rows, labels, LOAN_SCHEMA, { costs: { falsePositive: 1, falseNegative: 10 } });
 */
export async function trainFraudModel(rows: readonly TabularRow[], labels: readonly number[], schema: TabularSchema, options: TrainOptions = {}): Promise<TrainReport> {
  const seed = options.seed ?? 42;
  const [trainIdx, validationIdx, testIdx] = stratifiedSplit(labels, [0.6, 0.2, 0.2], seed) as [number[], number[], number[]];
  const pick = <T>(values: readonly T[], idx: number[]) => idx.map((i) => values[i]!);
  const trainRows = pick(rows, trainIdx);
  const encoder = TabularEncoder.fit(trainRows, schema);
  const trainFeatures = encoder.transform(trainRows);
  const model = await LogisticRegression.fit(trainFeatures, pick(labels, trainIdx), {
    classWeight: 'balanced',
    epochs: options.epochs ?? 30,
    learningRate: 0.01,
    l2: 1e-3,
    seed,
  });

  const validationScores = model.predictProba(encoder.transform(pick(rows, validationIdx)));
  const validationLabels = pick(labels, validationIdx);
  let threshold: ModelBundle['threshold'];
  if (options.targetPrecision !== undefined) {
    const found = thresholdForPrecision(validationLabels, validationScores, options.targetPrecision);
    if (found === null) throw new AppError(`Invalid value for \`targetPrecision\` in trainFraudModel. Expected a precision some threshold reaches on the validation split. Received: ${options.targetPrecision}.`);
    threshold = { value: found.threshold, rule: `target precision ${options.targetPrecision} on the validation split (reached ${found.precision.toFixed(3)} at recall ${found.recall.toFixed(3)})` };
  } else {
    const costs = options.costs ?? { falsePositive: 1, falseNegative: 10 };
    const found = thresholdByCost(validationLabels, validationScores, costs);
    threshold = { value: found.threshold, rule: `lowest cost on the validation split (false positive ${costs.falsePositive}, false negative ${costs.falseNegative})` };
  }

  const forest = new IsolationForest({ trees: options.forestTrees ?? 100, sampleSize: 256, seed }).fit(trainFeatures);
  const trainingAnomaly = forest.score(trainFeatures);

  const testFeatures = encoder.transform(pick(rows, testIdx));
  const testScores = model.predictProba(testFeatures);
  const testAnomaly = forest.score(testFeatures);
  const testLabels = pick(labels, testIdx);
  const positives = testLabels.reduce((a, b) => a + b, 0);
  let truePositives = 0;
  let flagged = 0;
  testScores.forEach((s, i) => {
    if (s >= threshold.value) {
      flagged++;
      truePositives += testLabels[i]!;
    }
  });
  const curve = precisionRecallCurve(testLabels, testScores);

  const sampleSize = options.referenceSample ?? 2000;
  const sampleIdx = thin(trainIdx, sampleSize);
  const reference: ModelBundle['reference'] = { trainingRows: trainRows.length, numeric: {}, categorical: {} };
  for (const column of schema.numeric) {
    reference.numeric[column] = sampleIdx.map((i) => Number(rows[i]![column])).filter((v) => Number.isFinite(v));
  }
  for (const column of schema.categorical) {
    // A Map, not an object: a category named `constructor` or `__proto__` is counted like any other.
    const shares = new Map<string, number>();
    for (const row of trainRows) {
      const value = String(row[column] ?? '');
      shares.set(value, (shares.get(value) ?? 0) + 1 / trainRows.length);
    }
    reference.categorical[column] = Object.fromEntries(shares);
  }

  const bundle: ModelBundle = {
    format: BUNDLE_FORMAT,
    trainedAt: new Date().toISOString(),
    schema,
    encoder: encoder.toJSON(),
    logistic: model.toJSON(),
    anomaly: {
      forest: forest.toJSON(),
      rocAuc: rocAuc(testLabels, testAnomaly),
      averagePrecision: averagePrecision(testLabels, testAnomaly),
      trainingQuantiles: { p50: quantile(trainingAnomaly, 0.5), p90: quantile(trainingAnomaly, 0.9), p99: quantile(trainingAnomaly, 0.99) },
    },
    baseline: tabularBaseline(trainRows, schema),
    threshold,
    evaluation: {
      rows: testIdx.length,
      positives,
      rocAuc: rocAuc(testLabels, testScores),
      averagePrecision: averagePrecision(testLabels, testScores),
      precisionAtThreshold: flagged === 0 ? 0 : truePositives / flagged,
      recallAtThreshold: positives === 0 ? 0 : truePositives / positives,
      flaggedShare: flagged / testIdx.length,
      prCurve: {
        precision: thin(curve.precision, CURVE_POINTS),
        recall: thin(curve.recall, CURVE_POINTS),
        thresholds: thin(Array.from(curve.thresholds), CURVE_POINTS),
      },
      scoreHistogram: {
        edges: Array.from({ length: HISTOGRAM_BINS + 1 }, (_, k) => k / HISTOGRAM_BINS),
        good: histogram(testScores, testLabels, 0),
        bad: histogram(testScores, testLabels, 1),
      },
    },
    reference,
  };
  return { bundle, model, forest, sizes: { train: trainIdx.length, validation: validationIdx.length, test: testIdx.length } };
}
