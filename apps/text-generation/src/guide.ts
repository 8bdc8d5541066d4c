// The guide of best-of-N reranking: a small sentiment classifier of the app's own, kept apart
// from the judge of the conditioning check (apps/sentiment's LSTM, in classifier.ts) so that the
// check does not grade the sampler with the model that steered it. It is logistic regression on
// the words and word pairs (unigrams and bigrams) a text contains, each present feature weighing
// 1 / sqrt(features present), trained with AdaGrad on labelled reviews (the training half).
//
// Reranking (`rerank` in check.ts and generate-cli.ts) samples N reviews for each one asked for
// and keeps the one the guide finds most likely to have the asked-for sentiment: "best-of-N" /
// "sample and rerank" decoding with an attribute classifier, the simplest of the discriminator-
// guided decoding methods (FUDGE, Yang & Klein 2021, reweights each token with such a classifier
// instead; that is not done here).
import { seededRandom, shuffleInPlace } from '@loom-ml/core';

export interface GuideSettings {
  /** Passes over the reviews (default 4). */
  epochs?: number;
  /** AdaGrad step size (default 0.5). */
  learningRate?: number;
  /** Features found in fewer reviews are dropped (default 3). */
  minReviews?: number;
  /** At most this many features, the most frequent first (default 100,000). */
  maxFeatures?: number;
  /** L2 penalty on the weights (default 1e-6). */
  l2?: number;
  seed: number;
}

/** The words of a text: lower-case runs of letters, digits and apostrophes. */
export function guideWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
}

/** The distinct unigrams and bigrams ("a b") of a text. */
function featureNames(text: string): Set<string> {
  const words = guideWords(text);
  const names = new Set<string>(words);
  for (let i = 0; i + 1 < words.length; i++) names.add(`${words[i]} ${words[i + 1]}`);
  return names;
}

/**
 * Logistic regression on a text's unigrams and bigrams. `positiveProbability` gives P(positive);
 * JSON round-trips it.
 *
 * @example
 * const guide = SentimentGuide.train(['great fun', 'dull and bad'], [1, 0], { seed: 1 });
 * guide.positiveProbability('great'); // above 0.5
 */
export class SentimentGuide {
  private readonly index: Map<string, number>;

  private constructor(
    readonly features: readonly string[],
    readonly weights: Float64Array,
    readonly bias: number,
  ) {
    this.index = new Map(features.map((name, i) => [name, i]));
  }

  /** Fits the guide on `texts` with `labels` (1: positive, 0: negative). */
  static train(texts: readonly string[], labels: ArrayLike<number>, settings: GuideSettings): SentimentGuide {
    if (texts.length !== labels.length || texts.length === 0) throw new RangeError(`SentimentGuide.train needs one label per text and at least one text; received ${texts.length} texts and ${labels.length} labels.`);
    const { epochs = 4, learningRate = 0.5, minReviews = 3, maxFeatures = 100_000, l2 = 1e-6, seed } = settings;
    const perText = texts.map(featureNames);
    const reviewsWith = new Map<string, number>();
    for (const names of perText) for (const name of names) reviewsWith.set(name, (reviewsWith.get(name) ?? 0) + 1);
    const kept = [...reviewsWith].filter(([, n]) => n >= Math.min(minReviews, texts.length)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, maxFeatures).map(([name]) => name);
    reviewsWith.clear();
    const index = new Map(kept.map((name, i) => [name, i]));
    const rows = perText.map((names) => Int32Array.from([...names].map((name) => index.get(name) ?? -1).filter((i) => i >= 0)));
    const weights = new Float64Array(kept.length);
    const squares = new Float64Array(kept.length).fill(1e-8);
    let bias = 0;
    let biasSquares = 1e-8;
    const order = Array.from(texts, (_, i) => i);
    const random = seededRandom(seed);
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffleInPlace(order, random);
      for (const r of order) {
        const row = rows[r]!;
        const value = row.length === 0 ? 0 : 1 / Math.sqrt(row.length);
        let z = bias;
        for (const i of row) z += weights[i]! * value;
        const error = 1 / (1 + Math.exp(-z)) - labels[r]!; // d loss / d z
        for (const i of row) {
          const g = error * value + l2 * weights[i]!;
          squares[i]! += g * g;
          weights[i]! -= (learningRate * g) / Math.sqrt(squares[i]!);
        }
        biasSquares += error * error;
        bias -= (learningRate * error) / Math.sqrt(biasSquares);
      }
    }
    return new SentimentGuide(kept, weights, bias);
  }

  /** The guide's log-odds that `text` is positive. */
  logOdds(text: string): number {
    let z = this.bias;
    let present = 0;
    let sum = 0;
    for (const name of featureNames(text)) {
      const i = this.index.get(name);
      if (i === undefined) continue;
      present++;
      sum += this.weights[i]!;
    }
    if (present > 0) z += sum / Math.sqrt(present);
    return z;
  }

  /** P(positive) of `text`. */
  positiveProbability(text: string): number {
    return 1 / (1 + Math.exp(-this.logOdds(text)));
  }

  /** Share of `texts` on the right side of 0.5. */
  accuracy(texts: readonly string[], labels: ArrayLike<number>): number {
    let right = 0;
    texts.forEach((text, i) => {
      if ((this.logOdds(text) >= 0 ? 1 : 0) === labels[i]) right++;
    });
    return right / texts.length;
  }

  toJSON(): { features: readonly string[]; weights: number[]; bias: number } {
    return { features: this.features, weights: Array.from(this.weights), bias: this.bias };
  }

  /** The guide `toJSON` wrote (checked: one finite weight per feature name). */
  static fromJSON(value: unknown): SentimentGuide {
    const v = value as { features?: unknown; weights?: unknown; bias?: unknown } | null;
    if (v === null || typeof v !== 'object' || !Array.isArray(v.features) || !Array.isArray(v.weights) || v.features.length !== v.weights.length || typeof v.bias !== 'number' || !Number.isFinite(v.bias)) {
      throw new TypeError('A sentiment guide must be { features: string[], weights: number[] of the same length, bias: number }.');
    }
    if (!v.features.every((f) => typeof f === 'string') || !v.weights.every((w) => typeof w === 'number' && Number.isFinite(w))) throw new TypeError('A sentiment guide needs string features and finite weights.');
    return new SentimentGuide(v.features as string[], Float64Array.from(v.weights as number[]), v.bias);
  }
}

/**
 * Best-of-N reranking: for each review asked for, the index (0..N-1) of the candidate the guide
 * finds most likely to have the asked-for sentiment (the first on a tie). `candidates[j][i]` is
 * the j-th candidate of review i; `wantPositive[i]` says what review i asked for.
 *
 * @example
 * pickBest([['bad'], ['great']], [true], (t) => (t === 'great' ? 2 : -2)); // [1]
 */
export function pickBest(candidates: readonly (readonly string[])[], wantPositive: readonly boolean[], logOdds: (text: string) => number): number[] {
  if (candidates.length === 0 || candidates.some((round) => round.length !== wantPositive.length)) throw new RangeError(`pickBest needs at least one round of ${wantPositive.length} candidates; received rounds of ${candidates.map((c) => c.length).join(', ') || 'none'}.`);
  return wantPositive.map((positive, i) => {
    let best = 0;
    let bestScore = -Infinity;
    candidates.forEach((round, j) => {
      const score = (positive ? 1 : -1) * logOdds(round[i]!);
      if (score > bestScore) {
        bestScore = score;
        best = j;
      }
    });
    return best;
  });
}
