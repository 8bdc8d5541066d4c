import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from '../errors.js';

/** Weight penalties added to the training loss: `l1 * sum(|w|) + l2 * sum(w^2)`. */
export interface RegularizerConfig {
  l1?: number;
  l2?: number;
}

/**
 * @example
 * dense({ units: 64, kernelRegularizer: l2(1e-4) });
 */
export function l2(factor = 0.01): RegularizerConfig {
  return { l2: factor };
}

/** @example dense({ units: 64, kernelRegularizer: l1(1e-5) }); */
export function l1(factor = 0.01): RegularizerConfig {
  return { l1: factor };
}

/** @example dense({ units: 64, kernelRegularizer: l1l2({ l1: 1e-5, l2: 1e-4 }) }); */
export function l1l2({ l1: a = 0.01, l2: b = 0.01 }: RegularizerConfig = {}): RegularizerConfig {
  return { l1: a, l2: b };
}

export function validateRegularizer(config: RegularizerConfig | undefined, name: string, where: string): RegularizerConfig | undefined {
  if (config === undefined) return undefined;
  for (const key of ['l1', 'l2'] as const) {
    const value = config[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw invalidValue(`${name}.${key}`, where, 'a non-negative number', value);
  }
  return config;
}

/** The penalty of one weight as a scalar. */
export function penalty(config: RegularizerConfig, weight: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    if (config.l1) total = tf.add(total, tf.mul(config.l1, tf.sum(tf.abs(weight))));
    if (config.l2) total = tf.add(total, tf.mul(config.l2, tf.sum(tf.square(weight))));
    return total;
  });
}
