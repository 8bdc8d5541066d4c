import { loadLendingClub } from '@loom-ml/datasets/node';
import type { TabularRow, TabularSchema } from '@loom-ml/fraud-detection';

/**
 * The 22 loan features the service scores: 17 numeric, 5 categorical (lending-club's columns).
 *
 * @example
 * const encoder = TabularEncoder.fit(rows, LOAN_SCHEMA);
 */
export const LOAN_SCHEMA: TabularSchema = {
  numeric: [
    'funded_amnt', 'int_rate', 'annual_inc', 'delinq_2yrs', 'inq_last_6mths', 'revol_util', 'acc_now_delinq', 'open_il_6m', 'open_il_12m',
    'open_il_24m', 'total_bal_il', 'all_util', 'inq_fi', 'inq_last_12m', 'delinq_amnt', 'num_il_tl', 'total_il_high_credit_limit',
  ],
  categorical: ['term', 'sub_grade', 'addr_state', 'verification_status', 'emp_length'],
};

export interface LabelledRows {
  rows: TabularRow[];
  /** 1 = bad loan (the positive, risky class), 0 = good. */
  labels: number[];
}

/**
 * The 9,857 shipped lending-club loans (517 bad) with 0/1 labels; only the schema's columns are kept.
 *
 * @example
 * const { rows, labels } = await loadLoans();
 */
export async function loadLoans(): Promise<LabelledRows> {
  const loans = await loadLendingClub();
  const columns = [...LOAN_SCHEMA.numeric, ...LOAN_SCHEMA.categorical];
  return {
    rows: loans.map((loan) => Object.fromEntries(columns.map((c) => [c, (loan as Record<string, unknown>)[c]]))),
    labels: loans.map((loan) => (loan.Class === 'bad' ? 1 : 0)),
  };
}

/**
 * Seeded split that keeps the class balance: each class is shuffled and cut by `fractions`
 * (e.g. [0.6, 0.2, 0.2] for train / validation / test).
 *
 * @example
 * const [train, validation, test] = stratifiedSplit(labels, [0.6, 0.2, 0.2], 42); // row indices
 */
export function stratifiedSplit(labels: readonly number[], fractions: readonly number[], seed: number): number[][] {
  let state = seed >>> 0;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const parts: number[][] = fractions.map(() => []);
  for (const cls of [0, 1]) {
    const indices = labels.flatMap((y, i) => (y === cls ? [i] : []));
    for (let i = indices.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [indices[i], indices[j]] = [indices[j]!, indices[i]!];
    }
    let start = 0;
    fractions.forEach((fraction, p) => {
      const end = p === fractions.length - 1 ? indices.length : start + Math.round(indices.length * fraction);
      parts[p]!.push(...indices.slice(start, end));
      start = end;
    });
  }
  return parts;
}
