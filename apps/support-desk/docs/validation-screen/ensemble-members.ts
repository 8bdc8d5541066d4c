// Splits a saved ensemble (pnpm full --members K) back into its K members and scores each, their
// logit mean and their probability mean on the VALIDATION share written by dump-split.ts (the
// test split is not read). The members' output biases were averaged when they were folded, so
// each member is scored with that shared bias. Run from apps/support-desk:
//   npx tsx docs/validation-screen/ensemble-members.ts runs/latest 3 /tmp/split.json
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { deserializeModel, type Sequential } from '@loom-ml/layers';
import { initWasm } from '@loom-ml/wasm';
import { argmaxRows, softmaxRows } from '../../src/evaluation.js';
import { Featurizer } from '../../src/features.js';
import { buildModel, CUSTOM_LAYERS, predictLogits } from '../../src/intent-model.js';

await initWasm({ threads: 1, onNotice: () => {} });
const [directory = 'runs/latest', members = '3', splitPath = 'split.json'] = process.argv.slice(2);
const K = Number(members);
const split = JSON.parse(readFileSync(splitPath, 'utf8')) as { validation: { texts: string[]; labels: number[] } };
const featurizer = Featurizer.fromJSON((JSON.parse(readFileSync(`${directory}/bundle.json`, 'utf8')) as { featurizer: unknown }).featurizer);
const merged = deserializeModel(new Uint8Array(readFileSync(`${directory}/model.loom`)), { customLayers: CUSTOM_LAYERS }) as Sequential;
const [table, kernel, bias] = merged.getWeights() as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
const dim = table.shape[1] / K;
const classes = kernel.shape[1];
const { texts, labels } = split.validation;
const accuracy = (scores: Float32Array) => `${((100 * argmaxRows(scores, classes).filter((p, i) => p === labels[i]).length) / labels.length).toFixed(2)}%`;
const logits = Array.from({ length: K }, (_, k) => {
  const member = buildModel(featurizer.size, classes, { dim, dropout: 0, seed: 0 }, featurizer.options.maxFeatures);
  member.setWeights([tf.slice(table, [0, k * dim], [-1, dim]), tf.mul(tf.slice(kernel, [k * dim, 0], [dim, -1]), K), bias]);
  const values = predictLogits(member, featurizer, texts);
  console.log(`member ${k + 1}: ${accuracy(values)}`);
  return values;
});
console.log(`logits averaged (the saved network): ${accuracy(predictLogits(merged, featurizer, texts))}`);
const probabilities = logits.map((values) => softmaxRows(values, classes, 1));
console.log(`probabilities averaged: ${accuracy(probabilities[0]!.map((_, i) => probabilities.reduce((sum, p) => sum + p[i]!, 0) / K))}`);
for (let a = 0; a < K; a++) {
  for (let b = a + 1; b < K; b++) {
    const [pa, pb] = [argmaxRows(logits[a]!, classes), argmaxRows(logits[b]!, classes)];
    console.log(`members ${a + 1} and ${b + 1} disagree on ${pa.filter((p, i) => p !== pb[i]).length} of ${texts.length}`);
  }
}
