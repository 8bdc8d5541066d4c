import type { TabularRow } from '@loom-ml/fraud-detection';
import { LOAN_SCHEMA, loadLoans, stratifiedSplit } from '../src/lending-club.js';
import { createScorer } from '../src/model-bundle.js';
import { trainFraudModel, type TrainReport } from '../src/train-model.js';

export type FixtureModel = TrainReport & { rows: TabularRow[]; labels: number[] };

/**
 * A quick model for tests: a stratified 30% of the shipped lending-club loans (about 2,960, 155
 * bad), 8 epochs; trains in about a second on the cpu backend.
 */
export async function fixtureModel(): Promise<FixtureModel> {
  const loans = await loadLoans();
  const [subset] = stratifiedSplit(loans.labels, [0.3, 0.7], 7) as [number[], number[]];
  const rows = subset.map((i) => loans.rows[i]!);
  const labels = subset.map((i) => loans.labels[i]!);
  const report = await trainFraudModel(rows, labels, LOAN_SCHEMA, { seed: 1, epochs: 8 });
  return { ...report, rows, labels };
}

/** The fixture row the model finds riskiest: a transaction the service flags. */
export function riskiestRow(fixture: FixtureModel): TabularRow {
  const scores = createScorer(fixture.bundle).scoreRows(fixture.rows);
  let best = 0;
  scores.forEach((s, i) => {
    if (s > scores[best]!) best = i;
  });
  return fixture.rows[best]!;
}
