// Bench models built from plain tfjs-core ops in the Loom model shape, used when
// @loom-ml/layers does not (yet) export `sequential`, `dense`, `conv2d`, ... Same
// architecture, activations and Glorot-uniform initialisation as the tfjs-layers models.
import * as tf from '@tensorflow/tfjs-core';

let count = 0;

function glorot(shape, fanIn, fanOut, seed) {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}

function makeModel(name, specs, forward) {
  const id = ++count;
  const weights = specs.map(([label, init]) => {
    const initial = init();
    const variable = tf.variable(initial, true, `${name}${id}/${label}`);
    initial.dispose();
    return variable;
  });
  return {
    name: `${name}_${id}`,
    trainableWeights: weights,
    nonTrainableWeights: [],
    apply: (x) => tf.tidy(() => forward(x, weights)),
    regularizationLoss: () => null,
    getWeights: () => weights,
    setWeights: (values) => values.forEach((v, i) => weights[i].assign(v)),
    dispose: () => tf.dispose(weights),
  };
}

/** Dense 784-128 relu, dense 128-10 softmax. */
export function plainMlp() {
  return makeModel(
    'mlp',
    [
      ['dense/kernel', () => glorot([784, 128], 784, 128, 1)],
      ['dense/bias', () => tf.zeros([128])],
      ['out/kernel', () => glorot([128, 10], 128, 10, 2)],
      ['out/bias', () => tf.zeros([10])],
    ],
    (x, [w1, b1, w2, b2]) => tf.softmax(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)),
  );
}

/** Conv 3x3x8 relu (valid), max-pool 2, flatten, dense 10 softmax. */
export function plainCnn() {
  return makeModel(
    'cnn',
    [
      ['conv/kernel', () => glorot([3, 3, 1, 8], 9, 72, 3)],
      ['conv/bias', () => tf.zeros([8])],
      ['out/kernel', () => glorot([13 * 13 * 8, 10], 13 * 13 * 8, 10, 4)],
      ['out/bias', () => tf.zeros([10])],
    ],
    (x, [k, b, w, c]) => {
      const conv = tf.relu(tf.add(tf.conv2d(x, k, 1, 'valid'), b));
      const pooled = tf.maxPool(conv, 2, 2, 'valid');
      return tf.softmax(tf.add(tf.matMul(tf.reshape(pooled, [x.shape[0], -1]), w), c));
    },
  );
}
