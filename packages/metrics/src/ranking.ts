import { invalidValue } from './errors.js';

/**
 * The ranking metrics of one ranked list at k (`rankingMetricsAtK`), or their means over users
 * (`meanRankingMetrics`), each in [0, 1]; the definitions are on `rankingMetricsAtK`.
 */
export interface RankingMetrics {
  precision: number;
  recall: number;
  ndcg: number;
  averagePrecision: number;
  reciprocalRank: number;
  hit: number;
}

/**
 * Quality of one ranked list against the relevant items, cut at k. Definitions:
 * precision = hits / k; recall = hits / |relevant|; NDCG with gains (1, or `gains.get(item)`)
 * and log2(rank + 1) discounts over the ideal ordering of the relevant items; average
 * precision = Σ_hits precision@rank / min(k, |relevant|); reciprocal rank = 1 / rank of the
 * first hit within k (else 0); hit = 1 if any hit.
 *
 * A ranked list must not repeat an item (a repeat would count one relevant item as several
 * hits, giving recall and NDCG above 1): a list with a repeat is refused with a `MetricError`
 * naming the item and both positions, rather than silently deduplicated, since a repeat almost
 * always means a bug in the code that produced the ranking.
 *
 * @example
 * rankingMetricsAtK([3, 1, 7], new Set([1, 9]), 3).ndcg; // (1/log2 3) / (1 + 1/log2 3)
 */
export function rankingMetricsAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number, gains?: ReadonlyMap<number, number>): RankingMetrics {
  if (!Number.isInteger(k) || k < 1) throw invalidValue('k', 'rankingMetricsAtK', 'a positive integer', k);
  const firstPosition = new Map<number, number>();
  for (let position = 0; position < ranked.length; position++) {
    const item = ranked[position]!;
    const earlier = firstPosition.get(item);
    if (earlier !== undefined) {
      throw invalidValue('ranked', 'rankingMetricsAtK', 'a ranking with no repeated item', `item ${item} at positions ${earlier} and ${position}`);
    }
    firstPosition.set(item, position);
  }
  const gain = (item: number) => (gains ? (gains.get(item) ?? 0) : relevant.has(item) ? 1 : 0);
  let hits = 0;
  let dcg = 0;
  let precisionSum = 0;
  let reciprocalRank = 0;
  const depth = Math.min(k, ranked.length);
  for (let position = 0; position < depth; position++) {
    const item = ranked[position]!;
    if (!relevant.has(item)) continue;
    hits++;
    dcg += gain(item) / Math.log2(position + 2);
    precisionSum += hits / (position + 1);
    if (reciprocalRank === 0) reciprocalRank = 1 / (position + 1);
  }
  const idealGains = [...relevant].map(gain).sort((a, b) => b - a).slice(0, k);
  const idealDcg = idealGains.reduce((sum, g, position) => sum + g / Math.log2(position + 2), 0);
  const idealHits = Math.min(k, relevant.size);
  return {
    precision: hits / k,
    recall: relevant.size > 0 ? hits / relevant.size : 0,
    ndcg: idealDcg > 0 ? dcg / idealDcg : 0,
    averagePrecision: idealHits > 0 ? precisionSum / idealHits : 0,
    reciprocalRank,
    hit: hits > 0 ? 1 : 0,
  };
}

/**
 * Mean of each ranking metric over users. Users with no relevant items are skipped (their
 * recall and NDCG are undefined) and counted in `skippedUsers`.
 *
 * @example
 * meanRankingMetrics([[1, 2], [5, 6]], [new Set([2]), new Set([9])], 2);
 */
export function meanRankingMetrics(
  rankings: readonly ArrayLike<number>[],
  relevant: readonly ReadonlySet<number>[],
  k: number,
): RankingMetrics & { users: number; skippedUsers: number } {
  if (rankings.length !== relevant.length) throw invalidValue('relevant', 'meanRankingMetrics', `${rankings.length} sets (one per ranking)`, relevant.length);
  const sums: RankingMetrics = { precision: 0, recall: 0, ndcg: 0, averagePrecision: 0, reciprocalRank: 0, hit: 0 };
  let users = 0;
  rankings.forEach((ranked, u) => {
    if (relevant[u]!.size === 0) return;
    users++;
    const m = rankingMetricsAtK(ranked, relevant[u]!, k);
    for (const key of Object.keys(sums) as (keyof RankingMetrics)[]) sums[key] += m[key];
  });
  const mean = Object.fromEntries(Object.entries(sums).map(([key, v]) => [key, users === 0 ? 0 : v / users])) as unknown as RankingMetrics;
  return { ...mean, users, skippedUsers: rankings.length - users };
}

/** Mean precision@k over users (see `meanRankingMetrics`). @example precisionAtK([[1, 2]], [new Set([2])], 2); // 0.5 */
export function precisionAtK(rankings: readonly ArrayLike<number>[], relevant: readonly ReadonlySet<number>[], k: number): number {
  return meanRankingMetrics(rankings, relevant, k).precision;
}
/** Mean recall@k. @example recallAtK([[1, 2]], [new Set([2, 3])], 2); // 0.5 */
export function recallAtK(rankings: readonly ArrayLike<number>[], relevant: readonly ReadonlySet<number>[], k: number): number {
  return meanRankingMetrics(rankings, relevant, k).recall;
}
/** Mean NDCG@k with binary gains. @example ndcgAtK([[2, 1]], [new Set([2])], 2); // 1 */
export function ndcgAtK(rankings: readonly ArrayLike<number>[], relevant: readonly ReadonlySet<number>[], k: number): number {
  return meanRankingMetrics(rankings, relevant, k).ndcg;
}
/** Mean average precision@k, normalised by min(k, |relevant|). @example mapAtK([[1, 2]], [new Set([2])], 2); // 0.5 */
export function mapAtK(rankings: readonly ArrayLike<number>[], relevant: readonly ReadonlySet<number>[], k: number): number {
  return meanRankingMetrics(rankings, relevant, k).averagePrecision;
}
/** Mean reciprocal rank of the first hit within k. @example mrr([[1, 2]], [new Set([2])], 2); // 0.5 */
export function mrr(rankings: readonly ArrayLike<number>[], relevant: readonly ReadonlySet<number>[], k: number): number {
  return meanRankingMetrics(rankings, relevant, k).reciprocalRank;
}
/** Fraction of users with at least one hit within k. @example hitRateAtK([[1, 2]], [new Set([2])], 1); // 0 */
export function hitRateAtK(rankings: readonly ArrayLike<number>[], relevant: readonly ReadonlySet<number>[], k: number): number {
  return meanRankingMetrics(rankings, relevant, k).hit;
}

/**
 * Catalogue coverage: the fraction of the catalogue's items that appear in at least one
 * top-k list.
 *
 * @example
 * catalogueCoverage([[1, 2], [2, 3]], 10, 2); // 0.3
 */
export function catalogueCoverage(rankings: readonly ArrayLike<number>[], catalogueSize: number, k: number): number {
  if (!Number.isInteger(catalogueSize) || catalogueSize < 1) throw invalidValue('catalogueSize', 'catalogueCoverage', 'a positive integer', catalogueSize);
  const seen = new Set<number>();
  for (const ranked of rankings) for (let i = 0; i < Math.min(k, ranked.length); i++) seen.add(ranked[i]!);
  return seen.size / catalogueSize;
}
