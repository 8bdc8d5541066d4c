import { readFileSync } from 'node:fs';
import { loadLendingClub } from '@loom-ml/datasets/node';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { expect, it } from 'vitest';
import {
  LogisticRegression, TabularEncoder, attributionsByColumn, explainByPerturbation, formatAttributions, integratedGradients, tabularBaseline,
  type TabularRow,
} from './index.js';

it('runs the README explanations example', async () => {
  const printed: string[] = [];
  const console = { log: (...values: unknown[]) => printed.push(values.join(' ')) };
  await expectNoLeakedTensors(async () => {
    // --- README explanations example (body) ---
    const loans = await loadLendingClub();
    const schema = { numeric: ['int_rate', 'annual_inc', 'revol_util', 'inq_last_6mths'], categorical: ['term', 'sub_grade'] };
    const encoder = TabularEncoder.fit(loans, schema);
    const labels = loans.map((loan) => (loan.Class === 'bad' ? 1 : 0));
    const model = await LogisticRegression.fit(encoder.transform(loans), labels, { classWeight: 'balanced', epochs: 5, seed: 1 });
    const loan = loans.find((l) => l.sub_grade === 'F1')!;

    // Any model: set one column at a time to its training median / mode and rescore.
    const baseline = tabularBaseline(loans, schema); // { int_rate: 11.99, ..., term: 'term_36', ... }
    const scoreRows = (rows: TabularRow[]) => model.predictProba(encoder.transform(rows));
    const { score, attributions } = explainByPerturbation(scoreRows, loan, { baseline });
    console.log(score.toFixed(3), formatAttributions(attributions.slice(0, 3)));

    // A differentiable model: integrated gradients on the encoded features, summed back per column.
    const encodedBaseline = encoder.transform([baseline])[0]!;
    const ig = integratedGradients((x) => model.scoreTensor(x), encoder.transform([loan]), { baseline: encodedBaseline, steps: 64 });
    const columns = attributionsByColumn(encoder, ig.attributions[0]!);
    console.log(formatAttributions(columns.slice(0, 3)), ig.completenessGap[0]);
    // --- end ---
    expect(score).toBeCloseTo(model.predictProba(encoder.transform([loan]))[0]!, 12);
    // Completeness survives the per-column sums; the trapezoid bound at 64 steps is far below 1e-3 here.
    expect(Math.abs(columns.reduce((sum, c) => sum + c.attribution, 0) - (ig.scores[0]! - ig.baselineScores[0]!))).toBeLessThan(1e-3);
    // An F1 loan's interest rate sits far above the median: both methods put it first.
    expect(attributions[0]!.feature).toBe('int_rate');
    expect(columns[0]!.column).toBe('int_rate');
  });
  expect(printed).toHaveLength(2);
  expect(printed[0]).toMatch(/^0\.\d{3} int_rate \+\d\.\d\d, \w+ [+-]\d\.\d\d, \w+ [+-]\d\.\d\d$/);
}, 30_000);

// The README block runs as written (with its backend) in tools/readme-examples; this test runs the
// same code on the cpu backend and checks the attributions.
it('the README runs the code this test checks, after its own set-up', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /## Explanations[^\n]*\n+(?:[^\n]*\n)*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const self = readFileSync(new URL(import.meta.url), 'utf8');
  const body = /\/\/ --- README explanations example \(body\) ---\n([\s\S]*?)\n\s*\/\/ --- end ---/.exec(self)?.[1] ?? '';
  // Comments after the code on a line (the README shows printed output there) do not count.
  const lines = (text: string) => text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('import') && !line.startsWith('// →'));
  expect(lines(body).length).toBeGreaterThan(10);
  expect(lines(block).slice(-lines(body).length)).toEqual(lines(body));
});
