import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset } from '@loom-ml/datasets';
import { loadMnist } from '@loom-ml/datasets/node';
import { saveModel } from '@loom-ml/layers/node';
import { sparseCategoricalCrossentropy } from '@loom-ml/losses';
import { adam, cosineDecaySchedule } from '@loom-ml/optimizers';
import { confusionMatrix } from '@loom-ml/metrics';
import { evaluate, fit, predict, progressBar, type Callback } from '@loom-ml/train';
import { csvLogger, writeHistoryPlot } from '@loom-ml/train/node';
import { startStep } from './command-line.js';
import { formatConfusionMatrix } from './confusion-table.js';
import { buildModel, imageShapeFor } from './models.js';
import type { TrainOptions } from './options.js';

export interface RunResult {
  testAccuracy: number;
  testLoss: number;
  confusion: number[][];
  modelPath: string;
  plotPath: string;
  seconds: number;
}

function toTensors(data: ImageDataset, imageShape: number[]): { x: tf.Tensor; y: tf.Tensor } {
  return { x: tf.tensor(data.images, [data.count, ...imageShape]), y: tf.tensor1d(data.labels, 'int32') };
}

/**
 * The loss and optimizer `trainAndEvaluate` trains with, for `trainImages` images (10% of them
 * held out): sparse cross-entropy from the logits (the numerically stable form) and Adam with
 * cosine decay to 1% of the initial rate over the whole run (large steps early, fine ones late).
 * Where the backend has Loom's fused kernels (`initWasm` registers them on loom-wasm), both run
 * as one kernel each: `LoomSoftmaxCrossEntropy` and `LoomAdamUpdate` per weight.
 *
 * @example
 * const { loss, optimizer } = lossAndOptimizer({ learningRate: 0.002, epochs: 5, batchSize: 128 }, 60_000);
 */
export function lossAndOptimizer(options: Pick<TrainOptions, 'learningRate' | 'epochs' | 'batchSize'>, trainImages: number) {
  return {
    loss: sparseCategoricalCrossentropy({ fromLogits: true }),
    optimizer: adam({
      learningRate: cosineDecaySchedule({
        initValue: options.learningRate,
        decaySteps: options.epochs * Math.ceil((0.9 * trainImages) / options.batchSize),
        alpha: 0.01,
      }),
    }),
  };
}

/**
 * Trains one model on MNIST, evaluates it on the 10,000 test images, and writes the model,
 * a history plot and a CSV log under `options.outDir`. `log` receives the human-readable report.
 */
export async function trainAndEvaluate(
  options: TrainOptions,
  log: (line: string) => void,
  extraCallbacks: Callback[] = [],
  { quiet = false }: { quiet?: boolean } = {},
): Promise<RunResult> {
  const started = performance.now();
  const loading = startStep('Loading MNIST', { quiet });
  const [trainData, testData] = await Promise.all([
    loadMnist({ split: 'train', ...(options.limit ? { limit: options.limit } : {}) }),
    loadMnist({ split: 'test' }),
  ]);
  loading.end(`${trainData.count} training images (10% held out for validation), ${testData.count} test images`);
  const imageShape = imageShapeFor(options.model);
  const train = toTensors(trainData, imageShape);
  const test = toTensors(testData, imageShape);
  const model = buildModel(options.model, options.seed);
  log(model.summary());

  const { loss, optimizer } = lossAndOptimizer(options, trainData.count);
  await mkdir(options.outDir, { recursive: true });
  const history = await fit(model, train, {
    loss,
    optimizer,
    metrics: ['accuracy'],
    epochs: options.epochs,
    batchSize: options.batchSize,
    validation: 0.1,
    seed: options.seed,
    callbacks: [progressBar({ quiet }), csvLogger(join(options.outDir, `mnist-${options.model}-history.csv`)), ...extraCallbacks],
  });

  const evaluating = startStep(`Evaluating on the ${testData.count} test images`, { quiet });
  const { loss: testLoss, accuracy: testAccuracy } = await evaluate(model, test, {
    loss,
    metrics: ['accuracy'],
    batchSize: 512,
  });
  const logits = (await predict(model, test.x, { batchSize: 512 })) as tf.Tensor;
  const predicted = tf.tidy(() => tf.argMax(logits, -1).dataSync());
  const confusion = confusionMatrix(testData.labels, predicted, 10);
  evaluating.end('done');

  const plotPath = join(options.outDir, `mnist-${options.model}-history.html`);
  await writeHistoryPlot(plotPath, history, { title: `MNIST ${options.model.toUpperCase()}` });
  const modelPath = join(options.outDir, `mnist-${options.model}.loom`);
  await saveModel(model, modelPath);

  log(`\nTest accuracy: ${(100 * testAccuracy!).toFixed(2)}%   test loss: ${testLoss!.toFixed(4)}`);
  log(`Confusion matrix (rows: true digit, columns: predicted):\n${formatConfusionMatrix(confusion)}`);

  tf.dispose([train.x, train.y, test.x, test.y, logits]);
  model.dispose();
  return { testAccuracy: testAccuracy!, testLoss: testLoss!, confusion, modelPath, plotPath, seconds: (performance.now() - started) / 1000 };
}
