import type { CsrMatrix } from './csr-matrix.js';
import { invalidValue } from './errors.js';

/** How raw interaction values r become ALS confidences c. */
export type ConfidenceScaling = 'linear' | 'log';

/** Options of {@link confidenceWeight}. */
export interface ConfidenceOptions {
  /** Scale of the confidence; default 40 (Hu, Koren & Volinsky 2008). */
  alpha?: number;
  /** `'linear'`: c = 1 + alpha·r (default). `'log'`: c = 1 + alpha·log(1 + r/epsilon). */
  scaling?: ConfidenceScaling;
  /** Divisor inside the log scaling; default 1. */
  epsilon?: number;
}

/**
 * Confidence of each stored entry, per Hu, Koren & Volinsky (2008). Entries not stored have
 * confidence 1 and preference 0; ALS adds them implicitly.
 *
 * @example
 * confidenceWeight(matrix, { alpha: 2 }); // each value r becomes 1 + 2r
 * confidenceWeight(matrix, { alpha: 2, scaling: 'log', epsilon: 0.5 }); // 1 + 2·log(1 + 2r)
 */
export function confidenceWeight(matrix: CsrMatrix, options: ConfidenceOptions = {}): CsrMatrix {
  const { alpha, scaling, epsilon } = resolveConfidenceOptions(options, 'confidenceWeight');
  return matrix.mapValues((value) =>
    scaling === 'linear' ? 1 + alpha * value : 1 + alpha * Math.log1p(value / epsilon),
  );
}

/** Validates confidence options and fills in defaults. */
export function resolveConfidenceOptions(
  options: ConfidenceOptions,
  where: string,
): Required<ConfidenceOptions> {
  const alpha = options.alpha ?? 40;
  const scaling = options.scaling ?? 'linear';
  const epsilon = options.epsilon ?? 1;
  if (!Number.isFinite(alpha) || alpha < 0) throw invalidValue('alpha', where, 'a non-negative number', alpha);
  if (scaling !== 'linear' && scaling !== 'log') throw invalidValue('scaling', where, "'linear' or 'log'", scaling);
  if (!Number.isFinite(epsilon) || epsilon <= 0) throw invalidValue('epsilon', where, 'a positive number', epsilon);
  return { alpha, scaling, epsilon };
}

/** Options of {@link bm25Weight}. */
export interface Bm25Options {
  /** Term-frequency saturation; default 100 (as in `implicit`). */
  k1?: number;
  /** Length normalisation in [0, 1]; default 0.8. */
  b?: number;
}

/**
 * Okapi BM25 weighting of a documents × terms matrix (rows are documents). For item-kNN pass
 * the item × user matrix: users who interact with many items then count less (idf), and long
 * item rows are length-normalised. idf(t) = log(N) − log(1 + df(t)), as in `implicit`.
 *
 * @example
 * const weighted = bm25Weight(userItems.transpose(), { k1: 100, b: 0.8 });
 */
export function bm25Weight(matrix: CsrMatrix, options: Bm25Options = {}): CsrMatrix {
  const k1 = options.k1 ?? 100;
  const b = options.b ?? 0.8;
  if (!Number.isFinite(k1) || k1 < 0) throw invalidValue('k1', 'bm25Weight', 'a non-negative number', k1);
  if (!Number.isFinite(b) || b < 0 || b > 1) throw invalidValue('b', 'bm25Weight', 'a number in [0, 1]', b);
  const documents = matrix.rows;
  const documentFrequency = matrix.columnCounts();
  const idf = Float64Array.from(documentFrequency, (df) => Math.log(documents) - Math.log1p(df));
  const lengths = new Float64Array(documents);
  for (let r = 0; r < documents; r++) {
    for (const value of matrix.rowValues(r)) lengths[r]! += value;
  }
  const averageLength = documents === 0 ? 1 : lengths.reduce((sum, x) => sum + x, 0) / documents || 1;
  return matrix.mapValues((value, row, column) => {
    const lengthNorm = 1 - b + (b * lengths[row]!) / averageLength;
    return ((value * (k1 + 1)) / (k1 * lengthNorm + value)) * idf[column]!;
  });
}

/**
 * TF-IDF weighting of a documents × terms matrix (rows are documents): each value v becomes
 * sqrt(v)·idf(t) with idf(t) = log(N) − log(1 + df(t)), as in `implicit`. Terms present in
 * nearly every document get idf ≤ 0.
 *
 * @example
 * const weighted = tfidfWeight(userItems.transpose());
 */
export function tfidfWeight(matrix: CsrMatrix): CsrMatrix {
  const documents = matrix.rows;
  const documentFrequency = matrix.columnCounts();
  const idf = Float64Array.from(documentFrequency, (df) => Math.log(documents) - Math.log1p(df));
  return matrix.mapValues((value, _row, column) => Math.sqrt(value) * idf[column]!);
}
