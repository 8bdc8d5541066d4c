// The table every layer is tested against (layer-contract.test.ts and wasm.test.ts).
import * as tf from '@tensorflow/tfjs-core';
import {
  activation, avgPool2d, batchNormalization, conv2d, dense, dropout, embedding, flatten, globalAveragePooling, globalMaxPooling,
  layerNormalization, maxPool2d, maxPool1d, avgPool1d, conv1d, reshape, type Layer,
} from '../src/index.js';
import { bidirectional, gru, lstm, multiHeadAttention, positionalEmbedding, simpleRnn, transformerEncoder } from '../src/index.js';
import { tiedLogits, tokenAndPositionEmbedding, transformerDecoder, type LayerWeight, type Shape } from '../src/index.js';

export interface LayerCase {
  label: string;
  /** The layer under test; or a list whose last layer is under test and whose others run before it (the embedding of `tiedLogits`). */
  make: () => Layer | Layer[];
  /** Input shape without the batch dimension. */
  inputShape: number[];
  batch: number;
  expectedOutputShape: number[];
  /** Integer ids in [0, idRange) instead of floats. */
  idRange?: number;
  /** Run in training mode (batch statistics) for the gradient check. */
  training?: boolean;
  /** Finite-difference step when 1e-2 would straddle ReLU kinks. */
  gradientEpsilon?: number;
  /** Extra call options (an attention mask), made afresh for each use; their tensors are disposed after. */
  callOptions?: () => Record<string, unknown>;
}

/** Runs `fn` with the case's call options (plus `training`), then disposes the options' tensors. */
export function withCallOptions<T>(c: LayerCase, training: boolean, fn: (options: { training: boolean }) => T): T {
  const extra = c.callOptions?.() ?? {};
  try {
    return fn({ ...extra, training });
  } finally {
    tf.dispose(Object.values(extra).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
  }
}

export const layerCases: LayerCase[] = [
  { label: 'Dense relu', make: () => dense({ units: 3, activation: 'relu', kernelInitializer: { name: 'glorotUniform', seed: 1 } }), inputShape: [4], batch: 2, expectedOutputShape: [2, 3] },
  { label: 'Dense gelu on rank 3', make: () => dense({ units: 3, activation: 'gelu', kernelInitializer: { name: 'glorotNormal', seed: 2 } }), inputShape: [3, 4], batch: 2, expectedOutputShape: [2, 3, 3] },
  { label: 'Dense with L2', make: () => dense({ units: 2, kernelRegularizer: { l2: 0.01 }, biasInitializer: 'ones', kernelInitializer: { name: 'glorotUniform', seed: 22 } }), inputShape: [3], batch: 3, expectedOutputShape: [3, 2] },
  { label: 'Conv2D same relu', make: () => conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: { name: 'heNormal', seed: 3 } }), inputShape: [5, 5, 2], batch: 2, expectedOutputShape: [2, 5, 5, 3], gradientEpsilon: 1e-3 },
  { label: 'Conv2D valid stride 2 tanh', make: () => conv2d({ filters: 2, kernelSize: [3, 2], strides: 2, activation: 'tanh', kernelInitializer: { name: 'glorotUniform', seed: 4 } }), inputShape: [7, 6, 2], batch: 2, expectedOutputShape: [2, 3, 3, 2] },
  { label: 'Conv2D dilated', make: () => conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, padding: 'same', kernelInitializer: { name: 'glorotUniform', seed: 5 } }), inputShape: [5, 5, 1], batch: 1, expectedOutputShape: [1, 5, 5, 2] },
  { label: 'Conv1D valid', make: () => conv1d({ filters: 2, kernelSize: 3, kernelInitializer: { name: 'glorotUniform', seed: 23 } }), inputShape: [6, 2], batch: 2, expectedOutputShape: [2, 4, 2] },
  { label: 'Conv1D same stride 2 tanh', make: () => conv1d({ filters: 3, kernelSize: 2, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: { name: 'glorotUniform', seed: 24 } }), inputShape: [5, 2], batch: 2, expectedOutputShape: [2, 3, 3] },
  { label: 'Conv1D dilated', make: () => conv1d({ filters: 2, kernelSize: 2, dilationRate: 2, activation: 'tanh', kernelInitializer: { name: 'glorotUniform', seed: 21 } }), inputShape: [6, 1], batch: 1, expectedOutputShape: [1, 4, 2] },
  { label: 'MaxPool1D', make: () => maxPool1d({ poolSize: 2 }), inputShape: [6, 3], batch: 2, expectedOutputShape: [2, 3, 3] },
  { label: 'AvgPool1D same stride 1', make: () => avgPool1d({ poolSize: 3, strides: 1, padding: 'same' }), inputShape: [5, 2], batch: 2, expectedOutputShape: [2, 5, 2] },
  { label: 'AvgPool2D same stride 1', make: () => avgPool2d({ poolSize: 3, strides: 1, padding: 'same' }), inputShape: [3, 4, 1], batch: 1, expectedOutputShape: [1, 3, 4, 1] },
  { label: 'MaxPool2D', make: () => maxPool2d({ poolSize: 2 }), inputShape: [4, 4, 3], batch: 2, expectedOutputShape: [2, 2, 2, 3] },
  { label: 'MaxPool2D same stride 1', make: () => maxPool2d({ poolSize: 3, strides: 1, padding: 'same' }), inputShape: [4, 4, 1], batch: 2, expectedOutputShape: [2, 4, 4, 1] },
  { label: 'AvgPool2D', make: () => avgPool2d({ poolSize: 2 }), inputShape: [4, 6, 2], batch: 2, expectedOutputShape: [2, 2, 3, 2] },
  { label: 'GlobalAveragePooling', make: () => globalAveragePooling(), inputShape: [3, 3, 4], batch: 2, expectedOutputShape: [2, 4] },
  { label: 'GlobalMaxPooling on sequences', make: () => globalMaxPooling(), inputShape: [5, 3], batch: 2, expectedOutputShape: [2, 3] },
  { label: 'Flatten', make: () => flatten(), inputShape: [2, 3, 2], batch: 2, expectedOutputShape: [2, 12] },
  { label: 'Reshape', make: () => reshape({ targetShape: [3, -1] }), inputShape: [6], batch: 2, expectedOutputShape: [2, 3, 2] },
  { label: 'Dropout at inference', make: () => dropout({ rate: 0.5, seed: 1 }), inputShape: [4], batch: 2, expectedOutputShape: [2, 4] },
  { label: 'Activation softmax', make: () => activation({ activation: 'softmax' }), inputShape: [5], batch: 2, expectedOutputShape: [2, 5] },
  { label: 'Activation swish', make: () => activation({ activation: 'swish' }), inputShape: [5], batch: 2, expectedOutputShape: [2, 5] },
  { label: 'Activation elu', make: () => activation({ activation: 'elu' }), inputShape: [5], batch: 2, expectedOutputShape: [2, 5] },
  { label: 'Activation sigmoid', make: () => activation({ activation: 'sigmoid' }), inputShape: [5], batch: 2, expectedOutputShape: [2, 5] },
  { label: 'Activation leakyRelu', make: () => activation({ activation: 'leakyRelu' }), inputShape: [5], batch: 2, expectedOutputShape: [2, 5] },
  { label: 'Embedding', make: () => embedding({ inputDim: 7, outputDim: 3, embeddingsInitializer: { name: 'randomNormal', seed: 6, stddev: 0.5 } }), inputShape: [4], batch: 2, expectedOutputShape: [2, 4, 3], idRange: 7 },
  { label: 'BatchNormalization (training)', make: () => batchNormalization({ momentum: 0.9 }), inputShape: [3, 2], batch: 4, expectedOutputShape: [4, 3, 2], training: true },
  { label: 'BatchNormalization (inference)', make: () => batchNormalization(), inputShape: [3], batch: 4, expectedOutputShape: [4, 3] },
  { label: 'LayerNormalization', make: () => layerNormalization(), inputShape: [2, 5], batch: 2, expectedOutputShape: [2, 2, 5] },
  { label: 'SimpleRNN last state', make: () => simpleRnn({ units: 3, kernelInitializer: { name: 'glorotUniform', seed: 21 }, recurrentInitializer: { name: 'orthogonal', seed: 22 } }), inputShape: [4, 2], batch: 2, expectedOutputShape: [2, 3] },
  { label: 'SimpleRNN sequences backwards', make: () => simpleRnn({ units: 2, returnSequences: true, goBackwards: true, kernelInitializer: { name: 'glorotUniform', seed: 23 }, recurrentInitializer: { name: 'orthogonal', seed: 24 } }), inputShape: [3, 2], batch: 2, expectedOutputShape: [2, 3, 2] },
  { label: 'LSTM last state', make: () => lstm({ units: 3, kernelInitializer: { name: 'glorotUniform', seed: 25 }, recurrentInitializer: { name: 'orthogonal', seed: 26 } }), inputShape: [3, 2], batch: 2, expectedOutputShape: [2, 3] },
  { label: 'LSTM sequences', make: () => lstm({ units: 2, returnSequences: true, kernelInitializer: { name: 'glorotUniform', seed: 27 }, recurrentInitializer: { name: 'orthogonal', seed: 28 } }), inputShape: [3, 2], batch: 2, expectedOutputShape: [2, 3, 2] },
  { label: 'GRU last state backwards', make: () => gru({ units: 3, goBackwards: true, kernelInitializer: { name: 'glorotUniform', seed: 29 }, recurrentInitializer: { name: 'orthogonal', seed: 30 }, biasInitializer: { name: 'randomNormal', seed: 31, stddev: 0.3 } }), inputShape: [3, 2], batch: 2, expectedOutputShape: [2, 3] },
  { label: 'GRU sequences', make: () => gru({ units: 2, returnSequences: true, kernelInitializer: { name: 'glorotUniform', seed: 32 }, recurrentInitializer: { name: 'orthogonal', seed: 33 } }), inputShape: [3, 2], batch: 2, expectedOutputShape: [2, 3, 2] },
  { label: 'Bidirectional LSTM', make: () => bidirectional({ layer: lstm({ units: 2, kernelInitializer: { name: 'glorotUniform', seed: 34 }, recurrentInitializer: { name: 'orthogonal', seed: 35 } }) }), inputShape: [3, 2], batch: 2, expectedOutputShape: [2, 4] },
  { label: 'MultiHeadAttention', make: () => multiHeadAttention({ numHeads: 2, keyDim: 2, kernelInitializer: { name: 'glorotUniform', seed: 40 } }), inputShape: [3, 4], batch: 2, expectedOutputShape: [2, 3, 4] },
  { label: 'MultiHeadAttention causal', make: () => multiHeadAttention({ numHeads: 1, useCausalMask: true, kernelInitializer: { name: 'glorotUniform', seed: 41 } }), inputShape: [3, 2], batch: 2, expectedOutputShape: [2, 3, 2] },
  {
    label: 'MultiHeadAttention padding mask and causal',
    make: () => multiHeadAttention({ numHeads: 2, keyDim: 2, useCausalMask: true, kernelInitializer: { name: 'glorotUniform', seed: 45 } }),
    inputShape: [4, 3], batch: 2, expectedOutputShape: [2, 4, 3],
    callOptions: () => ({ attentionMask: tf.tensor2d([[1, 1, 1, 1], [1, 1, 0, 0]]) }),
  },
  {
    label: 'MultiHeadAttention per-query mask',
    make: () => multiHeadAttention({ numHeads: 1, kernelInitializer: { name: 'glorotUniform', seed: 46 } }),
    inputShape: [3, 2], batch: 2, expectedOutputShape: [2, 3, 2],
    callOptions: () => ({ attentionMask: tf.tensor3d([[[1, 0, 1], [0, 1, 1], [1, 1, 0]], [[1, 1, 1], [1, 0, 0], [0, 0, 1]]], [2, 3, 3], 'bool') }),
  },
  { label: 'PositionalEmbedding', make: () => positionalEmbedding({ inputDim: 6, outputDim: 3, sequenceLength: 5, embeddingsInitializer: { name: 'randomNormal', seed: 42, stddev: 0.5 } }), inputShape: [4], batch: 2, expectedOutputShape: [2, 4, 3], idRange: 6 },
  { label: 'TransformerEncoder relu', make: () => transformerEncoder({ numHeads: 2, feedForwardDim: 3, dropout: 0.1, seed: 1, kernelInitializer: { name: 'glorotUniform', seed: 43 } }), inputShape: [3, 4], batch: 2, expectedOutputShape: [2, 3, 4], gradientEpsilon: 1e-3 },
  {
    label: 'TransformerEncoder padding mask',
    make: () => transformerEncoder({ numHeads: 1, feedForwardDim: 3, kernelInitializer: { name: 'glorotUniform', seed: 47 } }),
    inputShape: [3, 2], batch: 2, expectedOutputShape: [2, 3, 2],
    callOptions: () => ({ attentionMask: tf.tensor2d([[1, 1, 0], [1, 1, 1]], [2, 3], 'int32') }),
  },
  { label: 'TransformerEncoder gelu causal', make: () => transformerEncoder({ numHeads: 1, feedForwardDim: 3, activation: 'gelu', causal: true, kernelInitializer: { name: 'glorotUniform', seed: 44 } }), inputShape: [3, 2], batch: 2, expectedOutputShape: [2, 3, 2] },
  {
    label: 'TransformerDecoder post-norm relu with dropout',
    make: () => transformerDecoder({ numHeads: 2, feedForwardDim: 3, activation: 'relu', dropout: 0.1, seed: 2, kernelInitializer: { name: 'glorotUniform', seed: 59 } }),
    inputShape: [3, 4], batch: 2, expectedOutputShape: [2, 3, 4], gradientEpsilon: 1e-3,
  },
  {
    label: 'TransformerDecoder pre-norm gelu',
    make: () => transformerDecoder({ numHeads: 2, keyDim: 3, feedForwardDim: 5, normalizeFirst: true, kernelInitializer: { name: 'glorotUniform', seed: 49 } }),
    inputShape: [4, 4], batch: 2, expectedOutputShape: [2, 4, 4],
  },
  {
    label: 'TransformerDecoder pre-norm with a padding mask',
    make: () => transformerDecoder({ numHeads: 1, feedForwardDim: 3, normalizeFirst: true, kernelInitializer: { name: 'glorotUniform', seed: 50 } }),
    inputShape: [3, 2], batch: 2, expectedOutputShape: [2, 3, 2],
    callOptions: () => ({ attentionMask: tf.tensor2d([[1, 1, 0], [1, 1, 1]]) }),
  },
  { label: 'TokenAndPositionEmbedding', make: () => tokenAndPositionEmbedding({ vocabularySize: 6, sequenceLength: 5, embeddingDim: 3, embeddingsInitializer: { name: 'randomNormal', seed: 53, stddev: 0.5 } }), inputShape: [4], batch: 2, expectedOutputShape: [2, 4, 3], idRange: 6 },
  {
    label: 'TiedLogits after its TokenAndPositionEmbedding, with bias',
    make: () => {
      const embed = tokenAndPositionEmbedding({ vocabularySize: 7, sequenceLength: 4, embeddingDim: 3, embeddingsInitializer: { name: 'randomNormal', seed: 54, stddev: 0.5 } });
      return [embed, tiedLogits({ embedding: embed, useBias: true })];
    },
    inputShape: [4], batch: 2, expectedOutputShape: [2, 4, 7], idRange: 7,
  },
  {
    label: 'TiedLogits on an Embedding',
    make: () => {
      const table = embedding({ inputDim: 5, outputDim: 3, embeddingsInitializer: { name: 'randomNormal', seed: 55, stddev: 0.5 } });
      return [table, tiedLogits({ embedding: table })];
    },
    inputShape: [3], batch: 2, expectedOutputShape: [2, 3, 5], idRange: 5,
  },
  // Padding masks (as embedding({ maskZero: true }) makes): row 0 padded at the end, row 1 at the front.
  { label: 'LSTM sequences masked', make: () => lstm({ units: 2, returnSequences: true, kernelInitializer: { name: 'glorotUniform', seed: 81 }, recurrentInitializer: { name: 'orthogonal', seed: 82 } }), inputShape: [4, 2], batch: 2, expectedOutputShape: [2, 4, 2], callOptions: () => ({ mask: tf.tensor2d([[1, 1, 1, 0], [0, 1, 1, 1]]) }) },
  { label: 'GRU last state backwards masked', make: () => gru({ units: 3, goBackwards: true, kernelInitializer: { name: 'glorotUniform', seed: 83 }, biasInitializer: { name: 'randomNormal', seed: 84, stddev: 0.3 } }), inputShape: [4, 2], batch: 2, expectedOutputShape: [2, 3], callOptions: () => ({ mask: tf.tensor2d([[1, 1, 0, 0], [0, 1, 1, 1]], [2, 4], 'bool') }) },
  { label: 'Bidirectional SimpleRNN sequences masked', make: () => bidirectional({ layer: simpleRnn({ units: 2, returnSequences: true, kernelInitializer: { name: 'glorotUniform', seed: 85 } }) }), inputShape: [4, 2], batch: 2, expectedOutputShape: [2, 4, 4], callOptions: () => ({ mask: tf.tensor2d([[1, 1, 1, 0], [0, 1, 1, 1]]) }) },
  { label: 'GlobalAveragePooling masked', make: () => globalAveragePooling(), inputShape: [4, 3], batch: 2, expectedOutputShape: [2, 3], callOptions: () => ({ mask: tf.tensor2d([[1, 1, 0, 0], [0, 1, 1, 1]]) }) },
  { label: 'TransformerEncoder masked', make: () => transformerEncoder({ numHeads: 2, feedForwardDim: 4, kernelInitializer: { name: 'glorotUniform', seed: 86 } }), inputShape: [3, 4], batch: 2, expectedOutputShape: [2, 3, 4], callOptions: () => ({ mask: tf.tensor2d([[1, 1, 0], [1, 1, 1]]) }) },
  { label: 'Bidirectional GRU sequences', make: () => bidirectional({ layer: gru({ units: 2, returnSequences: true, kernelInitializer: { name: 'glorotUniform', seed: 36 }, recurrentInitializer: { name: 'orthogonal', seed: 37 } }) }), inputShape: [3, 2], batch: 2, expectedOutputShape: [2, 3, 4] },
];

/** What the contract tests run: one layer, or a short stack of layers applied in turn. */
export interface CaseSubject {
  layers: Layer[];
  apply(x: tf.Tensor, options?: Record<string, unknown>): tf.Tensor;
  computeOutputShape(shape: Shape): Shape;
  readonly weights: readonly LayerWeight[];
  readonly trainableWeights: tf.Variable[];
  dispose(): void;
}

export function layersOf(made: Layer | Layer[]): Layer[] {
  return Array.isArray(made) ? made : [made];
}

export function subjectOf(c: LayerCase): CaseSubject {
  const layers = layersOf(c.make());
  // Link references between the layers as a model does (tiedLogits finds its embedding).
  const byName = new Map(layers.map((l) => [l.name, l]));
  for (const layer of layers) layer.linkLayers((name) => byName.get(name), 'the test stack');
  return {
    layers,
    apply: (x, options = {}) => tf.tidy(() => layers.reduce((h, layer) => layer.apply(h, options), x)),
    computeOutputShape: (shape) => layers.reduce((s, layer) => layer.computeOutputShape(s), shape),
    get weights() {
      return layers.flatMap((layer) => layer.weights);
    },
    get trainableWeights() {
      return layers.flatMap((layer) => layer.trainableWeights);
    },
    dispose: () => layers.forEach((layer) => layer.dispose()),
  };
}

/** Deterministic values in [-1, 1) from a small LCG (independent of Math.random). */
export function seededValues(count: number, seed: number): Float32Array {
  let state = (seed * 2654435761 + 12345) >>> 0;
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}

export function caseInput(c: LayerCase, seed = 11): tf.Tensor {
  const shape = [c.batch, ...c.inputShape];
  const size = shape.reduce((a, b) => a * b, 1);
  const values = seededValues(size, seed);
  if (c.idRange !== undefined) return tf.tensor(Int32Array.from(values, (v) => Math.floor(((v + 1) / 2) * c.idRange!)), shape, 'int32');
  return tf.tensor(values, shape);
}
