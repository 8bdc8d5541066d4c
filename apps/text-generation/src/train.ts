// Next-token training and evaluation of the GPT on token rows (src/corpus.ts), with a plain
// loop: AdamW with a warm-up then cosine decay, cross-entropy over every non-padding target.
import * as tf from '@tensorflow/tfjs-core';
import type { Sequential } from '@loom-ml/layers';
import { sparseCategoricalCrossentropy } from '@loom-ml/losses';
import { adamw, chain, clipByGlobalNorm, decayMatricesOnly, Optimizer, warmupCosineDecaySchedule } from '@loom-ml/optimizers';
import { PAD, type Sequences } from './corpus.js';
import { seededRandom } from '@loom-ml/core';

export interface TrainSettings {
  /** Passes over the rows (at most, with a time budget). */
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** AdamW's decoupled weight decay on the matrices (0.01 when not given). */
  weightDecay?: number;
  seed: number;
  /**
   * Stop after this many minutes (the step running then finishes). The learning rate then
   * follows the time spent instead of the steps taken: the same warm-up, then a cosine decay
   * that reaches a tenth of the peak when the time is up, whatever the machine's load.
   */
  trainMinutes?: number;
}

export interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  tokens: number;
  seconds: number;
}


/** Rows `[from, from + count)` as inputs (ids 0..length-2) and targets (ids 1..length-1), and how many targets are not padding. */
function batchTensors(rows: Sequences, order: ArrayLike<number>, from: number, count: number): { x: tf.Tensor2D; y: tf.Tensor2D; targets: number } {
  const T = rows.length - 1;
  const x = new Int32Array(count * T);
  const y = new Int32Array(count * T);
  for (let b = 0; b < count; b++) {
    const row = rows.ids.subarray(order[from + b]! * rows.length, (order[from + b]! + 1) * rows.length);
    x.set(row.subarray(0, T), b * T);
    y.set(row.subarray(1), b * T);
    // Targets before the row's scoreFrom are context only (sliding windows): masked as padding.
    const scoreFrom = rows.scoreFrom?.[order[from + b]!] ?? 1;
    y.fill(PAD, b * T, b * T + scoreFrom - 1);
  }
  let targets = 0;
  for (const id of y) if (id !== PAD) targets++;
  return { x: tf.tensor2d(x, [count, T], 'int32'), y: tf.tensor2d(y, [count, T], 'int32'), targets };
}

// Softmax cross-entropy from logits: one fused kernel (and one for its gradient) on Loom's WASM
// backend, the composite ops elsewhere (see useFusedKernels in @loom-ml/layers).
const crossEntropy = sparseCategoricalCrossentropy({ fromLogits: true });

/** Summed cross-entropy (nats) over the non-padding targets and their count, as tensors. */
function summedNll(model: Sequential, x: tf.Tensor2D, y: tf.Tensor2D, training: boolean): { nats: tf.Scalar; tokens: tf.Scalar } {
  const logits = model.apply(x, { training }) as tf.Tensor3D;
  const V = logits.shape[2];
  const targets = tf.reshape(y, [-1]);
  const mask = tf.cast(tf.notEqual(targets, PAD), 'float32');
  const perToken = crossEntropy.perSample(targets, tf.reshape(logits, [-1, V]));
  return { nats: tf.sum(tf.mul(perToken, mask)) as tf.Scalar, tokens: tf.sum(mask) as tf.Scalar };
}

/**
 * Trains `model` on `rows` for `settings.epochs` passes in a seeded shuffled order, calling
 * `onStep` after every step. Returns the training tokens per second (targets counted).
 */
export async function trainModel(
  model: Sequential,
  rows: Sequences,
  settings: TrainSettings,
  onStep: (progress: TrainProgress) => void = () => {},
): Promise<{ tokensPerSecond: number; seconds: number; tokens: number; steps: number; rowsSeen: Int32Array }> {
  const stepsPerEpoch = Math.ceil(rows.count / settings.batchSize);
  const steps = stepsPerEpoch * settings.epochs;
  const budget = settings.trainMinutes === undefined ? Infinity : settings.trainMinutes * 60;
  const peak = settings.learningRate;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const warmupSteps = Math.min(100, Math.floor(steps / 10));
  const schedule =
    budget === Infinity
      ? warmupCosineDecaySchedule({ initValue: 0, peakValue: peak, warmupSteps, decaySteps: steps + 1, endValue: peak / 10 })
      : (step: number) => {
          const progress = Math.min(1, elapsed() / budget);
          return Math.min(1, (step + 1) / 20) * (peak / 10 + ((peak - peak / 10) * (1 + Math.cos(Math.PI * progress))) / 2);
        };
  const optimizer = new Optimizer(chain(clipByGlobalNorm(1), adamw({ learningRate: schedule, weightDecay: settings.weightDecay ?? 0.01, mask: decayMatricesOnly })), model.trainableWeights);
  const random = seededRandom(settings.seed);
  const seen = new Uint8Array(rows.count);
  let tokens = 0;
  let step = 0;
  try {
    for (let epoch = 0; epoch < settings.epochs && elapsed() < budget; epoch++) {
      const order = Int32Array.from({ length: rows.count }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let from = 0; from < rows.count && elapsed() < budget; from += settings.batchSize) {
        const size = Math.min(settings.batchSize, rows.count - from);
        for (let b = 0; b < size; b++) seen[order[from + b]!] = 1;
        const { x, y, targets: count } = batchTensors(rows, order, from, size);
        // The mean over the batch's targets, counted in JavaScript: no second read from the backend per step.
        const { value, grads } = tf.variableGrads(
          () => tf.tidy(() => tf.div(summedNll(model, x, y, true).nats, Math.max(count, 1)) as tf.Scalar),
          model.trainableWeights,
        );
        optimizer.step(grads);
        const loss = (await value.data())[0]!;
        tf.dispose([value, x, y, ...Object.values(grads)]);
        tokens += count;
        step++;
        onStep({ step, steps, loss, tokens, seconds: elapsed() });
      }
    }
  } finally {
    optimizer.dispose();
  }
  const seconds = elapsed();
  const rowsSeen = Int32Array.from(Array.from(seen.keys()).filter((i) => seen[i] === 1));
  return { tokensPerSecond: tokens / seconds, seconds, tokens, steps: step, rowsSeen };
}

/** The rows whose indices are listed (the ones a time-limited run trained on). */
export function pickRows(rows: Sequences, indices: ArrayLike<number>): Sequences {
  const ids = new Int32Array(indices.length * rows.length);
  const targetBytes = new Float64Array(indices.length);
  const scoreFrom = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    ids.set(rows.ids.subarray(indices[i]! * rows.length, (indices[i]! + 1) * rows.length), i * rows.length);
    targetBytes[i] = rows.targetBytes[indices[i]!]!;
    scoreFrom[i] = rows.scoreFrom?.[indices[i]!] ?? 1;
  }
  return { ids, count: indices.length, length: rows.length, targetBytes, ...(rows.scoreFrom === undefined ? {} : { scoreFrom }) };
}

/**
 * Summed negative log-likelihood (nats) of every non-padding target of `rows` (from each row's
 * `scoreFrom` on, when the rows are sliding windows), and how many targets there were (dropout off).
 */
export async function sequenceNll(model: Sequential, rows: Sequences, batchSize = 32, onProgress: (done: number, total: number) => void = () => {}): Promise<{ nats: number; tokens: number }> {
  const perTarget = await targetNll(model, rows, batchSize, onProgress);
  let nats = 0;
  for (const x of perTarget) nats += x;
  return { nats, tokens: perTarget.length };
}

/**
 * -log p(target) of every non-padding target of `rows` (from each row's `scoreFrom` on), row by
 * row and position by position: the order `KneserNey.targetNll` visits them in (dropout off).
 */
export async function targetNll(model: Sequential, rows: Sequences, batchSize = 32, onProgress: (done: number, total: number) => void = () => {}): Promise<Float64Array> {
  const order = Int32Array.from({ length: rows.count }, (_, i) => i);
  const T = rows.length - 1;
  const out: number[] = [];
  for (let from = 0; from < rows.count; from += batchSize) {
    const size = Math.min(batchSize, rows.count - from);
    const { x, y } = batchTensors(rows, order, from, size);
    const perToken = tf.tidy(() => {
      const logits = model.apply(x, { training: false }) as tf.Tensor3D;
      return crossEntropy.perSample(tf.reshape(y, [-1]), tf.reshape(logits, [-1, logits.shape[2]]));
    });
    const [nats, targets] = await Promise.all([perToken.data(), y.data()]);
    for (let i = 0; i < size * T; i++) if (targets[i] !== PAD) out.push(nats[i]!);
    tf.dispose([x, y, perToken]);
    onProgress(from + size, rows.count);
  }
  return Float64Array.from(out);
}
