// Benchmark: inference of the example apps' models on Loom (loom-wasm backend) and on
// onnxruntime-web (WebAssembly) running the same models exported with exportOnnx, with the same
// thread count, side by side in one process: each measurement alternates the two engines call by
// call (interleaved rounds), so load from other jobs on a shared machine hits both alike.
// Reports batch-1 latency (median and p99 over all calls, input to output values in JS) and
// batch-256 throughput (rows per second). Random weights: speed does not depend on the values.
//   pnpm --filter @loom-ml/export bench     (BENCH_THREADS=N, default 1; BENCH_SECONDS=S per measurement, default 3)
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';
import { initWasm } from '@loom-ml/wasm';
import { conv2d, dense, dropout, embedding, flatten, globalAveragePooling, lstm, maxPool2d, positionalEmbedding, sequential, transformerEncoder } from '@loom-ml/layers';
import { MlpClassifier } from '@loom-ml/fraud-detection';
import { exportOnnx } from '../dist/index.js';
import { interleavedRounds, loadAverage, percentile } from '../../../tools/scripts/bench.mjs';

const threads = Number(process.env.BENCH_THREADS ?? 1);
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
tf.env().set('IS_TEST', false);
const wasm = await initWasm({ threads, onNotice: () => {} });
ort.env.wasm.numThreads = threads;

const vocabulary = 10000;
const length = 200;

function fraudMlp(inputSize, hiddenUnits) {
  const sizes = [inputSize, ...hiddenUnits, 1];
  const weights = sizes.slice(1).flatMap((units, i) => [
    { shape: [sizes[i], units], values: Array.from({ length: sizes[i] * units }, () => Math.random() - 0.5) },
    { shape: [units], values: Array.from({ length: units }, () => Math.random() - 0.5) },
  ]);
  const classifier = MlpClassifier.fromJSON({ format: 'loom-ml/mlp-classifier', version: 1, inputSize, hiddenUnits, dropout: 0.2, weights });
  const model = classifier.toModel();
  classifier.dispose();
  return model;
}

// apps/mnist, apps/sentiment and fraud-detection's MlpClassifier (64 hidden units, 30 features).
const MODELS = [
  {
    name: 'MNIST MLP 784-128-10',
    build: () => sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }), dropout({ rate: 0.2 }), dense({ units: 10 })]),
    input: (batch) => tf.randomUniform([batch, 784]),
  },
  {
    name: 'MNIST CNN',
    build: () =>
      sequential([
        conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
        maxPool2d({ poolSize: 2 }),
        conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
        maxPool2d({ poolSize: 2 }),
        conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
        flatten(),
        dense({ units: 64, activation: 'relu' }),
        dense({ units: 10 }),
      ]),
    input: (batch) => tf.randomUniform([batch, 28, 28, 1]),
  },
  {
    name: `sentiment LSTM (${length} tokens)`,
    build: () => sequential([embedding({ inputDim: vocabulary, outputDim: 32 }), lstm({ units: 32 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [length] }),
    input: (batch) => tf.cast(tf.randomUniform([batch, length], 0, vocabulary, 'int32'), 'float32'),
    batch: 64,
  },
  {
    name: `sentiment Transformer (${length} tokens)`,
    build: () =>
      sequential(
        [
          positionalEmbedding({ inputDim: vocabulary, outputDim: 32, sequenceLength: length }),
          transformerEncoder({ numHeads: 2, feedForwardDim: 32, dropout: 0.1 }),
          globalAveragePooling(),
          dropout({ rate: 0.1 }),
          dense({ units: 1, activation: 'sigmoid' }),
        ],
        { inputShape: [length] },
      ),
    input: (batch) => tf.cast(tf.randomUniform([batch, length], 0, vocabulary, 'int32'), 'float32'),
    batch: 64,
  },
  { name: 'fraud MLP 30-64-1', build: () => fraudMlp(30, [64]), input: (batch) => tf.randomNormal([batch, 30]) },
];


/** Alternates the two engines call by call for `seconds` (at least 5 calls each); returns each one's call times in ms, sorted. */
async function interleaved(loom, onnx) {
  await loom();
  await onnx(); // warm-up: kernel set-up, weight packing
  const timed = (run) => async () => {
    const t0 = performance.now();
    await run();
    return performance.now() - t0;
  };
  const times = await interleavedRounds({ loom: timed(loom), onnx: timed(onnx) }, { rounds: 5, minMs: seconds * 1000, maxRounds: Infinity });
  for (const list of Object.values(times)) list.sort((a, b) => a - b);
  return times;
}

const load = loadAverage;
const loadBefore = load();
const rows = [];
for (const spec of MODELS) {
  const model = spec.build();
  const bytes = await exportOnnx(model);
  const session = await ort.InferenceSession.create(bytes);
  const measure = async (batch) => {
    const x = spec.input(batch);
    const feed = { input: new ort.Tensor('float32', Float32Array.from(x.dataSync()), x.shape) };
    const loom = async () => {
      const y = model.apply(x, { training: false });
      await y.data();
      y.dispose();
    };
    const onnx = async () => {
      const { output } = await session.run(feed);
      output.dispose?.();
    };
    const times = await interleaved(loom, onnx);
    x.dispose();
    return times;
  };
  const single = await measure(1);
  const large = spec.batch ?? 256;
  const big = await measure(large);
  const perSecond = (list) => (large / (list.reduce((a, b) => a + b, 0) / list.length)) * 1000;
  rows.push({
    model: spec.name,
    'Loom b1 p50 ms': percentile(single.loom, 0.5).toFixed(3),
    'ORT b1 p50 ms': percentile(single.onnx, 0.5).toFixed(3),
    'Loom b1 p99 ms': percentile(single.loom, 0.99).toFixed(3),
    'ORT b1 p99 ms': percentile(single.onnx, 0.99).toFixed(3),
    'b1 p50 Loom/ORT': (percentile(single.loom, 0.5) / percentile(single.onnx, 0.5)).toFixed(2),
    [`Loom rows/s (batch)`]: `${perSecond(big.loom).toFixed(0)} (${large})`,
    [`ORT rows/s`]: perSecond(big.onnx).toFixed(0),
    'calls b1': single.loom.length,
  });
  await session.release();
  model.dispose();
}

console.log(`Inference, Loom (${wasm.backendName}, ${wasm.threads} thread${wasm.threads === 1 ? '' : 's'}) vs onnxruntime-web (wasm, ${ort.env.wasm.numThreads} thread${threads === 1 ? '' : 's'}) on the same models (exportOnnx); Node ${process.version}, ${os.cpus().length} cores; ${new Date().toISOString().slice(0, 10)}`);
console.table(rows);
console.log(`load average (1, 5, 15 min): before ${loadBefore}, after ${load()}. Goal: Loom at or below onnxruntime's batch-1 latency (Loom/ORT <= 1).`);
await wasm.dispose();
