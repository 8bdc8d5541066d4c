import * as losses from '@loom-ml/losses';
import * as metrics from '@loom-ml/metrics';
import { getOptimizer, Optimizer, type GradientTransformation } from '@loom-ml/optimizers';
import type * as tf from '@tensorflow/tfjs-core';
import type { TrainingOptimizer } from './callback.js';
import { invalidValue } from './errors.js';
import type { LossLike, MetricLike } from './types.js';

// Looked up at run time so train keeps building while the sibling packages grow their APIs.
type Lookup<T> = ((identifier: string) => T) | undefined;

function isLoss(value: unknown): value is LossLike {
  return typeof value === 'object' && value !== null && typeof (value as LossLike).perSample === 'function';
}

function isMetric(value: unknown): value is MetricLike {
  const metric = value as MetricLike;
  return typeof value === 'object' && value !== null && typeof metric.update === 'function' && typeof metric.result === 'function' && typeof metric.reset === 'function';
}

/** A loss object, or a name resolved by `@loom-ml/losses`' `getLoss`. */
export function resolveLoss(identifier: string | LossLike, where: string): LossLike {
  if (isLoss(identifier)) return identifier;
  const getLoss = (losses as Record<string, unknown>).getLoss as Lookup<LossLike>;
  if (typeof identifier === 'string' && getLoss !== undefined) return getLoss(identifier);
  const expected = getLoss === undefined
    ? 'a loss object with perSample(yTrue, yPred) (the installed @loom-ml/losses has no getLoss to resolve names)'
    : 'a loss name or a loss object with perSample(yTrue, yPred)';
  throw invalidValue('loss', where, expected, identifier);
}

/** Metric objects as given, names resolved by `@loom-ml/metrics`' `getMetric` (fresh instances). */
export function resolveMetrics(identifiers: readonly (string | MetricLike)[], where: string): MetricLike[] {
  if (!Array.isArray(identifiers)) throw invalidValue('metrics', where, 'an array of metric names or streaming metrics', identifiers);
  const getMetric = (metrics as Record<string, unknown>).getMetric as Lookup<MetricLike>;
  return identifiers.map((identifier) => {
    if (isMetric(identifier)) return identifier;
    if (typeof identifier === 'string' && getMetric !== undefined) return getMetric(identifier);
    const expected = getMetric === undefined
      ? 'streaming metrics with update/result/reset (the installed @loom-ml/metrics has no getMetric to resolve names)'
      : 'metric names or streaming metrics with update/result/reset';
    throw invalidValue('metrics', where, expected, identifier);
  });
}

function isStatefulOptimizer(value: unknown): value is TrainingOptimizer {
  const optimizer = value as TrainingOptimizer;
  return typeof value === 'object' && value !== null && typeof optimizer.step === 'function' && typeof optimizer.getState === 'function';
}

/**
 * An `Optimizer` as given (the caller keeps ownership), or one built over `variables` from a
 * name or a gradient transformation (`owned: true`: the loop disposes it).
 */
export function resolveOptimizer(
  identifier: string | GradientTransformation | TrainingOptimizer,
  variables: tf.Variable[],
): { optimizer: TrainingOptimizer & { dispose?(): void }; owned: boolean } {
  if (isStatefulOptimizer(identifier)) return { optimizer: identifier, owned: false };
  return { optimizer: new Optimizer(getOptimizer(identifier as string | GradientTransformation), variables), owned: true };
}
