// The sequence bench's models and data (issue 19), shared by sequence.mjs (the side-by-side
// bench) and profile-step.mjs (the per-kernel profile): each with its Loom builder, its
// tfjs-layers twin (null where tfjs-layers has no such layer), loss and sample counts.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { conv2d, dense, embedding, flatten, globalAveragePooling, gru, lstm, maxPool2d, positionalEmbedding, sequential, transformerEncoder } from '@loom-ml/layers';

export const batchSize = 128;
const time = 200;
const vocabulary = 10000;

const sequenceData = (samples) => ({
  x: tf.randomUniform([samples, time], 1, vocabulary, 'int32', 1),
  y: tf.cast(tf.randomUniform([samples, 1], 0, 2, 'int32', 2), 'float32'),
});
const imageData = (shape) => (samples) => ({
  x: tf.randomUniform([samples, ...shape], 0, 1, 'float32', 3),
  y: tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniform([samples], 0, 10, 'int32', 4), 10), 'float32')),
});

export const models = {
  lstm: {
    label: 'Embedding(10000, 32) + LSTM(32), length 200',
    data: sequenceData,
    loss: 'binaryCrossentropy',
    loom: () => sequential([embedding({ inputDim: vocabulary, outputDim: 32 }), lstm({ units: 32 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [time] }),
    tfjs: () => tfl.sequential({ layers: [tfl.layers.embedding({ inputDim: vocabulary, outputDim: 32, inputLength: time }), tfl.layers.lstm({ units: 32, recurrentInitializer: 'glorotUniform' }), tfl.layers.dense({ units: 1, activation: 'sigmoid' })] }),
    tfjsLoss: 'binaryCrossentropy',
    samples: { fused: 1024, slow: 256 },
  },
  gru: {
    label: 'Embedding(10000, 32) + GRU(32), length 200',
    data: sequenceData,
    loss: 'binaryCrossentropy',
    loom: () => sequential([embedding({ inputDim: vocabulary, outputDim: 32 }), gru({ units: 32 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [time] }),
    tfjs: () => tfl.sequential({ layers: [tfl.layers.embedding({ inputDim: vocabulary, outputDim: 32, inputLength: time }), tfl.layers.gru({ units: 32, recurrentInitializer: 'glorotUniform' }), tfl.layers.dense({ units: 1, activation: 'sigmoid' })] }),
    tfjsLoss: 'binaryCrossentropy',
    samples: { fused: 1024, slow: 256 },
  },
  transformer: {
    label: 'Transformer encoder, 2 heads, d 32, ff 32, length 200',
    data: sequenceData,
    loss: 'binaryCrossentropy',
    loom: () =>
      sequential([positionalEmbedding({ inputDim: vocabulary, outputDim: 32, sequenceLength: time }), transformerEncoder({ numHeads: 2, feedForwardDim: 32 }), globalAveragePooling(), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [time] }),
    tfjs: null,
    samples: { fused: 512, slow: 512 },
  },
  mlp: {
    label: 'MLP 784-128-10',
    data: imageData([784]),
    loss: 'categoricalCrossentropy',
    loom: () => sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]),
    tfjs: () => tfl.sequential({ layers: [tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }), tfl.layers.dense({ units: 10, activation: 'softmax' })] }),
    tfjsLoss: 'categoricalCrossentropy',
    samples: { fused: 16384, slow: 8192 },
  },
  cnn: {
    label: 'CNN 16-64-64 conv (apps/mnist)',
    data: imageData([28, 28, 1]),
    loss: 'categoricalCrossentropy',
    loom: () =>
      sequential([
        conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }), maxPool2d({ poolSize: 2 }),
        conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), maxPool2d({ poolSize: 2 }),
        conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), flatten(), dense({ units: 64, activation: 'relu' }), dense({ units: 10, activation: 'softmax' }),
      ]),
    tfjs: () =>
      tfl.sequential({
        layers: [
          tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }), tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), tfl.layers.flatten(), tfl.layers.dense({ units: 64, activation: 'relu' }), tfl.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      }),
    tfjsLoss: 'categoricalCrossentropy',
    samples: { fused: 2048, slow: 1024 },
  },
};

