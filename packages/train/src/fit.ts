import * as tf from '@tensorflow/tfjs-core';
import { nextSeed, withSeed } from '@loom-ml/core';
import type { GradientTransformation } from '@loom-ml/optimizers';
import { disposeBatch, isInMemory, sampleCount, sourceOf, takeRows, type TrainingData } from './batches.js';
import { checkCallForm } from './call-form.js';
import { CallbackList, type Callback, type TrainingContext, type TrainingOptimizer } from './callback.js';
import { invalidValue, TrainError } from './errors.js';
import { evaluateSource, validateBatchSize, validateModel } from './evaluate.js';
import { History } from './history.js';
import { isProgressBar, progressBar, showsProgress } from './progress-bar.js';
import { resolveLoss, resolveMetrics, resolveOptimizer } from './resolve.js';
import { validateClassWeight, type ClassWeight } from './sample-weights.js';
import { seededRandom, shuffledIndices } from './seeded-random.js';
import { trainStep } from './train-step.js';
import type { Batch, Logs, LossLike, MetricLike, TrainableModel } from './types.js';

/** Options of `fit`. */
export interface FitOptions {
  /** A loss name (resolved by `@loom-ml/losses`' `getLoss`) or a loss object. */
  loss: string | LossLike;
  /** An optimizer name (`'adam'`), a gradient transformation, or an `Optimizer` you keep (for checkpoints or plateau scheduling). */
  optimizer: string | GradientTransformation | TrainingOptimizer;
  /** Metric names (resolved by `@loom-ml/metrics`' `getMetric`) or streaming metrics. */
  metrics?: (string | MetricLike)[];
  /** Number of epochs. Default 1. */
  epochs?: number;
  /** Batch size for in-memory data. Default 32. */
  batchSize?: number;
  /** Held-out data, or a fraction in (0, 1) of in-memory data taken from the end (before shuffling), as Keras does. */
  validation?: number | TrainingData;
  /** Callbacks, called in order. */
  callbacks?: Callback[];
  /**
   * Seed of the shuffling order and of every dropout mask without a seed of its own: the same
   * seed, initial weights and data give bit-identical weights (on one backend; also with 1 or 2
   * loom-wasm threads). Initial weights are drawn when the model is built, so seed them with
   * `setSeed(seed)` before building it (or a `seed` per initializer). Default: the next seed of
   * `setSeed`'s stream, or random when none is set.
   */
  seed?: number;
  /** Shuffle in-memory data every epoch. Default true. */
  shuffle?: boolean;
  /** Weight per class index, multiplied into the sample weights. */
  classWeight?: ClassWeight;
  /**
   * Progress output: `true` adds a `progressBar()` (one line redrawn in place on a terminal, one
   * line per epoch otherwise), `false` prints nothing, `'auto'` adds one only when standard
   * output is a terminal and the `CI` environment variable is not set (so nothing in CI logs,
   * pipes, files, browsers and workers; see `showsProgress`). No second bar is added when
   * `callbacks` already has a `progressBar`. Default `'auto'`.
   */
  verbose?: boolean | 'auto';
}

function validateEpochs(epochs: unknown): number {
  const value = epochs ?? 1;
  if (!Number.isInteger(value) || (value as number) < 1) throw invalidValue('epochs', 'fit', 'a positive integer', epochs);
  return value as number;
}

/** Splits off the last `fraction` of in-memory data as validation (new tensors, owned by fit). */
function splitValidation(data: TrainingData, fraction: number): { train: Batch; validation: Batch } {
  if (!(fraction > 0 && fraction < 1)) throw invalidValue('validation', 'fit', 'a fraction in (0, 1) or validation data', fraction);
  if (!isInMemory(data)) {
    throw invalidValue('validation', 'fit', 'validation data (a fraction needs in-memory { x, y } data)', fraction);
  }
  const samples = sampleCount(data, 'fit');
  const trainCount = Math.floor(samples * (1 - fraction));
  if (trainCount < 1 || trainCount >= samples) {
    throw invalidValue('validation', 'fit', `a fraction leaving at least one sample on each side of ${samples} samples`, fraction);
  }
  return tf.tidy(() => ({
    train: takeRows(data, tf.range(0, trainCount, 1, 'int32') as tf.Tensor1D),
    validation: takeRows(data, tf.range(trainCount, samples, 1, 'int32') as tf.Tensor1D),
  }) as unknown as tf.TensorContainer) as unknown as { train: Batch; validation: Batch };
}

/**
 * Trains `model` on `data` and returns the per-epoch `History` (`loss`, metric names, and
 * `val_` values when there is validation data). Each batch runs `tf.variableGrads` of
 * loss + `model.regularizationLoss()` over `model.trainableWeights` and `optimizer.step`; no
 * tensors outlive a batch, so memory stays flat across epochs.
 *
 * `data` is `{ x, y, sampleWeight? }` tensors (batched and, by default, shuffled with the
 * seeded order) or an (async) iterable of such batches, e.g. a `@loom-ml/data` Dataset,
 * iterated once per epoch. Batches from an array belong to the caller; batches from any other
 * iterable are disposed after use.
 *
 * @example
 * const history = await fit(model, { x, y }, {
 *   loss: 'binaryCrossentropy', optimizer: adam({ learningRate: 0.01 }), metrics: ['accuracy'],
 *   epochs: 50, batchSize: 16, validation: 0.2, seed: 42, callbacks: [earlyStopping({ patience: 5 })],
 * });
 * console.log(history.values.val_accuracy);
 */
export async function fit(model: TrainableModel, data: TrainingData, options: FitOptions): Promise<History> {
  const where = 'fit';
  validateModel(model, where);
  checkCallForm(data, options, where);
  if (options === null || typeof options !== 'object') throw invalidValue('options', where, 'an options object with loss and optimizer', options);
  const epochs = validateEpochs(options.epochs);
  const batchSize = validateBatchSize(options.batchSize, where);
  const loss = resolveLoss(options.loss, where);
  const metrics = resolveMetrics(options.metrics ?? [], where);
  const classWeight = validateClassWeight(options.classWeight, where);
  // Without a seed of its own, fit draws one from setSeed's stream (so setSeed alone makes a run repeat).
  const seed = options.seed ?? nextSeed() ?? Math.floor(Math.random() * 2 ** 32);
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw invalidValue('seed', where, 'a finite number', seed);
  const verbose = options.verbose ?? 'auto';
  if (verbose !== true && verbose !== false && verbose !== 'auto') throw invalidValue('verbose', where, "true, false or 'auto'", options.verbose);
  if (options.callbacks !== undefined && !Array.isArray(options.callbacks)) throw invalidValue('callbacks', where, 'an array of callbacks', options.callbacks);
  if (model.trainableWeights.length === 0) throw invalidValue('model', where, 'a model with trainable weights', `model '${model.name}' with none`);

  // Unseeded dropout masks during this fit draw from a stream of the fit's seed (seed + 1, so
  // they do not mirror the shuffling order), then whatever stream was active before is back.
  const run = async (): Promise<History> => {
    const owned: Batch[] = [];
    let trainData = data;
    let validationData: TrainingData | undefined;
    if (typeof options.validation === 'number') {
      const split = splitValidation(data, options.validation);
      owned.push(split.train, split.validation);
      trainData = split.train;
      validationData = split.validation;
    } else {
      validationData = options.validation;
    }

    const { optimizer, owned: ownsOptimizer } = resolveOptimizer(options.optimizer, model.trainableWeights);
    try {
      const source = sourceOf(trainData, batchSize, where);
      const validationSource = validationData === undefined ? undefined : sourceOf(validationData, batchSize, where);
      const shuffle = (options.shuffle ?? true) && isInMemory(trainData);
      const userCallbacks = options.callbacks ?? [];
      const progress = verbose === true || (verbose === 'auto' && showsProgress());
      const callbacks = new CallbackList([...(progress && !userCallbacks.some(isProgressBar) ? [progressBar()] : []), ...userCallbacks]);
      const context: TrainingContext = {
        model,
        optimizer,
        epochs,
        stepsPerEpoch: source.steps,
        samplesPerEpoch: source.samples,
        initialEpoch: 0,
        stopTraining: false,
      };
      const history = new History();
      const random = seededRandom(seed);
      let lastLogs: Logs = {};

      await callbacks.onTrainBegin(context);
      // Draw the skipped epochs' orders so a resumed run shuffles exactly like an uninterrupted one.
      if (shuffle) for (let epoch = 0; epoch < context.initialEpoch; epoch++) shuffledIndices(source.samples!, random);

      for (let epoch = context.initialEpoch; epoch < epochs && !context.stopTraining; epoch++) {
        await callbacks.onEpochBegin(epoch, context);
        for (const metric of metrics) metric.reset();
        let lossSum = 0;
        let samples = 0;
        let batchIndex = 0;
        for await (const { batch, owned: disposeAfter } of source.batches(shuffle ? random : undefined)) {
          let size: number;
          try {
            size = batch.y.shape[0]!;
            const batchLoss = trainStep(model, loss, optimizer, metrics, batch, classWeight);
            lossSum += (await batchLoss.data())[0]! * size;
            batchLoss.dispose();
          } finally {
            if (disposeAfter) disposeBatch(batch);
          }
          samples += size;
          const batchLogs = { size, loss: lossSum / samples } as Logs & { size: number };
          for (const metric of metrics) batchLogs[metric.name] = metric.result();
          await callbacks.onBatchEnd(batchIndex, batchLogs, context);
          batchIndex += 1;
          if (context.stopTraining) break;
        }
        if (samples === 0) {
          throw new TrainError(
            `Invalid value for \`data\` in fit. Expected batches in every epoch (a re-iterable such as an array or a Dataset, not a one-shot generator). Received: no batches in epoch ${epoch + 1}.`,
          );
        }
        const logs: Logs = { loss: lossSum / samples };
        for (const metric of metrics) logs[metric.name] = metric.result();
        if (validationSource !== undefined) {
          const validationLogs = await evaluateSource(model, validationSource, loss, metrics, classWeight);
          for (const [key, value] of Object.entries(validationLogs)) logs[`val_${key}`] = value;
        }
        history.record(epoch, logs);
        lastLogs = logs;
        await callbacks.onEpochEnd(epoch, logs, context);
      }
      await callbacks.onTrainEnd(lastLogs, context);
      return history;
    } finally {
      for (const batch of owned) disposeBatch(batch);
      if (ownsOptimizer) optimizer.dispose?.();
    }
  };
  return options.seed === undefined ? run() : withSeed(seed + 1, run);
}
