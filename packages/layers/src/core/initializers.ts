import * as tf from '@tensorflow/tfjs-core';
import { nextSeed, seededRandom } from '@loom-ml/core';
import { invalidValue } from '../errors.js';

/** A weight initializer by name, with an optional seed for reproducible weights. */
export type InitializerName = 'zeros' | 'ones' | 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal' | 'lecunNormal' | 'orthogonal' | 'randomNormal';
/**
 * How a layer's `kernelInitializer` (or another initializer option) is given: a name, or an
 * object with the name and its settings: `seed` (default: the next seed of `setSeed`'s stream,
 * random when none is set), `stddev` for `randomNormal` (default 0.05), `gain` for `orthogonal`
 * (default 1). `glorotUniform({ seed })` and the other factories return one.
 */
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
  const { name, seed: ownSeed, stddev = 0.05, gain = 1 } = normalize(config);
  if (ownSeed !== undefined && (typeof ownSeed !== 'number' || !Number.isFinite(ownSeed))) throw invalidValue('seed', where, 'a finite number', ownSeed);
  // Unseeded: the next seed of setSeed's stream (undefined, so truly random, when none is set).
  const seed = ownSeed ?? (name === 'zeros' || name === 'ones' ? undefined : nextSeed());
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
      return orthogonalMatrix(shape, gain, seed);
    default:
      throw invalidValue('initializer', where, 'zeros, ones, glorotUniform, glorotNormal, heUniform, heNormal, lecunNormal, orthogonal or randomNormal', name);
  }
}

/**
 * A seed for the weight `weightName` of a layer seeded with `layerSeed`: FNV-1a of the name mixed
 * with the seed, then the first draw of `seededRandom` from that, an integer in [0, 2^31).
 * Distinct weights of one layer get distinct seeds; the layer's auto-generated name plays no
 * part, so the same program gives the same weights however many layers were made before.
 *
 * @example
 * deriveSeed(1, 'attention/queryKernel'); // the same number on every run and platform
 */
export function deriveSeed(layerSeed: number, weightName: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < weightName.length; i++) hash = Math.imul(hash ^ weightName.charCodeAt(i), 0x01000193);
  const mixed = (hash ^ Math.imul(layerSeed >>> 0, 0x9e3779b1) ^ Math.floor(layerSeed / 4294967296)) >>> 0;
  return Math.floor(seededRandom(mixed)() * 2147483648);
}

/** `config` with a seed derived from the layer's seed, unless it has one of its own (or draws nothing random). */
export function withDerivedSeed(config: InitializerConfig, layerSeed: number, weightName: string): InitializerConfig {
  const normalized = normalize(config);
  if (normalized.seed !== undefined || normalized.name === 'zeros' || normalized.name === 'ones') return config;
  return { ...normalized, seed: deriveSeed(layerSeed, weightName) };
}

/** Saxe et al.: rows (or columns) of the flattened [fanIn-ish, out] matrix are orthonormal. */
function orthogonalMatrix(shape: number[], gain: number, seed: number | undefined): tf.Tensor {
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

/** Options of the random initializers: `seed` makes the weights the same every run. */
export interface InitializerOptions {
  /** Seed of this initializer. Default: the next seed of `setSeed`'s stream, or random when none is set. */
  seed?: number;
}

function seeded(name: InitializerName, options: InitializerOptions & { stddev?: number; gain?: number } = {}): InitializerConfig {
  return { name, ...options };
}

/**
 * Glorot (Xavier) uniform: U(-limit, limit) with limit = sqrt(6 / (fanIn + fanOut)), Keras' default
 * for Dense and convolution kernels.
 *
 * @example
 * dense({ units: 8, kernelInitializer: glorotUniform({ seed: 1 }) });
 */
export function glorotUniform(options?: InitializerOptions): InitializerConfig {
  return seeded('glorotUniform', options);
}

/**
 * Glorot (Xavier) normal: a normal truncated at 2 standard deviations with stddev sqrt(2 / (fanIn + fanOut)).
 *
 * @example
 * dense({ units: 8, kernelInitializer: glorotNormal({ seed: 1 }) });
 */
export function glorotNormal(options?: InitializerOptions): InitializerConfig {
  return seeded('glorotNormal', options);
}

/**
 * He uniform: U(-limit, limit) with limit = sqrt(6 / fanIn), for ReLU layers.
 *
 * @example
 * dense({ units: 8, activation: 'relu', kernelInitializer: heUniform({ seed: 1 }) });
 */
export function heUniform(options?: InitializerOptions): InitializerConfig {
  return seeded('heUniform', options);
}

/**
 * He normal: a truncated normal with stddev sqrt(2 / fanIn), for ReLU layers.
 *
 * @example
 * conv2d({ filters: 16, kernelSize: 3, kernelInitializer: heNormal({ seed: 1 }) });
 */
export function heNormal(options?: InitializerOptions): InitializerConfig {
  return seeded('heNormal', options);
}

/**
 * LeCun normal: a truncated normal with stddev sqrt(1 / fanIn), for SELU-style layers.
 *
 * @example
 * dense({ units: 8, kernelInitializer: lecunNormal({ seed: 1 }) });
 */
export function lecunNormal(options?: InitializerOptions): InitializerConfig {
  return seeded('lecunNormal', options);
}

/**
 * A (semi-)orthogonal matrix times `gain` (Saxe et al.), the default of recurrent kernels.
 *
 * @example
 * lstm({ units: 32, recurrentInitializer: orthogonal({ gain: 1, seed: 1 }) });
 */
export function orthogonal(options?: InitializerOptions & { gain?: number }): InitializerConfig {
  return seeded('orthogonal', options);
}

/**
 * A normal with mean 0 and `stddev` (default 0.05), the default of embeddings.
 *
 * @example
 * embedding({ inputDim: 1000, outputDim: 16, embeddingsInitializer: randomNormal({ stddev: 0.02, seed: 1 }) });
 */
export function randomNormal(options?: InitializerOptions & { stddev?: number }): InitializerConfig {
  return seeded('randomNormal', options);
}

/**
 * All zeros (biases' default).
 *
 * @example
 * dense({ units: 8, biasInitializer: zeros() });
 */
export function zeros(): InitializerConfig {
  return 'zeros';
}

/**
 * All ones (normalisation scales' default).
 *
 * @example
 * dense({ units: 8, biasInitializer: ones() });
 */
export function ones(): InitializerConfig {
  return 'ones';
}
