import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from '../errors.js';

/** A weight initializer by name, with an optional seed for reproducible weights. */
export type InitializerName = 'zeros' | 'ones' | 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'lecunNormal' | 'orthogonal' | 'randomNormal';
export type InitializerConfig = InitializerName | { name: InitializerName; seed?: number; stddev?: number; gain?: number };

/**
 * Fan-in and fan-out of a weight shape: dense [in, out]; convolution [...kernel, in, out]
 * (receptive field times channels), as Glorot & Bengio and He et al. define them.
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[shape.length - 2]! * receptiveField, fanOut: shape[shape.length - 1]! * receptiveField };
}

function normalize(config: InitializerConfig): { name: InitializerName; seed?: number; stddev?: number; gain?: number } {
  return typeof config === 'string' ? { name: config } : config;
}

/**
 * Creates the initial value of a weight.
 *
 * @example
 * const kernel = initialize({ name: 'glorotUniform', seed: 1 }, [784, 128]);
 */
export function initialize(config: InitializerConfig, shape: number[], where = 'initialize'): tf.Tensor {
  const { name, seed, stddev = 0.05, gain = 1 } = normalize(config);
  const { fanIn, fanOut } = fans(shape);
  switch (name) {
    case 'zeros':
      return tf.zeros(shape);
    case 'ones':
      return tf.ones(shape);
    case 'glorotUniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return tf.randomUniform(shape, -limit, limit, 'float32', seed);
    }
    case 'glorotNormal':
      return tf.truncatedNormal(shape, 0, Math.sqrt(2 / (fanIn + fanOut)) / 0.8796256610342398, 'float32', seed);
    case 'heUniform': {
      const limit = Math.sqrt(6 / fanIn);
      return tf.randomUniform(shape, -limit, limit, 'float32', seed);
    }
    case 'heNormal':
      // 0.8796... is the stddev of a unit normal truncated at 2 sigma (as in Keras).
      return tf.truncatedNormal(shape, 0, Math.sqrt(2 / fanIn) / 0.8796256610342398, 'float32', seed);
    case 'lecunNormal':
      return tf.truncatedNormal(shape, 0, Math.sqrt(1 / fanIn) / 0.8796256610342398, 'float32', seed);
    case 'randomNormal':
      return tf.randomNormal(shape, 0, stddev, 'float32', seed);
    case 'orthogonal':
      return orthogonal(shape, gain, seed);
    default:
      throw invalidValue('initializer', where, 'zeros, ones, glorotUniform, glorotNormal, heUniform, heNormal, lecunNormal, orthogonal or randomNormal', name);
  }
}

/** Saxe et al.: rows (or columns) of the flattened [fanIn-ish, out] matrix are orthonormal. */
function orthogonal(shape: number[], gain: number, seed: number | undefined): tf.Tensor {
  return tf.tidy(() => {
    const cols = shape[shape.length - 1] ?? 1;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const tall = rows >= cols;
    const random = tf.randomNormal(tall ? [rows, cols] : [cols, rows], 0, 1, 'float32', seed) as tf.Tensor2D;
    const [q, r] = tf.linalg.qr(random);
    // Sign correction makes the distribution uniform over orthogonal matrices.
    const diagonal = tf.sum(tf.mul(tf.slice(r, [0, 0], [Math.min(rows, cols), Math.min(rows, cols)]), tf.eye(Math.min(rows, cols))), 0);
    const signs = tf.reshape(tf.sign(diagonal), [1, -1]);
    const fixed = tf.mul(q, signs);
    return tf.reshape(tf.mul(gain, tall ? fixed : tf.transpose(fixed)), shape);
  });
}
