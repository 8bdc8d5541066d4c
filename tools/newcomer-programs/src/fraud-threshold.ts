// Newcomer program 3 (issue 22, "Done when"): a fraud model with a review threshold and an
// explanation of one flagged transaction, written from the fraud-detection README alone. It
// type-checks under --strict with no casts, and `seed` makes the model's weights the same bit for
// bit on every run (and with 1 or 2 loom-wasm threads).
import {
  LogisticRegression,
  TabularEncoder,
  explainByPerturbation,
  formatAttributions,
  precisionInTopK,
  tabularBaseline,
  thresholdByCost,
  type TabularRow,
} from '@loom-ml/fraud-detection';

/** One card transaction. */
export interface Transaction {
  amount: number;
  hour: number;
  merchant: string;
  country: string;
  /** 1 when it was fraud. */
  fraud: number;
}

export interface FraudThresholdResult {
  weights: Float32Array;
  bias: number;
  /** Flag scores at or above this: the cheapest cut for a review costing 5 and a missed fraud 200. */
  threshold: number;
  flagged: number;
  /** Fraction of fraud among the 20 highest scores (the review queue's precision). */
  queuePrecision: number;
  /** Why the highest-scored transaction scored high, largest effect first ("amount +0.31, ..."). */
  explanation: string;
}

const SCHEMA = { numeric: ['amount', 'hour'], categorical: ['merchant', 'country'] };

/** Fits a class-balanced logistic regression on `transactions`, picks a threshold and explains the top one. */
export async function fraudThreshold(transactions: readonly Transaction[], seed: number): Promise<FraudThresholdResult> {
  const rows: TabularRow[] = transactions.map(({ fraud: _label, ...columns }) => columns);
  const labels = transactions.map((t) => t.fraud);
  const encoder = TabularEncoder.fit(rows, SCHEMA);
  const model = await LogisticRegression.fit(encoder.transform(rows), labels, { classWeight: 'balanced', epochs: 5, seed });
  const scores = model.predictProba(encoder.transform(rows));
  const { threshold, flagged } = thresholdByCost(labels, scores, { falsePositive: 5, falseNegative: 200 });

  let top = 0;
  scores.forEach((score, i) => {
    if (score > (scores[top] ?? -Infinity)) top = i;
  });
  const baseline = tabularBaseline(rows, SCHEMA);
  const scoreRows = (list: TabularRow[]) => model.predictProba(encoder.transform(list));
  const topRow = rows[top] ?? baseline;
  const { attributions } = explainByPerturbation(scoreRows, topRow, { baseline });
  return {
    weights: model.weights,
    bias: model.bias,
    threshold,
    flagged,
    queuePrecision: precisionInTopK(labels, scores, 20),
    explanation: formatAttributions(attributions.slice(0, 3)),
  };
}
