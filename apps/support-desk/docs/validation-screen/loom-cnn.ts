// The word CNN of cnn.py built with Loom, on the VALIDATION share only (the test split is not read),
// and its blend with a saved bag model: (1 - w) * bag probabilities + w * CNN probabilities. Simpler
// than the replica's CNN: one convolution (width 3, 256 filters, ReLU) and a plain maximum over the
// 40 word slots (padding included). Embedding 128 of the words seen at least twice (1: unknown,
// 0: padding), dropout 0.3, Adam 0.003 with a cosine decay to 1%, 10 epochs of 64. Now built into
// the app as src/word-cnn.ts (README "Word CNN blend"); this screen is kept as the record. Run from apps/support-desk, after pnpm full has saved the bag:
//   npx tsx docs/validation-screen/dump-split.ts /tmp/split.json
//   npx tsx docs/validation-screen/loom-cnn.ts /tmp/split.json runs/latest 42
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { conv1d, deserializeModel, dense, dropout, embedding, globalMaxPooling, sequential, type Sequential } from '@loom-ml/layers';
import { sparseCategoricalCrossentropy } from '@loom-ml/losses';
import { adam, cosineDecaySchedule } from '@loom-ml/optimizers';
import { fit } from '@loom-ml/train';
import { initWasm } from '@loom-ml/wasm';
import { argmaxRows, softmaxRows } from '../../src/evaluation.js';
import { Featurizer, wordsOf } from '../../src/features.js';
import { CUSTOM_LAYERS, predictLogits } from '../../src/intent-model.js';

const [splitPath = 'split.json', bagDirectory = 'runs/latest', seedText = '42'] = process.argv.slice(2);
const seed = Number(seedText);
const LENGTH = 40;
const EPOCHS = 10;
await initWasm({ threads: 1, onNotice: () => {} });
const split = JSON.parse(readFileSync(splitPath, 'utf8')) as { train: { texts: string[]; labels: number[] }; validation: { texts: string[]; labels: number[] } };
const counts = new Map<string, number>();
for (const text of split.train.texts) for (const word of wordsOf(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
const vocabulary = new Map([...counts].filter(([, n]) => n >= 2).map(([word]) => word).sort().map((word, i) => [word, i + 2] as const));
const encode = (texts: string[]) => {
  const ids = new Int32Array(texts.length * LENGTH);
  texts.forEach((text, i) => wordsOf(text).slice(0, LENGTH).forEach((word, j) => (ids[i * LENGTH + j] = vocabulary.get(word) ?? 1)));
  return tf.tensor2d(ids, [texts.length, LENGTH], 'int32');
};
const model = sequential([
  embedding({ inputDim: vocabulary.size + 2, outputDim: 128, inputShape: [LENGTH], embeddingsInitializer: { name: 'randomNormal', stddev: 0.05, seed } }),
  conv1d({ filters: 256, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: { name: 'glorotUniform', seed: seed + 1 } }),
  globalMaxPooling(),
  dropout({ rate: 0.3, seed: seed + 2 }),
  dense({ units: 77, kernelInitializer: { name: 'glorotUniform', seed: seed + 3 } }),
]);
const x = encode(split.train.texts);
const y = tf.tensor1d(Int32Array.from(split.train.labels), 'int32');
const validation = encode(split.validation.texts);
const { labels } = split.validation;
const accuracy = (scores: Float32Array) => `${((100 * argmaxRows(scores, 77).filter((p, i) => p === labels[i]).length) / labels.length).toFixed(2)}%`;
const steps = EPOCHS * Math.ceil(split.train.texts.length / 64);
const started = performance.now();
let cnn: Float32Array = new Float32Array();
await fit(model, { x, y }, {
  loss: sparseCategoricalCrossentropy({ fromLogits: true }),
  optimizer: adam({ learningRate: cosineDecaySchedule({ initValue: 0.003, decaySteps: steps, alpha: 0.01 }) }),
  epochs: EPOCHS,
  batchSize: 64,
  seed,
  verbose: false,
  callbacks: [{
    onEpochEnd: (epoch, logs) => {
      cnn = tf.tidy(() => (model.apply(validation, { training: false }) as tf.Tensor).dataSync() as Float32Array);
      console.log(`epoch ${epoch + 1}: loss ${Number(logs.loss).toFixed(4)}, validation ${accuracy(cnn)}, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    },
  }],
});
const bundle = JSON.parse(readFileSync(`${bagDirectory}/bundle.json`, 'utf8')) as { featurizer: unknown };
const bagModel = deserializeModel(new Uint8Array(readFileSync(`${bagDirectory}/model.loom`)), { customLayers: CUSTOM_LAYERS }) as Sequential;
const bag = predictLogits(bagModel, Featurizer.fromJSON(bundle.featurizer), split.validation.texts);
console.log(`validation: bag ${accuracy(bag)}, CNN ${accuracy(cnn)}`);
const [bagProbabilities, cnnProbabilities] = [softmaxRows(bag, 77, 1), softmaxRows(cnn, 77, 1)];
for (const weight of [0.2, 0.3, 0.4, 0.5, 0.6]) console.log(`blend, CNN weight ${weight}: ${accuracy(bagProbabilities.map((p, i) => (1 - weight) * p + weight * cnnProbabilities[i]!))}`);
