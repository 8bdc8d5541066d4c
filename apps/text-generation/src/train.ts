// Next-token training and evaluation of the GPT on token rows (src/corpus.ts), with a plain
// loop: AdamW with a warm-up then cosine decay, cross-entropy over every non-padding target.
import * as tf from '@tensorflow/tfjs-core';
import type { Sequential } from '@loom-ml/layers';
import { adamw, chain, clipByGlobalNorm, decayMatricesOnly, Optimizer, warmupCosineDecaySchedule } from '@loom-ml/optimizers';
import { PAD, type Sequences } from './corpus.js';

export interface TrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  tokens: number;
  seconds: number;
}

/** A seeded uniform generator in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows `[from, from + count)` as inputs (ids 0..length-2) and targets (ids 1..length-1). */
function batchTensors(rows: Sequences, order: ArrayLike<number>, from: number, count: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const T = rows.length - 1;
  const x = new Int32Array(count * T);
  const y = new Int32Array(count * T);
  for (let b = 0; b < count; b++) {
    const row = rows.ids.subarray(order[from + b]! * rows.length, (order[from + b]! + 1) * rows.length);
    x.set(row.subarray(0, T), b * T);
    y.set(row.subarray(1), b * T);
  }
  return { x: tf.tensor2d(x, [count, T], 'int32'), y: tf.tensor2d(y, [count, T], 'int32') };
}

/** Summed cross-entropy (nats) over the non-padding targets and their count, as tensors. */
function summedNll(model: Sequential, x: tf.Tensor2D, y: tf.Tensor2D, training: boolean): { nats: tf.Scalar; tokens: tf.Scalar } {
  const logits = model.apply(x, { training }) as tf.Tensor3D;
  const V = logits.shape[2];
  const flat = tf.reshape(logits, [-1, V]);
  const targets = tf.reshape(y, [-1]);
  const mask = tf.cast(tf.notEqual(targets, PAD), 'float32');
  const picked = tf.sum(tf.mul(tf.logSoftmax(flat), tf.oneHot(targets, V)), -1);
  return { nats: tf.neg(tf.sum(tf.mul(picked, mask))) as tf.Scalar, tokens: tf.sum(mask) as tf.Scalar };
}

/**
 * Trains `model` on `rows` for `settings.epochs` passes in a seeded shuffled order, calling
 * `onStep` after every step. Returns the training tokens per second (targets counted).
 */
export async function trainModel(model: Sequential, rows: Sequences, settings: TrainSettings, onStep: (progress: TrainProgress) => void = () => {}): Promise<{ tokensPerSecond: number; seconds: number; tokens: number }> {
  const stepsPerEpoch = Math.ceil(rows.count / settings.batchSize);
  const steps = stepsPerEpoch * settings.epochs;
  const schedule = warmupCosineDecaySchedule({ initValue: 0, peakValue: settings.learningRate, warmupSteps: Math.min(100, Math.floor(steps / 10)), decaySteps: steps + 1, endValue: settings.learningRate / 10 });
  const optimizer = new Optimizer(chain(clipByGlobalNorm(1), adamw({ learningRate: schedule, weightDecay: 0.01, mask: decayMatricesOnly })), model.trainableWeights);
  const random = seededRandom(settings.seed);
  const started = performance.now();
  let tokens = 0;
  let step = 0;
  try {
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      const order = Int32Array.from({ length: rows.count }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let from = 0; from < rows.count; from += settings.batchSize) {
        const { x, y } = batchTensors(rows, order, from, Math.min(settings.batchSize, rows.count - from));
        let count = 0;
        const { value, grads } = tf.variableGrads(() =>
          tf.tidy(() => {
            const { nats, tokens: n } = summedNll(model, x, y, true);
            count = n.dataSync()[0]!;
            return tf.div(nats, tf.maximum(n, 1)) as tf.Scalar;
          }),
          model.trainableWeights,
        );
        optimizer.step(grads);
        const loss = (await value.data())[0]!;
        tf.dispose([value, x, y, ...Object.values(grads)]);
        tokens += count;
        step++;
        onStep({ step, steps, loss, tokens, seconds: (performance.now() - started) / 1000 });
      }
    }
  } finally {
    optimizer.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  return { tokensPerSecond: tokens / seconds, seconds, tokens };
}

/**
 * Summed negative log-likelihood (nats) of every non-padding target of `rows`, and how many
 * targets there were (dropout off).
 */
export async function sequenceNll(model: Sequential, rows: Sequences, batchSize = 32, onProgress: (done: number, total: number) => void = () => {}): Promise<{ nats: number; tokens: number }> {
  const order = Int32Array.from({ length: rows.count }, (_, i) => i);
  let nats = 0;
  let tokens = 0;
  for (let from = 0; from < rows.count; from += batchSize) {
    const { x, y } = batchTensors(rows, order, from, Math.min(batchSize, rows.count - from));
    const [n, t] = tf.tidy(() => {
      const result = summedNll(model, x, y, false);
      return [result.nats, result.tokens];
    });
    nats += (await n!.data())[0]!;
    tokens += (await t!.data())[0]!;
    tf.dispose([x, y, n!, t!]);
    onProgress(Math.min(from + batchSize, rows.count), rows.count);
  }
  return { nats, tokens };
}
