import { invalidValue } from './errors.js';

/** Options of `rankAverage` and `minMaxAverage`: per-model weights, and reference scores to normalise against. */
export interface ScoreCombinerOptions {
  /** Weight of each model's normalised score (normalised to sum 1). Default: equal. */
  weights?: readonly number[];
  /**
   * Scores of each model on a reference set (e.g. validation rows). When given, every score is
   * normalised against its model's reference scores instead of against the other scores being
   * combined, so a single new row gets the same combined score whatever else is scored with it.
   */
  reference?: readonly ArrayLike<number>[];
}

function checkScoreLists(scoreLists: readonly ArrayLike<number>[], options: ScoreCombinerOptions, where: string): number[] {
  if (!Array.isArray(scoreLists) || scoreLists.length === 0) throw invalidValue('scores', where, 'a non-empty array of score arrays (one per model)', scoreLists);
  const length = scoreLists[0]!.length;
  scoreLists.forEach((scores, m) => {
    if (scores?.length !== length) throw invalidValue(`scores[${m}]`, where, `${length} scores (as many as scores[0])`, scores?.length);
    for (let i = 0; i < length; i++) if (!Number.isFinite(scores[i])) throw invalidValue(`scores[${m}][${i}]`, where, 'a finite number', scores[i]);
  });
  if (options.reference !== undefined) {
    if (!Array.isArray(options.reference) || options.reference.length !== scoreLists.length) {
      throw invalidValue('reference', where, `${scoreLists.length} reference score arrays (one per model)`, Array.isArray(options.reference) ? `${options.reference.length} arrays` : options.reference);
    }
    options.reference.forEach((scores, m) => {
      if (!(scores?.length > 0)) throw invalidValue(`reference[${m}]`, where, 'a non-empty array of scores', scores);
      for (let i = 0; i < scores.length; i++) if (!Number.isFinite(scores[i])) throw invalidValue(`reference[${m}][${i}]`, where, 'a finite number', scores[i]);
    });
  }
  const weights = options.weights ?? scoreLists.map(() => 1);
  if (!Array.isArray(weights) || weights.length !== scoreLists.length || !weights.every((w) => Number.isFinite(w) && w >= 0) || !weights.some((w) => w > 0)) {
    throw invalidValue('weights', where, `${scoreLists.length} non-negative weights, not all 0`, weights);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** Fractional ranks in [0, 1] (ties share their mean rank); a single score gets 0.5. */
function ranksWithin(scores: ArrayLike<number>): Float64Array {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const value = n === 1 ? 0.5 : (start + end) / 2 / (n - 1);
    for (let k = start; k <= end; k++) ranks[order[k]!] = value;
    start = end + 1;
  }
  return ranks;
}

/** Share of reference scores below each score, ties counting half (the mid-rank empirical CDF). */
function ranksAgainst(scores: ArrayLike<number>, reference: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(reference).sort();
  const firstAtLeast = (v: number, strict: boolean) => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (strict ? sorted[mid]! <= v : sorted[mid]! < v) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  return Float64Array.from(scores, (v) => (firstAtLeast(v, false) + firstAtLeast(v, true)) / 2 / sorted.length);
}

function combine(scoreLists: readonly ArrayLike<number>[], weights: number[], normalise: (scores: ArrayLike<number>, m: number) => Float64Array): Float64Array {
  const out = new Float64Array(scoreLists[0]!.length);
  scoreLists.forEach((scores, m) => {
    const normalised = normalise(scores, m);
    for (let i = 0; i < out.length; i++) out[i]! += weights[m]! * normalised[i]!;
  });
  return out;
}

/**
 * Combines several models' scores by averaging their ranks, each scaled to [0, 1] (ties share
 * their mean rank). Only the order of each model's scores matters, so models on different scales
 * (a probability, an isolation-forest score, a reconstruction error) mix without calibration.
 *
 * @example
 * const combined = rankAverage([logisticScores, forestScores], { weights: [2, 1] });
 * // scoring one new row: rank it against each model's validation scores
 * const one = rankAverage([[0.31], [0.62]], { reference: [validationLogistic, validationForest] });
 */
export function rankAverage(scoreLists: readonly ArrayLike<number>[], options: ScoreCombinerOptions = {}): Float64Array {
  const weights = checkScoreLists(scoreLists, options, 'rankAverage');
  const reference = options.reference;
  return combine(scoreLists, weights, (scores, m) => (reference ? ranksAgainst(scores, reference[m]!) : ranksWithin(scores)));
}

/**
 * Combines several models' scores by averaging them after min-max scaling each model to [0, 1]
 * (by the scores themselves, or by `reference` scores, in which case new scores may fall outside
 * [0, 1]). Unlike `rankAverage` it keeps how far apart scores are, and so also their outliers.
 * A model whose scores are all equal contributes 0.5.
 *
 * @example
 * const combined = minMaxAverage([logisticScores, autoencoderScores]);
 */
export function minMaxAverage(scoreLists: readonly ArrayLike<number>[], options: ScoreCombinerOptions = {}): Float64Array {
  const weights = checkScoreLists(scoreLists, options, 'minMaxAverage');
  return combine(scoreLists, weights, (scores, m) => {
    const basis = options.reference ? options.reference[m]! : scores;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < basis.length; i++) {
      min = Math.min(min, basis[i]!);
      max = Math.max(max, basis[i]!);
    }
    return Float64Array.from(scores, (v) => (max > min ? (v - min) / (max - min) : 0.5));
  });
}
