import type { Layer } from '../core/layer.js';
import type { Shape } from '../core/shape.js';
import { Conv1D } from '../core/layers/conv1d.js';
import { Conv2D } from '../core/layers/conv2d.js';
import { Dense } from '../core/layers/dense.js';
import { Activation, Dropout } from '../core/layers/dropout.js';
import { Embedding } from '../core/layers/embedding.js';
import { AvgPool2D, GlobalPooling, MaxPool2D } from '../core/layers/pooling.js';
import { AvgPool1D, MaxPool1D } from '../core/layers/pool1d.js';
import { Flatten, Reshape } from '../core/layers/reshaping.js';
import { Add, Average, Maximum, Minimum, Multiply, Subtract } from '../core/layers/merge.js';
import { Concatenate } from '../core/layers/merge-concatenate.js';
import { Dot } from '../core/layers/merge-dot.js';
import { BatchNormalization, LayerNormalization } from '../normalization/batch-normalization.js';
import { Bidirectional } from '../recurrent/bidirectional.js';
import { GRU } from '../recurrent/gru.js';
import { LSTM } from '../recurrent/lstm.js';
import type { Recurrent } from '../recurrent/recurrent.js';
import { SimpleRNN } from '../recurrent/simple-rnn.js';
import { LayerConfigReader } from './layer-config-reader.js';
import type { LayerWeightSource, WeightValue } from './tfjs-weights.js';

/** A Loom layer made from a tfjs layer, and where each of its weights comes from. */
export interface ConvertedLayer {
  layer: Layer;
  /** Loom weight name (path after `layerName/`, e.g. 'kernel', 'forward/recurrentKernel') → value. */
  weights(source: LayerWeightSource): Record<string, WeightValue | undefined>;
}

export interface ConversionContext {
  /** The layer's input shape, batch first. */
  inputShape: Shape;
  /** tfjs-layers only builds reset_after=false GRUs and may omit the field; Keras defaults to true. */
  gruResetAfterDefault: boolean;
}

export type LayerConverter = (config: LayerConfigReader, context: ConversionContext) => ConvertedLayer;

const noWeights = (): Record<string, WeightValue | undefined> => ({});

function constant(name: string, length: number, value: number): WeightValue {
  return { name, shape: [length], values: new Float32Array(length).fill(value) };
}

function trainable(c: LayerConfigReader): { trainable?: false } {
  return c.boolean('trainable', true) ? {} : { trainable: false };
}

function dense(c: LayerConfigReader): ConvertedLayer {
  c.noConstraints(['kernel_constraint', 'bias_constraint', 'activity_regularizer']);
  const useBias = c.boolean('use_bias', true);
  const kernelRegularizer = c.regularizer('kernel_regularizer');
  const biasRegularizer = c.regularizer('bias_regularizer');
  const layer = new Dense({
    name: c.name,
    units: c.positiveInteger('units'),
    activation: c.activation('activation', 'linear'),
    useBias,
    ...(kernelRegularizer ? { kernelRegularizer } : {}),
    ...(biasRegularizer ? { biasRegularizer } : {}),
    ...trainable(c),
  });
  return { layer, weights: (w) => ({ kernel: w.take('kernel'), bias: w.take('bias') }) };
}

function conv(rank: 1 | 2) {
  return (c: LayerConfigReader): ConvertedLayer => {
    c.channelsLast();
    c.noConstraints(['kernel_constraint', 'bias_constraint', 'activity_regularizer']);
    c.regularizer('bias_regularizer', false);
    if (c.has('groups') && c.raw('groups') !== 1) throw c.fail('groups', '1', c.raw('groups'));
    const kernelRegularizer = c.regularizer('kernel_regularizer');
    const common = {
      name: c.name,
      filters: c.positiveInteger('filters'),
      padding: c.oneOf('padding', ['valid', 'same'], 'valid'),
      activation: c.activation('activation', 'linear'),
      useBias: c.boolean('use_bias', true),
      ...(kernelRegularizer ? { kernelRegularizer } : {}),
      ...trainable(c),
    };
    const layer =
      rank === 1
        ? new Conv1D({ ...common, kernelSize: c.integers('kernel_size', 1)[0]!, strides: c.integers('strides', 1, 1)[0]!, dilationRate: c.integers('dilation_rate', 1, 1)[0]! })
        : new Conv2D({ ...common, kernelSize: c.integers('kernel_size', 2) as [number, number], strides: c.integers('strides', 2, 1) as [number, number], dilationRate: c.integers('dilation_rate', 2, 1) as [number, number] });
    return { layer, weights: (w) => ({ kernel: w.take('kernel'), bias: w.take('bias') }) };
  };
}

function pooling(rank: 1 | 2, mode: 'max' | 'average') {
  return (c: LayerConfigReader): ConvertedLayer => {
    c.channelsLast();
    const poolSize = c.integers('pool_size', rank, 2);
    // Keras: strides null means strides = pool_size.
    const strides = c.has('strides') ? c.integers('strides', rank) : poolSize;
    const padding = c.oneOf('padding', ['valid', 'same'], 'valid');
    const base = { name: c.name, padding, ...trainable(c) };
    const layer =
      rank === 1
        ? new (mode === 'max' ? MaxPool1D : AvgPool1D)({ ...base, poolSize: poolSize[0]!, strides: strides[0]! })
        : new (mode === 'max' ? MaxPool2D : AvgPool2D)({ ...base, poolSize: poolSize as [number, number], strides: strides as [number, number] });
    return { layer, weights: noWeights };
  };
}

function globalPooling(rank: 1 | 2, mode: 'max' | 'average') {
  return (c: LayerConfigReader, { inputShape }: ConversionContext): ConvertedLayer => {
    c.channelsLast();
    c.unsupported('keepdims', 'false (Loom pools the axes away)');
    if (inputShape.length !== rank + 2) throw c.fail('input shape', `rank ${rank + 2} (batch, ${rank === 1 ? 'steps' : 'height, width'}, channels)`, inputShape);
    return { layer: new GlobalPooling({ name: c.name, mode, ...trainable(c) }), weights: noWeights };
  };
}

function batchNormalization(c: LayerConfigReader, { inputShape }: ConversionContext): ConvertedLayer {
  checkLastAxis(c, inputShape);
  c.noConstraints(['beta_constraint', 'gamma_constraint', 'beta_regularizer', 'gamma_regularizer']);
  c.unsupported('renorm', 'false');
  const layer = new BatchNormalization({
    name: c.name,
    momentum: c.number('momentum', 0.99),
    epsilon: c.number('epsilon', 1e-3),
    center: c.boolean('center', true),
    scale: c.boolean('scale', true),
    ...trainable(c),
  });
  return {
    layer,
    weights: (w) => ({ gamma: w.take('gamma'), beta: w.take('beta'), moving_mean: w.take('moving_mean'), moving_variance: w.take('moving_variance') }),
  };
}

function layerNormalization(c: LayerConfigReader, { inputShape }: ConversionContext): ConvertedLayer {
  checkLastAxis(c, inputShape);
  c.noConstraints(['beta_constraint', 'gamma_constraint', 'beta_regularizer', 'gamma_regularizer']);
  c.unsupported('rms_scaling', 'false (Loom subtracts the mean)');
  const center = c.boolean('center', true);
  const scale = c.boolean('scale', true);
  const features = inputShape[inputShape.length - 1] as number;
  const layer = new LayerNormalization({ name: c.name, epsilon: c.number('epsilon', 1e-3), ...trainable(c) });
  // Loom's LayerNormalization always has gamma and beta; without them Keras computes the same as gamma = 1, beta = 0.
  return {
    layer,
    weights: (w) => ({
      gamma: scale ? w.take('gamma') : constant(`${c.name}/gamma`, features, 1),
      beta: center ? w.take('beta') : constant(`${c.name}/beta`, features, 0),
    }),
  };
}

/** Loom normalises over the last axis; Keras' `axis` may say so as -1, rank-1 or [rank-1]. */
function checkLastAxis(c: LayerConfigReader, inputShape: Shape): void {
  const raw = c.raw('axis') ?? -1;
  const axes = Array.isArray(raw) ? raw : [raw];
  const last = inputShape.length - 1;
  if (!(axes.length === 1 && (axes[0] === -1 || axes[0] === last))) throw c.fail('axis', `-1 or ${last} (the last axis)`, raw);
}

function recurrentLayer(c: LayerConfigReader, context: ConversionContext): { layer: Recurrent; weights: (w: LayerWeightSource, direction?: 'forward' | 'backward') => Record<string, WeightValue | undefined> } {
  for (const field of ['return_state', 'stateful']) c.unsupported(field, 'false');
  c.unsupported('time_major', 'false (Loom recurrent inputs are [batch, time, features])');
  c.unsupported('dropout', '0 (Loom recurrent layers have no input dropout)');
  c.unsupported('recurrent_dropout', '0 (Loom recurrent layers have no recurrent dropout)');
  c.noConstraints(['kernel_constraint', 'recurrent_constraint', 'bias_constraint', 'activity_regularizer', 'kernel_regularizer', 'recurrent_regularizer', 'bias_regularizer']);
  const args = {
    name: c.name,
    units: c.positiveInteger('units'),
    activation: c.activation('activation', 'tanh'),
    returnSequences: c.boolean('return_sequences', false),
    goBackwards: c.boolean('go_backwards', false),
    useBias: c.boolean('use_bias', true),
    ...trainable(c),
  };
  const common = (w: LayerWeightSource, direction?: 'forward' | 'backward') => ({
    kernel: w.take('kernel', direction),
    recurrentKernel: w.take('recurrent_kernel', direction),
  });
  if (c.className === 'SimpleRNN') {
    return { layer: new SimpleRNN(args), weights: (w, d) => ({ ...common(w, d), bias: w.take('bias', d) }) };
  }
  // tfjs-layers and Keras write hard_sigmoid as the default; Loom has no hard sigmoid.
  const recurrentActivation = c.activation('recurrent_activation', 'sigmoid');
  if (c.className === 'LSTM') {
    // Keras, tfjs and Loom all fuse the LSTM gates in the order input, forget, cell, output.
    return { layer: new LSTM({ ...args, recurrentActivation }), weights: (w, d) => ({ ...common(w, d), bias: w.take('bias', d) }) };
  }
  const resetAfter = c.has('reset_after') ? c.boolean('reset_after', true) : context.gruResetAfterDefault;
  if (!resetAfter) {
    throw c.fail(
      'reset_after',
      "true (Loom's GRU applies the reset gate after the recurrent matMul, as Keras does by default; a reset_after=false GRU, the only kind tfjs-layers builds, computes a different function)",
      false,
    );
  }
  return {
    layer: new GRU({ ...args, recurrentActivation }),
    weights: (w, d) => {
      // Keras stores a reset_after GRU's two biases as one [2, 3·units] weight: input bias, then recurrent bias.
      const bias = w.take('bias', d);
      if (bias === undefined) return common(w, d);
      const width = 3 * args.units;
      if (!(bias.shape.length === 2 && bias.shape[0] === 2 && bias.shape[1] === width)) throw c.fail('bias', `shape [2, ${width}]`, bias.shape);
      return {
        ...common(w, d),
        bias: { name: bias.name, shape: [width], values: bias.values.slice(0, width) },
        recurrentBias: { name: bias.name, shape: [width], values: bias.values.slice(width) },
      };
    },
  };
}

function recurrent(c: LayerConfigReader, context: ConversionContext): ConvertedLayer {
  const { layer, weights } = recurrentLayer(c, context);
  return { layer, weights: (w) => weights(w) };
}

function bidirectional(c: LayerConfigReader, context: ConversionContext): ConvertedLayer {
  // Keras' merge_mode null returns the two directions as a list; Loom always concatenates.
  if (c.raw('merge_mode') !== 'concat' && c.raw('merge_mode') !== undefined) throw c.fail('merge_mode', "'concat'", c.raw('merge_mode'));
  c.unsupported('backward_layer', 'null (Loom runs a copy of the forward layer backwards)');
  const inner = c.raw('layer') as { class_name?: unknown; config?: Record<string, unknown> } | undefined;
  const innerClass = typeof inner?.class_name === 'string' ? inner.class_name : undefined;
  if (innerClass === undefined || !['SimpleRNN', 'LSTM', 'GRU'].includes(innerClass) || typeof inner?.config !== 'object') {
    throw c.fail('layer', 'a SimpleRNN, LSTM or GRU layer', innerClass ?? inner ?? null);
  }
  const innerName = typeof inner.config.name === 'string' ? inner.config.name : `${c.name}_layer`;
  const { layer: template, weights } = recurrentLayer(new LayerConfigReader(innerClass, innerName, inner.config), context);
  const layer = new Bidirectional({ name: c.name, layer: template, ...trainable(c) });
  return {
    layer,
    weights: (w) => {
      const prefixed: Record<string, WeightValue | undefined> = {};
      for (const direction of ['forward', 'backward'] as const) {
        for (const [key, value] of Object.entries(weights(w, direction))) prefixed[`${direction}/${key}`] = value;
      }
      return prefixed;
    },
  };
}

/** Element-wise merges have no options beyond the name (and no weights). */
function elementwiseMerge(make: (args: { name: string; trainable?: false }) => Layer): LayerConverter {
  return (c) => ({ layer: make({ name: c.name, ...trainable(c) }), weights: noWeights });
}

function nonZeroInteger(c: LayerConfigReader, field: string, value: unknown): number {
  if (!(Number.isInteger(value) && value !== 0)) throw c.fail(field, 'a non-zero integer (axis 0 is the batch)', value ?? null);
  return value as number;
}

function concatenateLayer(c: LayerConfigReader): ConvertedLayer {
  const axis = nonZeroInteger(c, 'axis', c.raw('axis') ?? -1);
  return { layer: new Concatenate({ name: c.name, axis, ...trainable(c) }), weights: noWeights };
}

function dotLayer(c: LayerConfigReader): ConvertedLayer {
  const raw = c.raw('axes');
  const axes = Array.isArray(raw) && raw.length === 2 ? ([nonZeroInteger(c, 'axes', raw[0]), nonZeroInteger(c, 'axes', raw[1])] as [number, number]) : nonZeroInteger(c, 'axes', raw);
  return { layer: new Dot({ name: c.name, axes, normalize: c.boolean('normalize', false), ...trainable(c) }), weights: noWeights };
}

/**
 * tfjs/Keras class name → converter, for the layers both libraries have.
 *
 * @example
 * const { layer } = LAYER_CONVERTERS.Dense!(new LayerConfigReader('Dense', 'dense_1', { units: 3 }), context);
 */
export const LAYER_CONVERTERS: Record<string, LayerConverter> = {
  Dense: dense,
  Conv1D: /* @__PURE__ */ conv(1),
  Conv2D: /* @__PURE__ */ conv(2),
  MaxPooling1D: /* @__PURE__ */ pooling(1, 'max'),
  MaxPooling2D: /* @__PURE__ */ pooling(2, 'max'),
  AveragePooling1D: /* @__PURE__ */ pooling(1, 'average'),
  AveragePooling2D: /* @__PURE__ */ pooling(2, 'average'),
  GlobalAveragePooling1D: /* @__PURE__ */ globalPooling(1, 'average'),
  GlobalAveragePooling2D: /* @__PURE__ */ globalPooling(2, 'average'),
  GlobalMaxPooling1D: /* @__PURE__ */ globalPooling(1, 'max'),
  GlobalMaxPooling2D: /* @__PURE__ */ globalPooling(2, 'max'),
  Flatten: (c) => {
    c.channelsLast();
    return { layer: new Flatten({ name: c.name, ...trainable(c) }), weights: noWeights };
  },
  Reshape: (c) => {
    const target = c.raw('target_shape');
    if (!(Array.isArray(target) && target.every((d) => Number.isInteger(d) && (d > 0 || d === -1)))) throw c.fail('target_shape', 'positive integers with at most one -1', target ?? null);
    return { layer: new Reshape({ name: c.name, targetShape: target as number[], ...trainable(c) }), weights: noWeights };
  },
  Dropout: (c) => {
    c.unsupported('noise_shape', 'null (Loom drops each value independently)');
    const seed = c.raw('seed');
    return {
      layer: new Dropout({ name: c.name, rate: c.number('rate', 0), ...(Number.isInteger(seed) ? { seed: seed as number } : {}), ...trainable(c) }),
      weights: noWeights,
    };
  },
  Activation: (c) => ({ layer: new Activation({ name: c.name, activation: c.activation('activation', 'linear'), ...trainable(c) }), weights: noWeights }),
  Embedding: (c) => {
    c.noConstraints(['embeddings_constraint', 'activity_regularizer']);
    const embeddingsRegularizer = c.regularizer('embeddings_regularizer');
    const maskZero = c.boolean('mask_zero', false);
    const layer = new Embedding({
      name: c.name,
      inputDim: c.positiveInteger('input_dim'),
      outputDim: c.positiveInteger('output_dim'),
      ...(embeddingsRegularizer ? { embeddingsRegularizer } : {}),
      ...(maskZero ? { maskZero } : {}),
      ...trainable(c),
    });
    return { layer, weights: (w) => ({ embeddings: w.take('embeddings') }) };
  },
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  SimpleRNN: recurrent,
  LSTM: recurrent,
  GRU: recurrent,
  Bidirectional: bidirectional,
  Add: /* @__PURE__ */ elementwiseMerge((args) => new Add(args)),
  Subtract: /* @__PURE__ */ elementwiseMerge((args) => new Subtract(args)),
  Multiply: /* @__PURE__ */ elementwiseMerge((args) => new Multiply(args)),
  Average: /* @__PURE__ */ elementwiseMerge((args) => new Average(args)),
  Maximum: /* @__PURE__ */ elementwiseMerge((args) => new Maximum(args)),
  Minimum: /* @__PURE__ */ elementwiseMerge((args) => new Minimum(args)),
  Concatenate: concatenateLayer,
  Dot: dotLayer,
};
