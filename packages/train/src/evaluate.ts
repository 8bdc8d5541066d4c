import * as tf from '@tensorflow/tfjs-core';
import { sourceOf, disposeBatch, type BatchSource, type TrainingData } from './batches.js';
import { checkCallForm } from './call-form.js';
import { invalidValue, TrainError } from './errors.js';
import { resolveLoss, resolveMetrics } from './resolve.js';
import { batchSampleWeights, validateClassWeight, weightedLossSum, type ClassWeight } from './sample-weights.js';
import { singleOutput } from './train-step.js';
import type { Logs, LossLike, MetricLike, TrainableModel } from './types.js';

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** A loss name (resolved by `@loom-ml/losses`) or a loss object. */
  loss: string | LossLike;
  /** Metric names (resolved by `@loom-ml/metrics`) or streaming metrics. */
  metrics?: (string | MetricLike)[];
  /** Batch size for in-memory data. Default 32. */
  batchSize?: number;
  /** Weight per class index, multiplied into the sample weights. */
  classWeight?: ClassWeight;
}

/** Checks a model has the shape the loops need. */
export function validateModel(model: TrainableModel, where: string): void {
  if (model === null || typeof model !== 'object' || typeof model.apply !== 'function' || !Array.isArray(model.trainableWeights)) {
    throw invalidValue('model', where, 'a model with apply() and trainableWeights', model === null ? null : typeof model);
  }
}

export function validateBatchSize(batchSize: unknown, where: string): number {
  const value = batchSize ?? 32;
  if (!Number.isInteger(value) || (value as number) < 1) throw invalidValue('batchSize', where, 'a positive integer', batchSize);
  return value as number;
}

/** One pass in inference mode: the weighted mean loss (plus regularisation) and metric results. */
export async function evaluateSource(
  model: TrainableModel,
  source: BatchSource,
  loss: LossLike,
  metrics: readonly MetricLike[],
  classWeight: ClassWeight | undefined,
): Promise<Logs> {
  for (const metric of metrics) metric.reset();
  let lossSum = 0;
  let samples = 0;
  for await (const { batch, owned } of source.batches()) {
    try {
      const batchLoss = tf.tidy(() => {
        const output = singleOutput(model.apply(batch.x, { training: false }), model);
        const weights = batchSampleWeights(batch.y, batch.sampleWeight, classWeight);
        for (const metric of metrics) tf.tidy(() => metric.update(batch.y, output, weights));
        return weightedLossSum(loss, batch.y, output, weights);
      });
      lossSum += (await batchLoss.data())[0]!;
      batchLoss.dispose();
      samples += batch.y.shape[0]!;
    } finally {
      if (owned) disposeBatch(batch);
    }
  }
  if (samples === 0) throw new TrainError('Invalid value for `data` in evaluate. Expected at least one batch. Received: no batches.');
  const penalty = model.regularizationLoss?.() ?? null;
  let total = lossSum / samples;
  if (penalty !== null) {
    total += (await penalty.data())[0]!;
    penalty.dispose();
  }
  const logs: Logs = { loss: total };
  for (const metric of metrics) logs[metric.name] = metric.result();
  return logs;
}

/**
 * Loss and metrics of `model` on `data`, in inference mode (`training: false`). The loss is
 * sum(w * perSample) / samples over the whole data, plus the model's regularisation penalty,
 * so it matches `fit`'s reported loss.
 *
 * @example
 * const { loss, accuracy } = await evaluate(model, { x: xTest, y: yTest }, { loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
 */
export async function evaluate(model: TrainableModel, data: TrainingData, options: EvaluateOptions): Promise<Logs> {
  const where = 'evaluate';
  validateModel(model, where);
  checkCallForm(data, options, where);
  if (options === null || typeof options !== 'object') throw invalidValue('options', where, 'an options object with a loss', options);
  const batchSize = validateBatchSize(options.batchSize, where);
  const loss = resolveLoss(options.loss, where);
  const metrics = resolveMetrics(options.metrics ?? [], where);
  const classWeight = validateClassWeight(options.classWeight, where);
  return evaluateSource(model, sourceOf(data, batchSize, where), loss, metrics, classWeight);
}
