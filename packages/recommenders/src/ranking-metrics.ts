// LOCAL STAND-IN: replace with the ranking metrics of @loom-ml/metrics once they are committed
// there (issue 6). Kept small and pure so the swap is mechanical.

/**
 * Ranking quality of one ranked list against a set of relevant items, all cut at k.
 * precision = hits/k; recall = hits/|relevant|; ndcg with binary gains and log2 discounts,
 * ideal DCG over min(k, |relevant|) hits; averagePrecision = Σ_hits precision@rank / min(k,
 * |relevant|); reciprocalRank = 1/rank of the first hit within k, else 0.
 *
 * @example
 * rankingMetricsAtK([3, 1, 7], new Set([1, 9]), 3);
 * // { precision: 1/3, recall: 0.5, ndcg: (1/log2(3)) / (1 + 1/log2(3)), averagePrecision: 0.25, reciprocalRank: 0.5 }
 */
export function rankingMetricsAtK(
  ranked: ArrayLike<number>,
  relevant: ReadonlySet<number>,
  k: number,
): { precision: number; recall: number; ndcg: number; averagePrecision: number; reciprocalRank: number } {
  let hits = 0;
  let dcg = 0;
  let precisionSum = 0;
  let reciprocalRank = 0;
  const depth = Math.min(k, ranked.length);
  for (let position = 0; position < depth; position++) {
    if (!relevant.has(ranked[position]!)) continue;
    hits++;
    dcg += 1 / Math.log2(position + 2);
    precisionSum += hits / (position + 1);
    if (reciprocalRank === 0) reciprocalRank = 1 / (position + 1);
  }
  const idealHits = Math.min(k, relevant.size);
  let idealDcg = 0;
  for (let position = 0; position < idealHits; position++) idealDcg += 1 / Math.log2(position + 2);
  return {
    precision: k > 0 ? hits / k : 0,
    recall: relevant.size > 0 ? hits / relevant.size : 0,
    ndcg: idealDcg > 0 ? dcg / idealDcg : 0,
    averagePrecision: idealHits > 0 ? precisionSum / idealHits : 0,
    reciprocalRank,
  };
}
