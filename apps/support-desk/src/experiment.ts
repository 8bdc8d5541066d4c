// One training run, as `pnpm start`, `pnpm full` and `pnpm retrain` do it: split the training
// queries (a stratified validation share), train the Loom model and the baseline on the same
// queries, evaluate both on the official test split, train the word CNN and choose its weight in
// the blend on validation (when asked), calibrate the shipped model's (the blend's, else the bag's)
// confidence and pick the hand-off threshold on validation, and (optionally) repeat with 10
// queries per intent (the bag and the baseline only).
import { trainTestSplit } from '@loom-ml/data';
import { serializeModel } from '@loom-ml/layers';
import type { KnowledgeBase } from './assistant.js';
import { argmaxRows, classificationReport, coverageAt, coverageCurve, fitTemperature, maxRows, pickThreshold, softmaxRows, topLabelEce, type ClassificationReport, type CoveragePoint } from './evaluation.js';
import { predictLogits, type ModelSettings } from './intent-model.js';
import type { BundleJSON } from './model-bundle.js';
import { baselineLogits, trainBaseline, trainLoom, type LabelledQueries } from './train-model.js';
import { BLEND_WEIGHTS, blendLogits, trainWordCnn, wordCnnLogits, type WordCnnSettings } from './word-cnn.js';

export interface ExperimentData {
  intents: readonly string[];
  train: LabelledQueries;
  test: LabelledQueries;
  /** Corrected queries from the feedback log, added to the training part. */
  feedback?: LabelledQueries;
}

export interface ExperimentOptions {
  settings: ModelSettings;
  validationShare: number;
  targetAccuracy: number;
  /** Training queries used (stratified), all when undefined. */
  limit?: number;
  fewShot: boolean;
  knowledgeBase: KnowledgeBase;
  /** The word CNN blended with the bag; absent or 0 epochs: the bag alone. */
  cnn?: WordCnnSettings;
}

export interface ModelResult extends ClassificationReport {
  trainingSeconds: number;
  /** Accuracy on the validation share (what model choices are made on; never the test split). */
  validationAccuracy: number;
}

export interface Calibration {
  temperature: number;
  eceBefore: { validation: number; test: number };
  eceAfter: { validation: number; test: number };
  targetAccuracy: number;
  threshold: number;
  validation: { coverage: number; accuracy: number };
  test: { coverage: number; accuracy: number; answered: number };
}

export interface Report {
  date: string;
  queries: { train: number; validation: number; test: number; feedback: number };
  settings: ModelSettings;
  /** The embedding bag alone. */
  loom: ModelResult;
  /** The word CNN alone, and the blend (the shipped model) with the weight chosen on validation. */
  cnn?: ModelResult & { settings: WordCnnSettings };
  blend?: ModelResult & { weight: number; weights: { weight: number; validationAccuracy: number }[] };
  baseline: ModelResult;
  calibration: Calibration;
  fewShot?: { perIntent: number; queries: number; epochs: number; loom: ModelResult; baseline: ModelResult };
  /** Test coverage/accuracy curves: the shipped model's calibrated confidence and the baseline's probabilities. */
  curves: { loom: CoveragePoint[]; baseline: CoveragePoint[] };
}

const pickRows = (data: LabelledQueries, indices: readonly number[]): LabelledQueries => ({ texts: indices.map((i) => data.texts[i]!), labels: Int32Array.from(indices, (i) => data.labels[i]!) });

/**
 * Queries per intent of the few-shot setting, and its training: 770 queries need more passes, in
 * smaller batches, and more regularisation than the full training split (the settings the few-shot
 * numbers were first recorded with; the full-split model's width and seed apply).
 */
export const FEW_SHOT = { perIntent: 10, epochs: 20, batchSize: 32, learningRate: 0.005, dropout: 0.2 };

/**
 * Runs the whole experiment. `log` receives progress lines.
 *
 * @example
 * const { report, bundle, modelBytes } = await runExperiment(data, options, console.log);
 */
export async function runExperiment(
  data: ExperimentData,
  options: ExperimentOptions,
  log: (line: string) => void,
): Promise<{ report: Report; bundle: BundleJSON; modelBytes: Uint8Array; cnnBytes?: Uint8Array }> {
  const { intents } = data;
  const classes = intents.length;
  const { settings } = options;
  const indices = Array.from({ length: data.train.texts.length }, (_, i) => i);
  const split = trainTestSplit(indices, { testFraction: options.validationShare, seed: settings.seed, stratifyBy: Array.from(data.train.labels) });
  let trainIndices = split.train;
  if (options.limit !== undefined && options.limit < trainIndices.length) {
    const labels = trainIndices.map((i) => data.train.labels[i]!);
    trainIndices = trainTestSplit(trainIndices, { testFraction: options.limit / trainIndices.length, seed: settings.seed + 1, stratifyBy: labels }).test;
  }
  const trainPart = pickRows(data.train, trainIndices);
  const feedback = data.feedback ?? { texts: [], labels: [] };
  const training: LabelledQueries = { texts: [...trainPart.texts, ...feedback.texts], labels: Int32Array.from([...Array.from(trainPart.labels), ...Array.from(feedback.labels)]) };
  const validation = pickRows(data.train, split.test);
  log(`${training.texts.length} training queries (${feedback.texts.length} from feedback), ${validation.texts.length} validation, ${data.test.texts.length} test; ${classes} intents.`);

  log(
    `Training the Loom model (${settings.members === 1 ? 'an embedding bag' : `${settings.members} embedding bags`} of words, word pairs and character 3-5-grams, ${settings.dim} wide${settings.members === 1 ? '' : ', trained with different seeds and averaged'}) for ${settings.epochs} epochs...`,
  );
  const loom = await trainLoom(training, classes, settings, {}, (epoch, loss, member) => log(`  ${settings.members === 1 ? '' : `member ${member + 1}/${settings.members}, `}epoch ${epoch + 1}/${settings.epochs}: loss ${loss.toFixed(4)}`));
  const bagValidation = predictLogits(loom.model, loom.featurizer, validation.texts);
  const bagTest = predictLogits(loom.model, loom.featurizer, data.test.texts);
  const loomResult = { ...classificationReport(argmaxRows(bagTest, classes), data.test.labels, intents), trainingSeconds: loom.seconds, validationAccuracy: accuracyOf(bagValidation, validation.labels, classes) };
  log(`  validation accuracy ${pct(loomResult.validationAccuracy)}; test accuracy ${pct(loomResult.accuracy)}, macro-F1 ${pct(loomResult.macroF1)}, trained in ${loom.seconds.toFixed(1)} s`);

  // The word CNN and its weight in the blend, chosen on validation only.
  let loomValidation = bagValidation;
  let loomTest = bagTest;
  let cnnResult: Report['cnn'];
  let blendResult: Report['blend'];
  let cnnPart: { bytes: Uint8Array; words: string[]; weight: number } | undefined;
  if (options.cnn !== undefined && options.cnn.epochs > 0) {
    const cnnSettings = options.cnn;
    log(`Training the word CNN (${cnnSettings.filters} filters of ${cnnSettings.kernelSize} words over ${cnnSettings.dim}-wide embeddings of the first ${cnnSettings.length} words) for ${cnnSettings.epochs} epochs...`);
    const cnn = await trainWordCnn(training, classes, cnnSettings, (epoch, loss) => log(`  epoch ${epoch + 1}/${cnnSettings.epochs}: loss ${loss.toFixed(4)}`));
    try {
      const cnnValidation = wordCnnLogits(cnn.model, cnn.vocabulary, validation.texts);
      const cnnTest = wordCnnLogits(cnn.model, cnn.vocabulary, data.test.texts);
      cnnResult = { ...classificationReport(argmaxRows(cnnTest, classes), data.test.labels, intents), trainingSeconds: cnn.seconds, validationAccuracy: accuracyOf(cnnValidation, validation.labels, classes), settings: cnnSettings };
      log(`  validation accuracy ${pct(cnnResult.validationAccuracy)}; test accuracy ${pct(cnnResult.accuracy)}, macro-F1 ${pct(cnnResult.macroF1)}, trained in ${cnn.seconds.toFixed(1)} s`);
      const weights = BLEND_WEIGHTS.map((weight) => ({ weight, validationAccuracy: accuracyOf(blendLogits(bagValidation, cnnValidation, classes, weight), validation.labels, classes) }));
      const best = weights.reduce((a, b) => (b.validationAccuracy > a.validationAccuracy ? b : a));
      loomValidation = blendLogits(bagValidation, cnnValidation, classes, best.weight);
      loomTest = blendLogits(bagTest, cnnTest, classes, best.weight);
      blendResult = {
        ...classificationReport(argmaxRows(loomTest, classes), data.test.labels, intents),
        trainingSeconds: loom.seconds + cnn.seconds,
        validationAccuracy: best.validationAccuracy,
        weight: best.weight,
        weights,
      };
      log(`  blend: validation accuracy ${weights.map((w) => `${pct(w.validationAccuracy)} at CNN weight ${w.weight}`).join(', ')}; kept ${best.weight}: test accuracy ${pct(blendResult.accuracy)}, macro-F1 ${pct(blendResult.macroF1)}`);
      cnnPart = { bytes: await serializeModel(cnn.model), words: cnn.vocabulary.toJSON(), weight: best.weight };
    } finally {
      cnn.model.dispose();
    }
  }

  log('Training the baseline (TF-IDF of the same features, logistic regression)...');
  const baseline = trainBaseline(training, classes, settings.seed);
  const baselineTest = baselineLogits(baseline, data.test.texts);
  const baselineValidation = accuracyOf(baselineLogits(baseline, validation.texts), validation.labels, classes);
  const baselineResult = { ...classificationReport(argmaxRows(baselineTest, classes), data.test.labels, intents), trainingSeconds: baseline.seconds, validationAccuracy: baselineValidation };
  log(`  validation accuracy ${pct(baselineResult.validationAccuracy)}; test accuracy ${pct(baselineResult.accuracy)}, macro-F1 ${pct(baselineResult.macroF1)}, trained in ${baseline.seconds.toFixed(1)} s`);

  // Calibration and the hand-off threshold: both from the validation split only.
  const temperature = fitTemperature(loomValidation, validation.labels, classes);
  const confidenceOf = (logits: Float32Array, labels: ArrayLike<number>, t: number) => {
    const probabilities = softmaxRows(logits, classes, t);
    const predicted = argmaxRows(probabilities, classes);
    return { probabilities, confidence: maxRows(probabilities, classes), correct: Array.from(predicted, (p, i) => p === labels[i]) };
  };
  const validationCalibrated = confidenceOf(loomValidation, validation.labels, temperature);
  const testCalibrated = confidenceOf(loomTest, data.test.labels, temperature);
  const threshold = pickThreshold(validationCalibrated.confidence, validationCalibrated.correct, options.targetAccuracy);
  const calibration: Calibration = {
    temperature,
    eceBefore: { validation: topLabelEce(softmaxRows(loomValidation, classes), validation.labels, classes), test: topLabelEce(softmaxRows(loomTest, classes), data.test.labels, classes) },
    eceAfter: { validation: topLabelEce(validationCalibrated.probabilities, validation.labels, classes), test: topLabelEce(testCalibrated.probabilities, data.test.labels, classes) },
    targetAccuracy: options.targetAccuracy,
    threshold,
    validation: coverageAt(validationCalibrated.confidence, validationCalibrated.correct, threshold),
    test: coverageAt(testCalibrated.confidence, testCalibrated.correct, threshold),
  };
  log(
    `Calibration${blendResult ? ' (of the blend)' : ''}: temperature ${temperature.toFixed(3)}, test ECE ${pct(calibration.eceBefore.test)} -> ${pct(calibration.eceAfter.test)}. Threshold ${threshold.toFixed(3)} for ${pct(options.targetAccuracy)} answered accuracy on validation: test coverage ${pct(calibration.test.coverage)} at ${pct(calibration.test.accuracy)} accuracy.`,
  );
  const baselineCalibrated = confidenceOf(baselineTest, data.test.labels, 1);
  const curves = { loom: thin(coverageCurve(testCalibrated.confidence, testCalibrated.correct)), baseline: thin(coverageCurve(baselineCalibrated.confidence, baselineCalibrated.correct)) };

  let fewShot: Report['fewShot'];
  if (options.fewShot) {
    const byIntent = new Map<number, number[]>();
    // The first 10 of each intent in the (already seeded-shuffled) training part.
    for (let i = 0; i < trainPart.texts.length; i++) {
      const label = trainPart.labels[i]!;
      const list = byIntent.get(label) ?? [];
      if (list.length < FEW_SHOT.perIntent) list.push(i);
      byIntent.set(label, list);
    }
    const few = pickRows(trainPart, [...byIntent.values()].flat().sort((a, b) => a - b));
    const { epochs, batchSize, learningRate, dropout } = FEW_SHOT;
    const fewSettings = { ...settings, epochs, batchSize, learningRate, dropout };
    log(`Few-shot: both models on ${few.texts.length} queries (${FEW_SHOT.perIntent} per intent), the Loom model for ${FEW_SHOT.epochs} epochs...`);
    const fewLoom = await trainLoom(few, classes, fewSettings, { minCount: 1 });
    const fewLoomResult = {
      ...classificationReport(argmaxRows(predictLogits(fewLoom.model, fewLoom.featurizer, data.test.texts), classes), data.test.labels, intents),
      trainingSeconds: fewLoom.seconds,
      validationAccuracy: accuracyOf(predictLogits(fewLoom.model, fewLoom.featurizer, validation.texts), validation.labels, classes),
    };
    fewLoom.model.dispose();
    const fewBaseline = trainBaseline(few, classes, settings.seed, { minCount: 1 });
    const fewBaselineResult = {
      ...classificationReport(argmaxRows(baselineLogits(fewBaseline, data.test.texts), classes), data.test.labels, intents),
      trainingSeconds: fewBaseline.seconds,
      validationAccuracy: accuracyOf(baselineLogits(fewBaseline, validation.texts), validation.labels, classes),
    };
    fewShot = { perIntent: FEW_SHOT.perIntent, queries: few.texts.length, epochs: FEW_SHOT.epochs, loom: fewLoomResult, baseline: fewBaselineResult };
    log(`  test accuracy: Loom ${pct(fewLoomResult.accuracy)}, baseline ${pct(fewBaselineResult.accuracy)}`);
  }

  const bundle: BundleJSON = {
    format: 'support-desk-bundle',
    formatVersion: 1,
    trainedAt: new Date().toISOString(),
    intents: [...intents],
    featurizer: loom.featurizer.toJSON(),
    ...(cnnPart === undefined ? {} : { cnn: { words: cnnPart.words, weight: cnnPart.weight } }),
    temperature,
    threshold,
    targetAccuracy: options.targetAccuracy,
    knowledgeBase: options.knowledgeBase,
    evidence: { texts: [...training.texts], labels: Array.from(training.labels) },
  };
  const modelBytes = await serializeModel(loom.model);
  loom.model.dispose();
  const report: Report = {
    date: bundle.trainedAt,
    queries: { train: training.texts.length, validation: validation.texts.length, test: data.test.texts.length, feedback: feedback.texts.length },
    settings,
    loom: loomResult,
    ...(cnnResult && blendResult ? { cnn: cnnResult, blend: blendResult } : {}),
    baseline: baselineResult,
    calibration,
    ...(fewShot ? { fewShot } : {}),
    curves,
  };
  return { report, bundle, modelBytes, ...(cnnPart === undefined ? {} : { cnnBytes: cnnPart.bytes }) };
}

/** The model the bundle ships: the blend when there is one, else the bag. */
export const shipped = (report: Report): ModelResult => report.blend ?? report.loom;

/** Share of rows whose largest logit is the label's. */
function accuracyOf(logits: Float32Array, labels: ArrayLike<number>, classes: number): number {
  const predicted = argmaxRows(logits, classes);
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) correct++;
  return predicted.length === 0 ? 0 : correct / predicted.length;
}

/** At most ~200 points of a curve (every k-th, and the last), enough to plot. */
function thin(points: CoveragePoint[]): CoveragePoint[] {
  const step = Math.max(1, Math.ceil(points.length / 200));
  return points.filter((_, i) => i % step === 0 || i === points.length - 1);
}

export const pct = (value: number) => `${(100 * value).toFixed(2)}%`;
