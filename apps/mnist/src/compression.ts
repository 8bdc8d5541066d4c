// The pieces of `pnpm compress` and `pnpm distill`: quantise a trained model and measure it,
// prune it while fine-tuning, distil a teacher into a small student. Each takes the model and
// the data as tensors (images, and labels as int32), so src/compression.test.ts runs them on a
// tiny model in seconds; src/compress.ts and src/distill.ts run them on MNIST.
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { dense, deserializeModel, sequential, serializeModel, type Model, type Sequential } from '@loom-ml/layers';
import { distillationLoss, distillationTargets, sparseCategoricalCrossentropy, type Loss } from '@loom-ml/losses';
import { adam, cosineDecaySchedule } from '@loom-ml/optimizers';
import { evaluate, fit, magnitudePruning, polynomialDecaySparsity, predict, progressBar, type Callback, type PrunedWeightReport } from '@loom-ml/train';

/** Images and their int32 class labels. */
export interface Labelled {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** The training settings the compression runs share with `pnpm start`. */
export interface TrainSettings {
  epochs: number;
  batchSize: number;
  /** Peak Adam learning rate, decayed (cosine) to 1% of it by the end, as `pnpm start` does. */
  learningRate: number;
  seed: number;
  /** No progress bar. */
  quiet?: boolean;
}

const VALIDATION = 0.1;

/** Test accuracy (0..1) of a model that outputs logits. */
export async function accuracyOf(model: Model, test: Labelled): Promise<number> {
  const { accuracy } = await evaluate(model, test, { loss: sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'], batchSize: 512 });
  return accuracy!;
}

function optimizerFor(settings: TrainSettings, samples: number) {
  const stepsPerEpoch = Math.ceil(((1 - VALIDATION) * samples) / settings.batchSize);
  return adam({ learningRate: cosineDecaySchedule({ initValue: settings.learningRate, decaySteps: settings.epochs * stepsPerEpoch, alpha: 0.01 }) });
}

async function train(model: Model, data: Labelled, loss: Loss, settings: TrainSettings, callbacks: Callback[] = [progressBar({ quiet: settings.quiet ?? false })]): Promise<void> {
  await fit(model, data, {
    loss,
    optimizer: optimizerFor(settings, data.x.shape[0]!),
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    // The last 10% held out, as `pnpm start` does: every run here trains on the same 90%.
    validation: VALIDATION,
    seed: settings.seed,
    callbacks,
  });
}

export type StoredFormat = 'float32' | 'int8' | 'float16';

/** One way of storing a model: its file, and the accuracy of the model loaded back from it. */
export interface StoredRow {
  format: StoredFormat;
  /** The saved file's size. */
  bytes: number;
  /** float32 file size / this one. */
  smaller: number;
  /** Size after gzip (level 9), as a server would send it. */
  gzipBytes: number;
  /** Test accuracy of the model loaded from the file (0..1). */
  accuracy: number;
  /** Accuracy points lost against the float32 file (positive = worse). */
  pointsLost: number;
  /** The file itself. */
  file: Uint8Array;
}

/**
 * Saves `model` as float32, int8 (per-channel symmetric) and float16, loads each file back
 * (dequantised to float32) and measures it on `test`.
 *
 * @example
 * const rows = await measureStorage(model, test); // [{ format: 'float32', bytes, accuracy, ... }, { format: 'int8', smaller: 3.9, ... }, ...]
 */
export async function measureStorage(model: Model, test: Labelled, formats: readonly StoredFormat[] = ['float32', 'int8', 'float16']): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  let reference: { bytes: number; accuracy: number } | undefined;
  for (const format of ['float32', ...formats.filter((f) => f !== 'float32')] as StoredFormat[]) {
    const file = await serializeModel(model, format === 'float32' ? {} : { quantize: format });
    const loaded = deserializeModel(file);
    let accuracy: number;
    try {
      accuracy = await accuracyOf(loaded, test);
    } finally {
      loaded.dispose();
    }
    reference ??= { bytes: file.length, accuracy };
    if (!formats.includes(format)) continue;
    rows.push({
      format,
      bytes: file.length,
      smaller: reference.bytes / file.length,
      gzipBytes: gzipSync(file, { level: 9 }).length,
      accuracy,
      pointsLost: 100 * (reference.accuracy - accuracy),
      file,
    });
  }
  return rows;
}

/** Options of `pruneWhileFineTuning`. */
export interface PruningSettings extends TrainSettings {
  /** Sparsity every kernel reaches (0..1). */
  sparsity: number;
}

/** What `pruneWhileFineTuning` did. */
export interface PruningResult {
  /** Each pruned weight: size, zeros, sparsity. */
  layers: PrunedWeightReport[];
  /** The pruning schedule, in optimizer steps. */
  schedule: { endStep: number; frequency: number; totalSteps: number };
}

/**
 * Prunes `model` in place while fine-tuning it on `data`: TF-MOT's polynomial decay from 0 to
 * `sparsity` over (at most) the first half of the steps, masks updated ten times, then the
 * rest at that sparsity, pruned weights staying zero. Adam restarts at `learningRate`, decayed
 * (cosine) to 1% of it.
 */
export async function pruneWhileFineTuning(model: Model, data: Labelled, settings: PruningSettings): Promise<PruningResult> {
  const totalSteps = settings.epochs * Math.ceil(((1 - VALIDATION) * data.x.shape[0]!) / settings.batchSize);
  // Ten mask updates ending at most halfway, endStep a multiple of frequency so that the final
  // sparsity is reached exactly (as in TF-MOT).
  const half = Math.max(1, Math.floor(totalSteps / 2));
  const updates = Math.min(10, half);
  const frequency = Math.floor(half / updates);
  const endStep = frequency * updates;
  const pruning = magnitudePruning({ schedule: polynomialDecaySparsity({ finalSparsity: settings.sparsity, endStep, frequency }) });
  await train(model, data, sparseCategoricalCrossentropy({ fromLogits: true }), settings, [progressBar({ quiet: settings.quiet ?? false }), pruning]);
  return { layers: pruning.report(), schedule: { endStep, frequency, totalSteps } };
}

/** The small MLP student: 784 -> `units` ReLU -> 10 logits, no dropout. */
export function buildStudent(units: number, seed: number, inputs = 784, classes = 10): Sequential {
  return sequential(
    [
      dense({ units, activation: 'relu', inputShape: [inputs], kernelInitializer: { name: 'heNormal', seed } }),
      dense({ units: classes, kernelInitializer: { name: 'glorotUniform', seed: seed + 1 } }),
    ],
    { name: 'mnist_student' },
  );
}

/** Options of `distil`. */
export interface DistillationSettings extends TrainSettings {
  temperature: number;
  /** Weight of the hard-label loss; the teacher's term gets 1 - alpha. */
  alpha: number;
}

/** Test accuracies of one distillation comparison. */
export interface DistillationResult {
  teacher: number;
  /** The student trained on the teacher's softened logits and the labels. */
  distilled: number;
  /** The same student (same initial weights, data order, epochs, optimizer) on the labels alone. */
  alone: number;
}

/**
 * Trains two copies of the student `build()` makes: one with `distillationLoss` on the
 * teacher's logits (computed once on `teacherInputs`, the training images in the teacher's
 * shape) and the labels, one on the labels alone; same seed, epochs and optimizer. Returns the
 * test accuracies; the students are disposed.
 */
export async function distil(
  teacher: Model,
  build: () => Model,
  data: { train: Labelled; teacherInputs: tf.Tensor; test: Labelled; teacherTest: tf.Tensor },
  settings: DistillationSettings,
  log: (line: string) => void = () => {},
): Promise<DistillationResult> {
  const teacherAccuracy = await accuracyOf(teacher, { x: data.teacherTest, y: data.test.y });
  const teacherLogits = (await predict(teacher, data.teacherInputs, { batchSize: 512 })) as tf.Tensor;
  const targets = distillationTargets(teacherLogits, data.train.y);
  teacherLogits.dispose();
  const result = { teacher: teacherAccuracy, distilled: 0, alone: 0 };
  try {
    for (const run of ['distilled', 'alone'] as const) {
      log(`Training the student ${run === 'alone' ? 'alone (labels only)' : `on the teacher (T = ${settings.temperature}, alpha = ${settings.alpha})`}, ${settings.epochs} epoch(s).`);
      const student = build();
      try {
        if (run === 'distilled') await train(student, { x: data.train.x, y: targets }, distillationLoss({ temperature: settings.temperature, alpha: settings.alpha }), settings);
        else await train(student, data.train, sparseCategoricalCrossentropy({ fromLogits: true }), settings);
        result[run] = await accuracyOf(student, data.test);
      } finally {
        student.dispose();
      }
    }
  } finally {
    targets.dispose();
  }
  return result;
}

const percent = (value: number) => `${(100 * value).toFixed(2)}%`;
const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** A Markdown table of `measureStorage` rows for several models. */
export function formatStorageTable(models: readonly { name: string; rows: readonly StoredRow[] }[]): string {
  const lines = ['| model | stored as | file | smaller | gzipped | test accuracy | points lost |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const { name, rows } of models) {
    for (const row of rows) {
      const lost = row.format === 'float32' ? '' : row.pointsLost.toFixed(2);
      lines.push(`| ${name} | ${row.format} | ${kilobytes(row.bytes)} | ${row.smaller.toFixed(2)}x | ${kilobytes(row.gzipBytes)} | ${percent(row.accuracy)} | ${lost} |`);
    }
  }
  return lines.join('\n');
}

/** A Markdown table of each pruned weight's sparsity. */
export function formatSparsityTable(name: string, layers: readonly PrunedWeightReport[]): string {
  const lines = [`| ${name} weight | values | zeros | sparsity |`, '| --- | ---: | ---: | ---: |'];
  let size = 0;
  let zeros = 0;
  for (const layer of layers) {
    lines.push(`| ${layer.path} | ${layer.size.toLocaleString('en-US')} | ${layer.zeros.toLocaleString('en-US')} | ${percent(layer.sparsity)} |`);
    size += layer.size;
    zeros += layer.zeros;
  }
  lines.push(`| all pruned weights | ${size.toLocaleString('en-US')} | ${zeros.toLocaleString('en-US')} | ${percent(size === 0 ? 0 : zeros / size)} |`);
  return lines.join('\n');
}
