import * as tf from '@tensorflow/tfjs-core';
import { invalidValue } from '../errors.js';

/**
 * The activations a layer's `activation` option accepts, by name (as Keras names them, in
 * camelCase). All are tfjs-core ops, so every backend runs and differentiates them.
 */
export type ActivationName = 'linear' | 'relu' | 'relu6' | 'gelu' | 'sigmoid' | 'tanh' | 'softmax' | 'leakyRelu' | 'elu' | 'swish' | 'softplus';
/** An activation as a function of a tensor, as `getActivation` returns it. */
export type ActivationFn = (x: tf.Tensor) => tf.Tensor;

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Functions from tfjs-core ops only, so every backend can run and differentiate them. */
const activations: Record<ActivationName, ActivationFn> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  // The tanh approximation (as in BERT/GPT-2): erf has no gradient in tfjs-core.
  gelu: (x) =>
    tf.tidy(() => {
      const inner = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
    }),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  softmax: (x) => tf.softmax(x),
  leakyRelu: (x) => tf.leakyRelu(x, 0.2),
  elu: (x) => tf.elu(x),
  swish: (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(x))),
  softplus: (x) => tf.softplus(x),
};

/** Names accepted wherever an activation is configured. */
export const ACTIVATION_NAMES = Object.keys(activations) as ActivationName[];

/**
 * Looks an activation up by name.
 *
 * @example
 * const relu = getActivation('relu');
 * relu(tf.tensor1d([-1, 2])); // [0, 2]
 */
export function getActivation(name: ActivationName, where = 'getActivation'): ActivationFn {
  const fn = activations[name];
  if (fn === undefined) throw invalidValue('activation', where, `one of ${ACTIVATION_NAMES.join(', ')}`, name);
  return fn;
}

/**
 * How a layer applies `name` around a tfjs fused op: `linear` and `relu` go into the op itself
 * (tfjs can differentiate them fused); anything else runs after a linear fused op.
 *
 * @example
 * const { fused, after } = splitFusedActivation('gelu'); // fused 'linear', after = gelu
 */
export function splitFusedActivation(name: ActivationName): { fused: 'linear' | 'relu'; after: ActivationFn | null } {
  if (name === 'linear' || name === 'relu') return { fused: name, after: null };
  return { fused: 'linear', after: getActivation(name) };
}
