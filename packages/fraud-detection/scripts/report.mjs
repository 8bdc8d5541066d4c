// Lending-club report: trains every model on a fixed, seeded, stratified 75/25 split and prints
// ROC-AUC, AUPRC and recall at 1% FPR on the held-out loans. A script, not a test:
//   pnpm --filter @loom-ml/fraud-detection report [--data path/to/lending_club.csv.gz]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { readCsvFile } from '@loom-ml/data';
import { dense, dropout, sequential } from '@loom-ml/layers';
import { binaryCrossentropy } from '@loom-ml/losses';
import { averagePrecision, rocAuc } from '@loom-ml/metrics';
import { adam } from '@loom-ml/optimizers';
import { fit, predict } from '@loom-ml/train';
import { initWasm } from '@loom-ml/wasm';
import { IsolationForest, LogisticRegression, TabularEncoder, recallAtFalsePositiveRate } from '../dist/index.js';

const { values } = parseArgs({ options: { data: { type: 'string', default: '/work/shared/data/lending_club.csv.gz' }, seed: { type: 'string', default: '42' } } });
const seed = Number(values.seed);
const wasm = await initWasm({ threads: 'auto', onNotice: () => {} });

const numeric = ['funded_amnt', 'int_rate', 'annual_inc', 'delinq_2yrs', 'inq_last_6mths', 'revol_util', 'acc_now_delinq', 'open_il_6m', 'open_il_12m', 'open_il_24m', 'total_bal_il', 'all_util', 'inq_fi', 'inq_last_12m', 'delinq_amnt', 'num_il_tl', 'total_il_high_credit_limit'];
const categorical = ['term', 'sub_grade', 'addr_state', 'verification_status', 'emp_length'];
const { rows, skippedRows } = await readCsvFile(values.data, { schema: Object.fromEntries(numeric.map((c) => [c, 'number'])), onBadRow: 'collect' });
const labels = rows.map((r) => (r.Class === 'bad' ? 1 : 0));
console.log(`lending-club: ${rows.length} loans, ${labels.reduce((a, b) => a + b, 0)} bad, ${skippedRows} rows skipped.`);

// Stratified, seeded split: shuffle each class, 25% of each to test.
let state = seed >>> 0;
const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const testIdx = [];
const trainIdx = [];
for (const cls of [0, 1]) {
  const idx = labels.map((y, i) => (y === cls ? i : -1)).filter((i) => i >= 0);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const cut = Math.round(idx.length * 0.25);
  testIdx.push(...idx.slice(0, cut));
  trainIdx.push(...idx.slice(cut));
}
const encoder = TabularEncoder.fit(trainIdx.map((i) => rows[i]), { numeric, categorical });
const xTrain = encoder.transform(trainIdx.map((i) => rows[i]));
const xTest = encoder.transform(testIdx.map((i) => rows[i]));
const yTrain = trainIdx.map((i) => labels[i]);
const yTest = testIdx.map((i) => labels[i]);
console.log(`split: ${trainIdx.length} train / ${testIdx.length} test, ${encoder.featureNames.length} features after encoding.\n`);

const results = [];
const report = (name, scores) => results.push({ model: name, 'ROC-AUC': rocAuc(yTest, scores).toFixed(4), AUPRC: averagePrecision(yTest, scores).toFixed(4), 'recall@1%FPR': recallAtFalsePositiveRate(yTest, scores, 0.01).toFixed(4) });

const logistic = await LogisticRegression.fit(xTrain, yTrain, { classWeight: 'balanced', epochs: 40, learningRate: 0.01, l2: 1e-3, seed });
const logisticScores = logistic.predictProba(xTest);
report('logistic regression (balanced class weights)', logisticScores);

const forest = new IsolationForest({ trees: 200, sampleSize: 256, seed }).fit(xTrain);
report('isolation forest (unsupervised)', forest.score(xTest));

const positives = yTrain.reduce((a, b) => a + b, 0);
const mlp = sequential([
  dense({ units: 64, activation: 'relu', inputShape: [xTrain[0].length], kernelInitializer: { name: 'heNormal', seed }, kernelRegularizer: { l2: 1e-4 } }),
  dropout({ rate: 0.3, seed }),
  dense({ units: 1, kernelInitializer: { name: 'glorotUniform', seed: seed + 1 } }),
]);
const x = tf.tensor2d(xTrain);
const y = tf.tensor2d(yTrain, [yTrain.length, 1]);
await fit(mlp, { x, y }, {
  loss: binaryCrossentropy({ fromLogits: true }),
  optimizer: adam({ learningRate: 1e-3 }),
  epochs: 30,
  batchSize: 128,
  seed,
  classWeight: { 0: yTrain.length / (2 * (yTrain.length - positives)), 1: yTrain.length / (2 * positives) },
});
const logits = await predict(mlp, tf.tensor2d(xTest));
const mlpScores = Float64Array.from(tf.sigmoid(logits).dataSync());
report('MLP 64-1 (class weights, wasm)', mlpScores);

// Rank-average combiner of the two supervised models.
const ranks = (s) => {
  const order = Array.from(s.keys()).sort((a, b) => s[a] - s[b]);
  const r = new Float64Array(s.length);
  order.forEach((i, k) => (r[i] = k / (s.length - 1)));
  return r;
};
const lr = ranks(logisticScores);
const nn = ranks(mlpScores);
report('combiner (rank average: logistic + MLP)', lr.map((v, i) => (v + nn[i]) / 2));

console.table(results);
await wasm.dispose();
