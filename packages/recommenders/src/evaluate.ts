import type { CsrMatrix } from './csr-matrix.js';
import { invalidValue } from './errors.js';
import { rankingMetricsAtK } from '@loom-ml/metrics';
import type { Recommender } from './recommender.js';

/** Mean ranking metrics of a model over the test users of a split. */
export interface RecommenderMetrics {
  k: number;
  precision: number;
  recall: number;
  ndcg: number;
  /** Mean average precision at k: the mean over users of metrics' `averagePrecision` (`meanRankingMetrics` key). */
  averagePrecision: number;
  /** Mean reciprocal rank at k: the mean over users of metrics' `reciprocalRank` (`meanRankingMetrics` key). */
  reciprocalRank: number;
  /** @deprecated The same value as `averagePrecision` (the name `@loom-ml/metrics` uses); goes in the next minor version. */
  map: number;
  /** @deprecated The same value as `reciprocalRank` (the name `@loom-ml/metrics` uses); goes in the next minor version. */
  mrr: number;
  /** Distinct items recommended to the evaluated users / all items. */
  coverage: number;
  /** Users with at least one test item (the ones averaged over). */
  users: number;
}

/** Options of {@link evaluateRecommender}. */
export interface EvaluateOptions {
  /** Cut-off; default 10. */
  k?: number;
  /** Exclude training items from the recommendations; default true. */
  excludeSeen?: boolean;
}

/**
 * Scores a fitted model on the held-out matrix of a split (users × items in the train index
 * space, e.g. `randomSplit(...).test`): for each user with test items, the top-k
 * recommendations (training items excluded) are compared with the user's test items.
 * MRR is cut at k too.
 *
 * @example
 * const split = randomSplit(events, { seed: 42 });
 * const als = new ImplicitAls({ seed: 1 }).fit(split.train.matrix);
 * evaluateRecommender(als, split, { k: 10 }); // { precision, recall, ndcg, averagePrecision, reciprocalRank, coverage, users, ... }
 */
export function evaluateRecommender(
  model: Recommender,
  split: { test: CsrMatrix },
  options: EvaluateOptions = {},
): RecommenderMetrics {
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 1) throw invalidValue('k', 'evaluateRecommender', 'a positive integer', k);
  const test = split.test;
  if (test.rows > model.userCount || test.columns !== model.itemCount) {
    throw invalidValue(
      'split.test',
      'evaluateRecommender',
      `a matrix of at most ${model.userCount} users × ${model.itemCount} items`,
      `${test.rows} × ${test.columns}`,
    );
  }
  const totals = { precision: 0, recall: 0, ndcg: 0, map: 0, mrr: 0 };
  const recommended = new Uint8Array(model.itemCount);
  let users = 0;
  for (let user = 0; user < test.rows; user++) {
    const relevantItems = test.rowIndices(user);
    if (relevantItems.length === 0) continue;
    const ranked = model.recommend(user, k, { excludeSeen: options.excludeSeen ?? true }).map((r) => r.item);
    for (const item of ranked) recommended[item] = 1;
    const metrics = rankingMetricsAtK(ranked, new Set(relevantItems), k);
    totals.precision += metrics.precision;
    totals.recall += metrics.recall;
    totals.ndcg += metrics.ndcg;
    totals.map += metrics.averagePrecision;
    totals.mrr += metrics.reciprocalRank;
    users++;
  }
  const mean = (value: number): number => (users > 0 ? value / users : 0);
  return {
    k,
    precision: mean(totals.precision),
    recall: mean(totals.recall),
    ndcg: mean(totals.ndcg),
    averagePrecision: mean(totals.map),
    reciprocalRank: mean(totals.mrr),
    map: mean(totals.map),
    mrr: mean(totals.mrr),
    coverage: model.itemCount > 0 ? recommended.reduce((sum, x) => sum + x, 0) / model.itemCount : 0,
    users,
  };
}

/**
 * Formats one row of metrics per model as a fixed-width text table.
 *
 * @example
 * console.log(formatMetricsTable([{ name: 'ALS', metrics: evaluateRecommender(als, split) }]));
 */
export function formatMetricsTable(
  rows: readonly { name: string; metrics: RecommenderMetrics; extra?: Record<string, string> }[],
): string {
  const k = rows[0]?.metrics.k ?? 10;
  const extraKeys = [...new Set(rows.flatMap((row) => Object.keys(row.extra ?? {})))];
  const header = ['model', `P@${k}`, `R@${k}`, `NDCG@${k}`, `MAP@${k}`, `MRR@${k}`, 'coverage', ...extraKeys];
  const body = rows.map(({ name, metrics, extra }) => [
    name,
    ...[metrics.precision, metrics.recall, metrics.ndcg, metrics.averagePrecision, metrics.reciprocalRank, metrics.coverage].map((v) =>
      v.toFixed(4),
    ),
    ...extraKeys.map((key) => extra?.[key] ?? ''),
  ]);
  const widths = header.map((cell, column) => Math.max(cell.length, ...body.map((row) => row[column]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
