// Test helpers shared by the exporters' tests: the example apps' architectures and seeded
// random weights. Not exported from the package.
import * as tf from '@tensorflow/tfjs-core';
import {
  conv2d, dense, dropout, embedding, flatten, globalAveragePooling, lstm, maxPool2d, positionalEmbedding, sequential, transformerEncoder,
  type Model, type Sequential,
} from '@loom-ml/layers';
import { MlpClassifier } from '@loom-ml/fraud-detection';

/**
 * Overwrites every weight with seeded uniform values ([0.5, 1.5] for variances, which must be
 * positive; [-scale, scale] otherwise), so biases and statistics are not zeros/ones and a
 * swapped or transposed weight shows in the outputs.
 */
export function randomizeWeights(model: Model, seed: number, scale = 0.5): void {
  const values = model.weights.map((w, i) =>
    w.path.includes('variance') ? tf.randomUniform(w.variable.shape, 0.5, 1.5, 'float32', seed + i) : tf.randomUniform(w.variable.shape, -scale, scale, 'float32', seed + i),
  );
  model.setWeights(values);
  tf.dispose(values);
}

/** apps/mnist's MLP: 784-128-10 with dropout. */
export function mnistMlp(seed = 1): Sequential {
  return sequential(
    [
      dense({ units: 128, activation: 'relu', inputShape: [784], kernelInitializer: { name: 'heNormal', seed } }),
      dropout({ rate: 0.2, seed }),
      dense({ units: 10, kernelInitializer: { name: 'glorotUniform', seed: seed + 1 } }),
    ],
    { name: 'mnist_mlp' },
  );
}

/** apps/mnist's CNN: Conv-Pool-Conv-Pool-Conv-Dense. */
export function mnistCnn(seed = 1): Sequential {
  return sequential(
    [
      conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], kernelInitializer: { name: 'heNormal', seed } }),
      maxPool2d({ poolSize: 2 }),
      conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: { name: 'heNormal', seed: seed + 1 } }),
      maxPool2d({ poolSize: 2 }),
      conv2d({ filters: 64, kernelSize: 3, activation: 'relu', kernelInitializer: { name: 'heNormal', seed: seed + 2 } }),
      flatten(),
      dense({ units: 64, activation: 'relu', kernelInitializer: { name: 'heNormal', seed: seed + 3 } }),
      dense({ units: 10, kernelInitializer: { name: 'glorotUniform', seed: seed + 4 } }),
    ],
    { name: 'mnist_cnn' },
  );
}

/** apps/sentiment's LSTM model (vocabulary and length as given). */
export function sentimentLstm(vocabularySize: number, maxLength: number, seed = 1): Sequential {
  return sequential(
    [
      embedding({ inputDim: vocabularySize, outputDim: 32, embeddingsInitializer: { name: 'randomNormal', stddev: 0.05, seed } }),
      lstm({ units: 32, kernelInitializer: { name: 'glorotUniform', seed: seed + 1 }, recurrentInitializer: { name: 'orthogonal', seed: seed + 2 } }),
      dense({ units: 1, activation: 'sigmoid', kernelInitializer: { name: 'glorotUniform', seed: seed + 3 } }),
    ],
    { inputShape: [maxLength] },
  );
}

/** apps/sentiment's Transformer model. */
export function sentimentTransformer(vocabularySize: number, maxLength: number, seed = 1): Sequential {
  return sequential(
    [
      positionalEmbedding({ inputDim: vocabularySize, outputDim: 32, sequenceLength: maxLength, embeddingsInitializer: { name: 'randomNormal', stddev: 0.05, seed } }),
      transformerEncoder({ numHeads: 2, feedForwardDim: 32, dropout: 0.1, seed: seed + 1, kernelInitializer: { name: 'glorotUniform', seed: seed + 2 } }),
      globalAveragePooling(),
      dropout({ rate: 0.1, seed: seed + 3 }),
      dense({ units: 1, activation: 'sigmoid', kernelInitializer: { name: 'glorotUniform', seed: seed + 4 } }),
    ],
    { inputShape: [maxLength] },
  );
}

/**
 * fraud-detection's MlpClassifier network (hidden ReLU layers with dropout, a logit, then a
 * sigmoid) as `toModel()` gives it, with seeded random weights: built from JSON, not trained.
 */
export function fraudMlp(inputSize: number, hiddenUnits: number[], seed: number): Sequential {
  const sizes = [inputSize, ...hiddenUnits, 1];
  let k = 0;
  const random = () => {
    // A small LCG: values in [-0.5, 0.5), reproducible for a seed.
    k = (k * 1664525 + 1013904223 + seed) % 4294967296;
    return k / 4294967296 - 0.5;
  };
  const weights = sizes.slice(1).flatMap((units, i) => [
    { shape: [sizes[i]!, units], values: Array.from({ length: sizes[i]! * units }, random) },
    { shape: [units], values: Array.from({ length: units }, random) },
  ]);
  const classifier = MlpClassifier.fromJSON({ format: 'loom-ml/mlp-classifier', version: 1, inputSize, hiddenUnits, dropout: 0.2, weights });
  const model = classifier.toModel();
  classifier.dispose();
  return model;
}

/** Token ids in [0, vocabularySize) as float32, as the apps feed them. */
export function randomIds(batch: number, length: number, vocabularySize: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.randomUniform([batch, length], 0, vocabularySize, 'int32', seed), 'float32')) as tf.Tensor2D;
}
