// `pnpm start`: trains a logistic regression (balanced class weights) on the shipped lending-club
// loans with a seeded, stratified 60/20/20 split, picks the review threshold on the validation
// split (cost matrix by default, or --target-precision), prints the test-split results, saves the
// bundle atomically to runs/latest/model.json, then serves it (--no-serve to stop after saving).
// An isolation forest on the same training rows (no labels) is saved and served beside it as an
// anomaly signal. `pnpm full` trains the logistic regression for 60 epochs instead of 30.
import { parseArgs } from 'node:util';
import { initWasm } from '@loom-ml/wasm';
import { flagError, numberFlag, SERVICE_FLAGS, serviceOptions } from './cli-options.js';
import { AppError } from './errors.js';
import { describeGuard, urlHost } from './http-guard.js';
import { LOAN_SCHEMA, loadLoans } from './lending-club.js';
import { saveBundle } from './model-bundle.js';
import { createFraudServer } from './server.js';
import { trainFraudModel } from './train-model.js';

const parse = () =>
  parseArgs({
    options: {
      out: { type: 'string', default: 'runs/latest' },
      port: { type: 'string', default: '3000' },
      seed: { type: 'string', default: '42' },
      'false-positive-cost': { type: 'string', default: '1' },
      'false-negative-cost': { type: 'string', default: '10' },
      'target-precision': { type: 'string' },
      'no-serve': { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      ...SERVICE_FLAGS,
    },
  });
let args: ReturnType<typeof parse>['values'];
let options;
let service;
try {
  args = parse().values;
  options = {
    seed: numberFlag('seed', args.seed, { integer: true, min: 0 })!,
    port: numberFlag('port', args.port, { integer: true, min: 0, max: 65535 })!,
    costs: { falsePositive: numberFlag('false-positive-cost', args['false-positive-cost'], { min: 0 })!, falseNegative: numberFlag('false-negative-cost', args['false-negative-cost'], { min: 0 })! },
    targetPrecision: numberFlag('target-precision', args['target-precision'], { min: 0, max: 1 }),
  };
  // Checked before training, so a refused --host or a short key fails in a second, not after the training.
  service = serviceOptions(args);
} catch (caught) {
  const error = flagError(caught);
  if (!(error instanceof AppError)) throw error;
  console.error(error.message);
  process.exit(2);
}

const wasm = await initWasm({ threads: 'auto', onNotice: () => undefined });
const started = performance.now();
const { rows, labels } = await loadLoans();
console.log(`lending-club: ${rows.length} loans, ${labels.reduce((a, b) => a + b, 0)} bad (${LOAN_SCHEMA.numeric.length} numeric + ${LOAN_SCHEMA.categorical.length} categorical features).`);
let trained;
try {
  trained = await trainFraudModel(rows, labels, LOAN_SCHEMA, {
    seed: options.seed,
    epochs: args.full ? 60 : 30,
    costs: options.costs,
    targetPrecision: options.targetPrecision,
  });
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(error.message); // e.g. a target precision no threshold reaches
  await wasm.dispose();
  process.exit(2);
}
const { bundle, sizes } = trained;
const e = bundle.evaluation;
console.log(`split (seed ${options.seed}, stratified): ${sizes.train} train / ${sizes.validation} validation / ${sizes.test} test; trained in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
console.log(`threshold ${bundle.threshold.value.toFixed(4)}, chosen by ${bundle.threshold.rule}.`);
console.log(`test split (${e.rows} loans, ${e.positives} bad): ROC-AUC ${e.rocAuc.toFixed(4)}, AUPRC ${e.averagePrecision.toFixed(4)} (base rate ${(e.positives / e.rows).toFixed(4)});`);
console.log(`  at the threshold: ${(100 * e.flaggedShare).toFixed(1)}% of loans go to review, precision ${e.precisionAtThreshold.toFixed(4)}, recall ${e.recallAtThreshold.toFixed(4)}.`);

const q = bundle.anomaly.trainingQuantiles;
console.log(`isolation forest (unsupervised, served as anomalyScore): test ROC-AUC ${bundle.anomaly.rocAuc.toFixed(4)}, AUPRC ${bundle.anomaly.averagePrecision.toFixed(4)}; training anomaly scores p50 ${q.p50.toFixed(3)}, p90 ${q.p90.toFixed(3)}, p99 ${q.p99.toFixed(3)}.`);
await wasm.dispose();

const path = await saveBundle(args.out, bundle);
console.log(`saved ${path}.`);
if (!args['no-serve']) {
  const { server, guard } = createFraudServer(bundle, service.options);
  server.on('error', (error) => {
    console.error(`Cannot listen on ${service.host}:${options.port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(options.port, service.host, () => {
    const { port } = server.address() as { port: number };
    console.log(`serving on http://${urlHost(service.host)}:${port}/ (dashboard), POST /score, GET /health, GET /metrics. Ctrl+C stops.`);
    console.log(describeGuard(guard.options, 'POST /score, GET /metrics, GET /api/summary'));
  });
}
