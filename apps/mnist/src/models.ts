import { conv2d, dense, dropout, flatten, maxPool2d, sequential, type Sequential } from '@loom-ml/layers';
import type { ModelKind } from './options.js';

/**
 * The two models of the digit-recognition example. Both end in 10 logits: the loss applies
 * the softmax itself (sparse categorical cross-entropy from logits, which is numerically
 * stable), and prediction applies `tf.softmax` to get probabilities.
 */
export function buildModel(kind: ModelKind, seed: number): Sequential {
  if (kind === 'mlp') {
    // 784-128-10 with ReLU: the classic first network (dropout only while training).
    return sequential(
      [
        dense({ units: 128, activation: 'relu', inputShape: [784], kernelInitializer: { name: 'heNormal', seed } }),
        dropout({ rate: 0.2, seed }),
        dense({ units: 10, kernelInitializer: { name: 'glorotUniform', seed: seed + 1 } }),
      ],
      { name: 'mnist_mlp' },
    );
  }
  // Conv-Pool-Conv-Pool-Conv-Dense.
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

/** The input shape each model takes per image. */
export function imageShapeFor(kind: ModelKind): number[] {
  return kind === 'mlp' ? [784] : [28, 28, 1];
}
