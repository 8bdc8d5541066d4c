// What `pnpm compress` and `pnpm distill` run once their flags are read (src/compress.ts,
// src/distill.ts): the MNIST models, trained as `pnpm full` trains them or taken from an earlier
// `pnpm full`, then measured with the pieces of src/compression.ts.
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '@loom-ml/layers';
import { loadMnist } from '@loom-ml/datasets/node';
import { loadModel } from '@loom-ml/layers/node';
import { CommandError, startStep } from './command-line.js';
import {
  buildStudent,
  distil,
  formatSparsityTable,
  formatStorageTable,
  measureStorage,
  pruneWhileFineTuning,
  type DistillationResult,
  type StoredRow,
} from './compression.js';
import { DEFAULT_LEARNING_RATE, FULL_RUNS, type ModelKind } from './options.js';
import { trainAndEvaluate } from './run.js';

const BATCH_SIZE = 128;
/** Fine-tuning while pruning restarts Adam at this fraction of the model's training peak rate. */
const FINE_TUNING_RATE = 0.25;

interface Mnist {
  train: { x: tf.Tensor; y: tf.Tensor };
  test: { x: tf.Tensor; y: tf.Tensor };
}

async function loadData(quiet: boolean, limit: number | undefined): Promise<Mnist> {
  const loading = startStep('Loading MNIST', { quiet });
  const [train, test] = await Promise.all([loadMnist({ split: 'train', ...(limit ? { limit } : {}) }), loadMnist({ split: 'test' })]);
  loading.end(`${train.count} training images (the last 10% held out for validation), ${test.count} test images`);
  return {
    train: { x: tf.tensor2d(train.images, [train.count, 784]), y: tf.tensor1d(train.labels, 'int32') },
    test: { x: tf.tensor2d(test.images, [test.count, 784]), y: tf.tensor1d(test.labels, 'int32') },
  };
}

/** The images in the shape `kind` takes (the CNN's [n, 28, 28, 1], a view of the same data). */
function shaped(x: tf.Tensor, kind: ModelKind): tf.Tensor {
  return kind === 'mlp' ? x : tf.reshape(x, [x.shape[0]!, 28, 28, 1]);
}

/** The model `pnpm full` saves for `kind`: trained now with `pnpm full`'s settings, or read from an earlier run with `reuse`. */
async function trainedModel(kind: ModelKind, { reuse, outDir, seed, threads, quiet, limit }: { reuse: boolean; outDir: string; seed: number; threads: number | 'auto'; quiet: boolean; limit: number | undefined }, log: (line: string) => void): Promise<{ path: string; model: Model }> {
  const path = join(outDir, `mnist-${kind}.loom`);
  const epochs = FULL_RUNS.find((run) => run.model === kind)!.epochs;
  if (reuse) {
    try {
      await access(path);
    } catch {
      throw new CommandError(`There is no ${path} to reuse. Train it first: pnpm --filter @loom-ml/app-mnist full --out ${outDir} (or drop --reuse).`);
    }
    log(`Using ${path}, saved by an earlier run.`);
  } else {
    log(`Training the ${kind.toUpperCase()} for ${epochs} epoch(s), as pnpm full does.`);
    await trainAndEvaluate({ model: kind, epochs, batchSize: BATCH_SIZE, learningRate: DEFAULT_LEARNING_RATE[kind], limit, threads, seed, outDir }, () => {}, [], { quiet });
  }
  return { path, model: await loadModel(path) };
}

export interface CompressionReport {
  models: {
    model: ModelKind;
    stored: Omit<StoredRow, 'file'>[];
    pruned: { sparsity: number; epochs: number; learningRate: number; schedule: { endStep: number; frequency: number; totalSteps: number }; layers: { path: string; size: number; zeros: number; sparsity: number }[]; stored: Omit<StoredRow, 'file'>[] };
  }[];
  markdown: string;
}

/** `pnpm compress`: quantisation and pruning of the models named (both, in `pnpm compress`). */
export async function runCompression(
  options: { models: readonly ModelKind[]; reuse: boolean; sparsity: number; pruneEpochs: number; limit: number | undefined; seed: number; outDir: string; threads: number | 'auto'; quiet: boolean },
  log: (line: string) => void,
): Promise<CompressionReport> {
  await mkdir(options.outDir, { recursive: true });
  const withoutFile = ({ file: _file, ...row }: StoredRow) => row;
  const report: CompressionReport = { models: [], markdown: '' };
  const storageTables: { name: string; rows: StoredRow[] }[] = [];
  const sparsityTables: string[] = [];
  const trained: Record<string, string> = {};
  // Train (or find) both models first, so that the data below is loaded once.
  for (const kind of options.models) {
    const { path, model } = await trainedModel(kind, options, log);
    model.dispose();
    trained[kind] = path;
  }
  const data = await loadData(options.quiet, options.limit);
  try {
    for (const kind of options.models) {
      const name = kind.toUpperCase();
      const test = { x: shaped(data.test.x, kind), y: data.test.y };
      const train = { x: shaped(data.train.x, kind), y: data.train.y };
      const model = await loadModel(trained[kind]!);
      const measuring = startStep(`${name}: saving as float32, int8 and float16 and evaluating each file`, { quiet: options.quiet });
      const stored = await measureStorage(model, test);
      measuring.end(stored.map((row) => `${row.format} ${(100 * row.accuracy).toFixed(2)}%`).join(', '));
      for (const row of stored) if (row.format !== 'float32') await writeFile(join(options.outDir, `mnist-${kind}-${row.format}.loom`), row.file);
      storageTables.push({ name, rows: stored });

      const learningRate = FINE_TUNING_RATE * DEFAULT_LEARNING_RATE[kind];
      log(`${name}: pruning to ${(100 * options.sparsity).toFixed(0)}% while fine-tuning for ${options.pruneEpochs} epoch(s) (Adam from ${learningRate}).`);
      const pruned = await pruneWhileFineTuning(model, train, { sparsity: options.sparsity, epochs: options.pruneEpochs, batchSize: BATCH_SIZE, learningRate, seed: options.seed, quiet: options.quiet });
      const prunedStored = await measureStorage(model, test, ['float32', 'int8']);
      await writeFile(join(options.outDir, `mnist-${kind}-pruned.loom`), prunedStored[0]!.file);
      model.dispose();
      const prunedName = `${name} pruned ${(100 * options.sparsity).toFixed(0)}%`;
      storageTables.push({ name: prunedName, rows: prunedStored });
      sparsityTables.push(formatSparsityTable(prunedName, pruned.layers));
      report.models.push({
        model: kind,
        stored: stored.map(withoutFile),
        pruned: { sparsity: options.sparsity, epochs: options.pruneEpochs, learningRate, schedule: pruned.schedule, layers: pruned.layers.map(({ path, size, zeros, sparsity }) => ({ path, size, zeros, sparsity })), stored: prunedStored.map(withoutFile) },
      });
      if (kind === 'cnn') tf.dispose([test.x, train.x]);
    }
  } finally {
    tf.dispose([data.train.x, data.train.y, data.test.x, data.test.y]);
  }
  report.markdown = [formatStorageTable(storageTables), ...sparsityTables].join('\n\n');
  return report;
}

/** `pnpm distill`: the CNN as teacher of a small MLP, against the same MLP trained alone. */
export async function runDistillation(
  options: { reuse: boolean; studentUnits: number; epochs: number; temperature: number; alpha: number; limit: number | undefined; seed: number; outDir: string; threads: number | 'auto'; quiet: boolean },
  log: (line: string) => void,
): Promise<DistillationResult & { markdown: string }> {
  await mkdir(options.outDir, { recursive: true });
  const { model: teacher } = await trainedModel('cnn', options, log);
  const data = await loadData(options.quiet, options.limit);
  const teacherInputs = shaped(data.train.x, 'cnn');
  const teacherTest = shaped(data.test.x, 'cnn');
  try {
    const settings = { epochs: options.epochs, batchSize: BATCH_SIZE, learningRate: DEFAULT_LEARNING_RATE.mlp, seed: options.seed, quiet: options.quiet, temperature: options.temperature, alpha: options.alpha };
    const result = await distil(teacher, () => buildStudent(options.studentUnits, options.seed), { train: data.train, teacherInputs, test: data.test, teacherTest }, settings, log);
    const student = buildStudent(options.studentUnits, options.seed);
    const parameters = student.countParams();
    student.dispose();
    const markdown = [
      '| model | parameters | test accuracy |',
      '| --- | ---: | ---: |',
      `| teacher: the CNN | ${teacher.countParams().toLocaleString('en-US')} | ${(100 * result.teacher).toFixed(2)}% |`,
      `| student 784-${options.studentUnits}-10, distilled (T = ${options.temperature}, alpha = ${options.alpha}) | ${parameters.toLocaleString('en-US')} | ${(100 * result.distilled).toFixed(2)}% |`,
      `| the same MLP trained alone | ${parameters.toLocaleString('en-US')} | ${(100 * result.alone).toFixed(2)}% |`,
    ].join('\n');
    return { ...result, markdown };
  } finally {
    teacher.dispose();
    tf.dispose([teacherInputs, teacherTest, data.train.x, data.train.y, data.test.x, data.test.y]);
  }
}
