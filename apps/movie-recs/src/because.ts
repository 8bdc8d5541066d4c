// "Because you liked ...": how much each movie of a history adds to a recommendation's ALS score.
import { CsrMatrix, ImplicitAls, type Recommender } from '@loom-ml/recommenders';

/** One movie of the history (a model column) and its share of a recommendation's score. */
export interface ItemContribution {
  item: number;
  contribution: number;
}

/**
 * ALS item-item contributions (Hu, Koren & Volinsky 2008, section 5): a history's user vector is
 * x = W Σ_j c_j y_j with W = (YᵀY + λI + Σ_j (c_j − 1) y_j y_jᵀ)⁻¹, so the score of item i,
 * y_i · x, is exactly Σ_j c_j y_iᵀ W y_j: one term per movie of the history. Returns, for each
 * target item, every history item's term, largest first; the terms add up to the item's score
 * from `scoreFromItems(items, values)`. Null for a model that is not ImplicitAls.
 *
 * @example
 * becauseOf(als, [12, 40], undefined, [7])[0]; // [{ item: 40, contribution: 0.61 }, { item: 12, contribution: 0.08 }]
 */
export function becauseOf(model: Recommender, items: readonly number[], values: readonly number[] | undefined, targets: readonly number[]): ItemContribution[][] | null {
  if (!(model instanceof ImplicitAls)) return null;
  const f = model.options.factors;
  const Y = model.itemFactors;
  const row = CsrMatrix.fromTriplets(1, model.itemCount, items.map(() => 0), items, values ?? items.map(() => 1), { duplicates: 'last' });
  const confidence = model.confidence(row);
  const history = Array.from(confidence.rowIndices(0));
  const weights = Array.from(confidence.rowValues(0));
  // A = YᵀY + λI + Σ (c_j − 1) y_j y_jᵀ, in float64.
  const a = new Float64Array(f * f);
  for (let offset = 0; offset < Y.length; offset += f) {
    for (let p = 0; p < f; p++) for (let q = 0; q < f; q++) a[p * f + q]! += Y[offset + p]! * Y[offset + q]!;
  }
  for (let p = 0; p < f; p++) a[p * f + p]! += model.options.regularization;
  history.forEach((j, n) => {
    const extra = weights[n]! - 1;
    for (let p = 0; p < f; p++) for (let q = 0; q < f; q++) a[p * f + q]! += extra * Y[j * f + p]! * Y[j * f + q]!;
  });
  // W y_j for every history item (one solve each; f is small).
  const solved = history.map((j) => solve(a, f, Array.from({ length: f }, (_, p) => Y[j * f + p]!)));
  return targets.map((i) =>
    history
      .map((j, n) => {
        let dot = 0;
        for (let p = 0; p < f; p++) dot += Y[i * f + p]! * solved[n]![p]!;
        return { item: j, contribution: weights[n]! * dot };
      })
      .sort((x, y) => y.contribution - x.contribution),
  );
}

/** Solves A x = b for a symmetric positive definite A [f, f] (Cholesky). */
function solve(a: Float64Array, f: number, b: number[]): Float64Array {
  const l = new Float64Array(f * f);
  for (let i = 0; i < f; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * f + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * f + k]! * l[j * f + k]!;
      l[i * f + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * f + j]!;
    }
  }
  const y = new Float64Array(f);
  for (let i = 0; i < f; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * f + k]! * y[k]!;
    y[i] = sum / l[i * f + i]!;
  }
  const x = new Float64Array(f);
  for (let i = f - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < f; k++) sum -= l[k * f + i]! * x[k]!;
    x[i] = sum / l[i * f + i]!;
  }
  return x;
}
