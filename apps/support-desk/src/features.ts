// What the models see of a query: its words (split by @loom-ml/data's Tokenizer: lowercased,
// split on anything that is not a letter or a digit), pairs of adjacent words, and the character
// n-grams of each word with its boundaries marked ("<card>" gives "<ca", "car", "ard", "rd>", ...).
// Character n-grams make typos and word forms ("refund", "refunded", "refnd") share features,
// which matters for customer queries; word pairs catch "top up" against "top" and "up".
// Runs anywhere (the browser page uses it too).
import { Tokenizer } from '@loom-ml/data';
import { AppError } from './errors.js';

export interface FeatureOptions {
  /** Shortest and longest character n-gram. Default 3 and 5. */
  minN: number;
  maxN: number;
  /** A feature enters the vocabulary when it occurs in at least this many training queries. Default 2. */
  minCount: number;
  /** Features kept per query (the first ones: words, then word pairs, then n-grams). Default 256. */
  maxFeatures: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = { minN: 3, maxN: 5, minCount: 2, maxFeatures: 256 };

/** The saved form of a fitted {@link Featurizer}. */
export interface FeaturizerJSON {
  format: 'support-desk-features';
  formatVersion: 1;
  options: FeatureOptions;
  /** The vocabulary: feature i + 1 has id i + 1 (id 0 is padding). */
  features: string[];
  /** Number of training queries each feature occurred in (for TF-IDF). */
  documentFrequency: number[];
  /** Number of training queries the vocabulary was counted on. */
  documents: number;
}

const tokenizer = new Tokenizer();

/** Words of a query as the Tokenizer splits them (lowercased). */
export function wordsOf(text: string): string[] {
  return tokenizer.tokenize(text);
}

/**
 * Every feature of a query, in order: words (`w:card`), adjacent pairs (`b:top up`), then
 * character n-grams of each word with `<` and `>` marking its ends (`c:<ca`). Repeats are kept
 * (a word said twice counts twice).
 *
 * @example
 * rawFeatures('Top up', { minN: 3, maxN: 3 }); // ['w:top', 'w:up', 'b:top up', 'c:<to', 'c:top', 'c:op>', 'c:<up', 'c:up>']
 */
export function rawFeatures(text: string, { minN, maxN }: Pick<FeatureOptions, 'minN' | 'maxN'>): string[] {
  const words = wordsOf(text);
  const features = words.map((word) => `w:${word}`);
  for (let i = 1; i < words.length; i++) features.push(`b:${words[i - 1]} ${words[i]}`);
  for (const word of words) {
    const marked = `<${word}>`;
    for (let n = minN; n <= maxN; n++) {
      for (let start = 0; start + n <= marked.length; start++) features.push(`c:${marked.slice(start, start + n)}`);
    }
  }
  return features;
}

/**
 * Maps queries to feature ids: a vocabulary of the features seen in at least `minCount` training
 * queries, numbered by falling frequency (ties alphabetically, so fitting is deterministic).
 * Unknown features are dropped: a query of nothing but unknown words has no features (the model
 * then has no evidence, and its answer is a hand-off).
 */
export class Featurizer {
  private readonly index: Map<string, number>;

  private constructor(
    readonly options: FeatureOptions,
    readonly features: readonly string[],
    readonly documentFrequency: readonly number[],
    readonly documents: number,
  ) {
    this.index = new Map(features.map((feature, i) => [feature, i + 1]));
  }

  /**
   * Builds the vocabulary from training queries.
   *
   * @example
   * const featurizer = Featurizer.fit(train.texts);
   * featurizer.idsOf('Where is my card?'); // Int32Array of known feature ids
   */
  static fit(texts: readonly string[], options: Partial<FeatureOptions> = {}): Featurizer {
    const settings = { ...DEFAULT_FEATURE_OPTIONS, ...options };
    checkOptions(settings);
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const feature of new Set(rawFeatures(text, settings))) counts.set(feature, (counts.get(feature) ?? 0) + 1);
    }
    const kept = [...counts].filter(([, count]) => count >= settings.minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new Featurizer(settings, kept.map(([feature]) => feature), kept.map(([, count]) => count), texts.length);
  }

  /** Ids run from 1 to `size - 1`; 0 is padding. The `inputDim` of the embedding table. */
  get size(): number {
    return this.features.length + 1;
  }

  /** The known feature ids of a query, in {@link rawFeatures} order, at most `maxFeatures`. */
  idsOf(text: string): Int32Array {
    const ids: number[] = [];
    for (const feature of rawFeatures(text, this.options)) {
      const id = this.index.get(feature);
      if (id !== undefined) {
        ids.push(id);
        if (ids.length === this.options.maxFeatures) break;
      }
    }
    return Int32Array.from(ids);
  }

  /** A JSON-safe copy; {@link Featurizer.fromJSON} restores it. */
  toJSON(): FeaturizerJSON {
    return { format: 'support-desk-features', formatVersion: 1, options: { ...this.options }, features: [...this.features], documentFrequency: [...this.documentFrequency], documents: this.documents };
  }

  /** Restores a featurizer saved with {@link Featurizer.toJSON}, checking every field. */
  static fromJSON(json: unknown, where = 'the featurizer'): Featurizer {
    const data = json as Partial<FeaturizerJSON> | null;
    if (data?.format !== 'support-desk-features' || data.formatVersion !== 1) throw new AppError(`${where}: not a support-desk featurizer (format 'support-desk-features', version 1).`);
    const options = { ...DEFAULT_FEATURE_OPTIONS, ...(data.options ?? {}) };
    checkOptions(options, where);
    const { features, documentFrequency, documents } = data;
    if (!Array.isArray(features) || !features.every((f) => typeof f === 'string' && f.length > 0) || new Set(features).size !== features.length) {
      throw new AppError(`${where}: \`features\` must be an array of distinct non-empty strings.`);
    }
    if (!Number.isSafeInteger(documents) || documents! < 1) throw new AppError(`${where}: \`documents\` must be a positive integer.`);
    if (!Array.isArray(documentFrequency) || documentFrequency.length !== features.length || !documentFrequency.every((n) => Number.isSafeInteger(n) && n >= 1 && n <= documents!)) {
      throw new AppError(`${where}: \`documentFrequency\` must hold one count from 1 to ${documents} per feature.`);
    }
    return new Featurizer(options, [...features], [...documentFrequency], documents!);
  }
}

function checkOptions(options: FeatureOptions, where = 'the feature options'): void {
  const { minN, maxN, minCount, maxFeatures } = options;
  const ok = Number.isSafeInteger(minN) && minN >= 1 && Number.isSafeInteger(maxN) && maxN >= minN && maxN <= 10 && Number.isSafeInteger(minCount) && minCount >= 1 && Number.isSafeInteger(maxFeatures) && maxFeatures >= 1;
  if (!ok) throw new AppError(`${where}: expected 1 <= minN <= maxN <= 10, minCount >= 1 and maxFeatures >= 1; received ${JSON.stringify({ minN, maxN, minCount, maxFeatures })}.`);
}
