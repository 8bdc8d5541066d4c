// Test doubles that satisfy the contracts of @loom-ml/layers, losses and metrics, so train's
// tests do not depend on those packages' progress. The maths is real tfjs.
import * as tf from '@tensorflow/tfjs-core';
import type { LossLike, MetricLike, TrainableModel } from '../src/index.js';

let modelCount = 0;

/** A dense MLP with tanh hidden layers, weights from a fixed seed (`tf.randomNormal` seed). */
export function mlp(sizes: number[], options: { seed?: number; l2?: number; outputActivation?: 'sigmoid' | 'linear' } = {}): TrainableModel & { dispose(): void } {
  const id = ++modelCount;
  const seed = options.seed ?? 1;
  const weights: tf.Variable[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const scale = Math.sqrt(2 / (sizes[i]! + sizes[i + 1]!));
    // tf.variable copies its initial value's data reference; dispose the initial tensors.
    const kernel = tf.randomNormal([sizes[i]!, sizes[i + 1]!], 0, scale, 'float32', seed + i);
    const bias = tf.zeros([sizes[i + 1]!]);
    weights.push(tf.variable(kernel, true, `mlp${id}/kernel_${i}`), tf.variable(bias, true, `mlp${id}/bias_${i}`));
    tf.dispose([kernel, bias]);
  }
  return {
    name: `mlp_${id}`,
    trainableWeights: weights,
    nonTrainableWeights: [],
    apply(inputs) {
      return tf.tidy(() => {
        let h = inputs as tf.Tensor2D;
        for (let i = 0; i < weights.length; i += 2) {
          h = tf.add(tf.matMul(h, weights[i] as tf.Tensor2D), weights[i + 1]!);
          const last = i + 2 >= weights.length;
          if (!last) h = tf.tanh(h);
          else if (options.outputActivation === 'sigmoid') h = tf.sigmoid(h);
        }
        return h;
      });
    },
    regularizationLoss() {
      if (options.l2 === undefined) return null;
      const l2 = options.l2;
      return tf.tidy(() => tf.mul(l2, tf.addN(weights.filter((_, i) => i % 2 === 0).map((w) => tf.sum(tf.square(w))))) as tf.Scalar);
    },
    getWeights: () => weights,
    setWeights(values) {
      values.forEach((v, i) => weights[i]!.assign(v));
    },
    dispose: () => tf.dispose(weights),
  };
}

export const meanSquaredError: LossLike = {
  name: 'meanSquaredError',
  perSample: (yTrue, yPred) => tf.tidy(() => tf.mean(tf.reshape(tf.square(tf.sub(yTrue, yPred)), [yTrue.shape[0]!, -1]), 1) as tf.Tensor1D),
};

export const binaryCrossentropy: LossLike = {
  name: 'binaryCrossentropy',
  perSample: (yTrue, yPred) =>
    tf.tidy(() => {
      const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
      const perEntry = tf.neg(tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p)))));
      return tf.mean(tf.reshape(perEntry, [yTrue.shape[0]!, -1]), 1) as tf.Tensor1D;
    }),
};

/** Binary accuracy at threshold 0.5, weighted; keeps plain numbers only. */
export function binaryAccuracy(): MetricLike {
  let correct = 0;
  let total = 0;
  return {
    name: 'accuracy',
    update(yTrue, yPred, sampleWeight) {
      const hits = tf.tidy(() => tf.reshape(tf.cast(tf.equal(tf.greater(yPred, 0.5), tf.greater(yTrue, 0.5)), 'float32'), [-1]).arraySync() as number[]);
      const weights = sampleWeight ? (sampleWeight.arraySync() as number[]) : hits.map(() => 1);
      hits.forEach((hit, i) => {
        correct += hit * weights[i]!;
        total += weights[i]!;
      });
    },
    result: () => (total === 0 ? 0 : correct / total),
    reset() {
      correct = 0;
      total = 0;
    },
  };
}

/** XOR: four points, labels 0/1. */
export function xorData(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return { x: tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]), y: tf.tensor2d([[0], [1], [1], [0]]) };
}
