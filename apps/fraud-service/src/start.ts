// `pnpm start`: trains a logistic regression (balanced class weights) on the shipped lending-club
// loans with a seeded, stratified 60/20/20 split, picks the review threshold on the validation
// split (cost matrix by default, or --target-precision), prints the test-split results, saves the
// bundle atomically to runs/latest/model.json, then serves it (--no-serve to stop after saving).
// An isolation forest on the same training rows (no labels) is saved and served beside it as an
// anomaly signal. `pnpm full` (`--full`) trains the logistic regression for 60 epochs instead of
// 30. `--help` lists the flags.
import { startCommand } from './cli-options.js';
import { readCommandLine, startStep } from './command-line.js';
import { describeGuard, urlHost } from './http-guard.js';
import { serviceOptions } from './service-flags.js';

const { values } = await readCommandLine(startCommand);
// Checked before training, so a refused --host or a short key fails in a second, not after the training.
const service = serviceOptions(startCommand, values);
const { quiet } = values;
const log = quiet ? () => {} : (line: string) => console.log(line);
// Loaded once the flags are read, so that --help and a bad flag answer at once.
const { initWasm } = await import('@loom-ml/wasm');
const { LOAN_SCHEMA, loadLoans } = await import('./lending-club.js');
const { saveBundle } = await import('./model-bundle.js');
const { createFraudServer } = await import('./server.js');
const { trainFraudModel } = await import('./train-model.js');

const wasm = await initWasm({ threads: values.threads, onNotice: () => undefined });
const started = performance.now();
const loading = startStep('Loading lending-club', { quiet });
const { rows, labels } = await loadLoans();
loading.end(`${rows.length} loans, ${labels.reduce((a, b) => a + b, 0)} bad (${LOAN_SCHEMA.numeric.length} numeric + ${LOAN_SCHEMA.categorical.length} categorical features)`);
const training = startStep(`Training (${values.full ? 60 : 30} epochs), picking the threshold, scoring the test split`, { quiet });
let trained;
try {
  trained = await trainFraudModel(rows, labels, LOAN_SCHEMA, {
    seed: values.seed,
    epochs: values.full ? 60 : 30,
    costs: { falsePositive: values['false-positive-cost'], falseNegative: values['false-negative-cost'] },
    targetPrecision: values['target-precision'],
  });
} catch (error) {
  await wasm.dispose();
  throw error; // e.g. a target precision no threshold reaches: one line, exit code 1
}
training.end('done');
const { bundle, sizes } = trained;
const e = bundle.evaluation;
log(`split (seed ${values.seed}, stratified): ${sizes.train} train / ${sizes.validation} validation / ${sizes.test} test; trained in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
log(`threshold ${bundle.threshold.value.toFixed(4)}, chosen by ${bundle.threshold.rule}.`);
log(`test split (${e.rows} loans, ${e.positives} bad): ROC-AUC ${e.rocAuc.toFixed(4)}, AUPRC ${e.averagePrecision.toFixed(4)} (base rate ${(e.positives / e.rows).toFixed(4)});`);
log(`  at the threshold: ${(100 * e.flaggedShare).toFixed(1)}% of loans go to review, precision ${e.precisionAtThreshold.toFixed(4)}, recall ${e.recallAtThreshold.toFixed(4)}.`);

const q = bundle.anomaly.trainingQuantiles;
log(`isolation forest (unsupervised, served as anomalyScore): test ROC-AUC ${bundle.anomaly.rocAuc.toFixed(4)}, AUPRC ${bundle.anomaly.averagePrecision.toFixed(4)}; training anomaly scores p50 ${q.p50.toFixed(3)}, p90 ${q.p90.toFixed(3)}, p99 ${q.p99.toFixed(3)}.`);
await wasm.dispose();

const path = await saveBundle(values.out, bundle);
if (values['no-serve']) {
  console.log(`Saved ${path} and encoder.json (threshold ${bundle.threshold.value.toFixed(4)}). Next: pnpm --filter @loom-ml/app-fraud-service serve${values.out === 'runs/latest' ? '' : ` --model ${values.out}`}`);
} else {
  const { server, guard } = createFraudServer(bundle, service.options);
  server.on('error', (error) => {
    console.error(`Cannot listen on ${service.host}:${values.port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(values.port, service.host, () => {
    const { port } = server.address() as { port: number };
    log(describeGuard(guard.options, 'POST /score, GET /metrics, GET /api/summary'));
    console.log(`Saved ${path} and encoder.json; serving it on http://${urlHost(service.host)}:${port}/ (dashboard), POST /score, GET /health, GET /metrics. Ctrl+C stops.`);
  });
}
