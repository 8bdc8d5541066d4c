// What `pnpm start` saves and what the server and the browser page load: `model.loom` (the
// embedding bag, Loom's checked container), `cnn.loom` (the word CNN blended with it, when the
// bundle has one: src/word-cnn.ts) and `bundle.json` (features, word vocabulary, blend weight,
// intents, temperature, threshold, knowledge base, evidence queries). Both are read as hostile input: every field is
// checked before use. Runs anywhere; the file reading is in src/bundle-files.ts (Node).
import { deserializeModel, Sequential } from '@loom-ml/layers';
import { Assistant, type KnowledgeBase } from './assistant.js';
import { EmbeddingBag } from './embedding-bag.js';
import { AppError } from './errors.js';
import { Featurizer, type FeaturizerJSON } from './features.js';
import { CUSTOM_LAYERS, inputLength } from './intent-model.js';
import { WordVocabulary, wordCnnMismatch } from './word-cnn.js';

export interface BundleJSON {
  format: 'support-desk-bundle';
  formatVersion: 1;
  trainedAt: string;
  intents: string[];
  featurizer: FeaturizerJSON;
  /**
   * The word CNN blended with the bag (its network is `cnn.loom`): its vocabulary (ids from 2 in
   * this order) and its weight in the blend. Absent: the bag alone (bundles saved before the blend).
   */
  cnn?: { words: string[]; weight: number };
  /** Temperature fitted on the validation split (the blend's log-probabilities are divided by it). */
  temperature: number;
  /** Calibrated confidence from which the assistant answers (chosen on validation). */
  threshold: number;
  /** The answered-query accuracy the threshold was chosen for. */
  targetAccuracy: number;
  knowledgeBase: KnowledgeBase;
  evidence: { texts: string[]; labels: number[] };
}

/**
 * Largest bundle.json and model.loom read (the `pnpm full` bundle is about 0.9 MB and 20 MB; each
 * further `--members` adds 20 MB).
 */
export const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;
export const MAX_MODEL_BYTES = 128 * 1024 * 1024;

const isString = (value: unknown, max = 10_000): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

/**
 * Checks a parsed bundle.json field by field and returns it typed.
 *
 * @example
 * const bundle = parseBundleJSON(JSON.parse(text), 'runs/latest/bundle.json');
 */
export function parseBundleJSON(json: unknown, where: string): BundleJSON {
  const data = json as Partial<BundleJSON> | null;
  const fail = (field: string, expected: string) => new AppError(`Invalid value for \`${field}\` in ${where}. Expected ${expected}.`);
  if (data === null || typeof data !== 'object' || data.format !== 'support-desk-bundle' || data.formatVersion !== 1) {
    throw new AppError(`${where} is not a support-desk bundle (format 'support-desk-bundle', version 1). Train one with: pnpm start.`);
  }
  if (!isString(data.trainedAt, 100)) throw fail('trainedAt', 'an ISO date string');
  const { intents } = data;
  if (!Array.isArray(intents) || intents.length < 2 || intents.length > 10_000 || !intents.every((i) => isString(i, 200)) || new Set(intents).size !== intents.length) {
    throw fail('intents', 'an array of 2 to 10000 distinct intent names');
  }
  if (typeof data.temperature !== 'number' || !(data.temperature > 0) || !Number.isFinite(data.temperature)) throw fail('temperature', 'a positive number');
  if (typeof data.threshold !== 'number' || !(data.threshold >= 0 && data.threshold <= 1.000001)) throw fail('threshold', 'a number from 0 to 1.000001');
  if (typeof data.targetAccuracy !== 'number' || !(data.targetAccuracy > 0 && data.targetAccuracy <= 1)) throw fail('targetAccuracy', 'a number in (0, 1]');
  const kb = data.knowledgeBase;
  if (kb === null || typeof kb !== 'object' || typeof kb.note !== 'string' || typeof kb.illustrative !== 'boolean' || kb.answers === null || typeof kb.answers !== 'object') {
    throw fail('knowledgeBase', "an object with 'note', 'illustrative' and 'answers'");
  }
  for (const intent of intents) {
    const entry = Object.prototype.hasOwnProperty.call(kb.answers, intent) ? kb.answers[intent] : undefined;
    if (entry === undefined || !isString(entry.title, 200) || !isString(entry.text, 5000)) throw fail(`knowledgeBase.answers.${intent}`, 'a title and a text (one answer per intent)');
  }
  const evidence = data.evidence;
  if (evidence === null || typeof evidence !== 'object' || !Array.isArray(evidence.texts) || !Array.isArray(evidence.labels) || evidence.texts.length !== evidence.labels.length || evidence.texts.length > 1_000_000) {
    throw fail('evidence', 'texts and labels of the same length');
  }
  evidence.texts.forEach((text, i) => {
    if (!isString(text)) throw fail(`evidence.texts[${i}]`, 'a non-empty string of at most 10000 characters');
    const label = evidence.labels[i];
    if (!Number.isInteger(label) || label! < 0 || label! >= intents.length) throw fail(`evidence.labels[${i}]`, `an intent index from 0 to ${intents.length - 1}`);
  });
  Featurizer.fromJSON(data.featurizer, `${where} (featurizer)`);
  if (data.cnn !== undefined) {
    const { cnn } = data;
    if (cnn === null || typeof cnn !== 'object' || typeof cnn.weight !== 'number' || !(cnn.weight >= 0 && cnn.weight <= 1)) throw fail('cnn', "an object with 'words' and a 'weight' from 0 to 1");
    WordVocabulary.fromJSON(cnn.words, where);
  }
  return data as BundleJSON;
}

/**
 * Builds the assistant from a bundle's files (parsed JSON, the bag's bytes and, when bundle.json
 * names a CNN, the CNN's bytes).
 *
 * @example
 * const assistant = assistantFromFiles(JSON.parse(jsonText), new Uint8Array(await (await fetch('model/model.loom')).arrayBuffer()));
 */
export function assistantFromFiles(json: unknown, modelBytes: Uint8Array, where = 'the bundle', cnnBytes?: Uint8Array): { bundle: BundleJSON; assistant: Assistant } {
  const bundle = parseBundleJSON(json, `${where}/bundle.json`);
  const featurizer = Featurizer.fromJSON(bundle.featurizer, `${where}/bundle.json (featurizer)`);
  const model = deserializeModel(modelBytes, { customLayers: CUSTOM_LAYERS });
  if (!(model instanceof Sequential) || !(model.layers[0] instanceof EmbeddingBag)) {
    model.dispose();
    throw new AppError(`${where}/model.loom is not a support-desk model: expected a Sequential model whose first layer is an EmbeddingBag.`);
  }
  const length = inputLength(model);
  const classes = model.outputShape[model.outputShape.length - 1];
  const table = model.layers[0].inputDim;
  if (classes !== bundle.intents.length || length !== featurizer.options.maxFeatures || table !== featurizer.size) {
    model.dispose();
    throw new AppError(
      `${where}/model.loom does not match bundle.json: the model has ${classes} outputs, ${length} inputs and ${table} feature ids; bundle.json has ${bundle.intents.length} intents, ${featurizer.options.maxFeatures} features per query and ${featurizer.size} feature ids.`,
    );
  }
  let cnn: { model: Sequential; vocabulary: WordVocabulary; weight: number } | undefined;
  if (bundle.cnn !== undefined) {
    if (cnnBytes === undefined) {
      model.dispose();
      throw new AppError(`${where}/bundle.json names a word CNN but no cnn.loom was given: save the bundle again with pnpm full, or keep cnn.loom beside bundle.json.`);
    }
    let cnnModel;
    try {
      cnnModel = deserializeModel(cnnBytes, { customLayers: CUSTOM_LAYERS });
    } catch (error) {
      model.dispose();
      throw error;
    }
    const vocabulary = WordVocabulary.fromJSON(bundle.cnn.words, `${where}/bundle.json`);
    const problem = wordCnnMismatch(cnnModel, bundle.intents.length, vocabulary.size);
    if (problem !== undefined) {
      model.dispose();
      cnnModel.dispose();
      throw new AppError(`${where}/cnn.loom does not match bundle.json: ${problem}.`);
    }
    cnn = { model: cnnModel as Sequential, vocabulary, weight: bundle.cnn.weight }; // a Sequential: wordCnnMismatch checked it
  }
  const assistant = new Assistant({
    model,
    ...(cnn === undefined ? {} : { cnn }),
    featurizer,
    intents: bundle.intents,
    temperature: bundle.temperature,
    threshold: bundle.threshold,
    knowledgeBase: bundle.knowledgeBase,
    evidence: bundle.evidence,
  });
  return { bundle, assistant };
}
