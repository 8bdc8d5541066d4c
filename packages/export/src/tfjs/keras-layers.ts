import type { InitializerConfig, Layer, RegularizerConfig, Shape } from '@loom-ml/layers';
import { ExportError, invalidValue } from '../errors.js';
import { LayerConfig } from '../layer-config.js';

/** A layer in Keras' JSON form, and the Loom weight each Keras weight name takes its value from. */
export interface KerasLayer {
  className: string;
  config: Record<string, unknown>;
  /** Keras weight name inside the layer (`kernel`, `forward_lstm_1/bias`) → Loom weight name (`kernel`, `forward/bias`). */
  weights: [keras: string, loom: string][];
}

type Converter = (c: LayerConfig, inputShapes: Shape[]) => KerasLayer;

const EXPORTER = 'exportTfjsModel';

/** Loom activation → the tfjs-layers / Keras activation computing the same function. */
const ACTIVATIONS: Record<string, string> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  elu: 'elu',
  softplus: 'softplus',
  swish: 'swish',
};

function activation(c: LayerConfig, field: string, fallback: string): string {
  const name = c.value<string>(field, fallback);
  const keras = ACTIVATIONS[name];
  if (keras === undefined) {
    const hints: Record<string, string> = {
      leakyRelu: ' (tfjs-layers has LeakyReLU only as a layer; export to ONNX instead)',
      // Loom's gelu is the tanh approximation, tfjs' GeluNew, which tfjs-layers 4.22 cannot load
      // from JSON (it looks 'gelu_new' up as 'geluNew'); its 'gelu' uses erf.
      gelu: " (Loom's gelu is the tanh approximation; tfjs-layers 4.22 cannot load its 'gelu_new' from a model.json; export to ONNX instead)",
    };
    const hint = hints[name] ?? '';
    throw invalidValue(field, c.where, `an activation tfjs-layers computes identically: ${Object.keys(ACTIVATIONS).join(', ')}${hint}`, name);
  }
  return keras;
}

const INITIALIZERS: Record<string, string> = {
  zeros: 'Zeros',
  ones: 'Ones',
  glorotUniform: 'GlorotUniform',
  glorotNormal: 'GlorotNormal',
  heUniform: 'HeUniform',
  heNormal: 'HeNormal',
  lecunNormal: 'LeCunNormal',
  // tfjs-layers runs a loaded layer's initializers before it assigns the saved weights, and its
  // Orthogonal initializer needs tfjs' chained ops (registered by @tensorflow/tfjs, not by
  // tfjs-core alone) and a QR decomposition in JavaScript: the file says GlorotUniform, which
  // loads everywhere. The saved weights replace either.
  orthogonal: 'GlorotUniform',
  randomNormal: 'RandomNormal',
};

/** The Keras initializer for a Loom one (used only if the model is trained again after loading). */
function initializer(c: LayerConfig, field: string, fallback: InitializerConfig): Record<string, unknown> {
  const value = c.value<InitializerConfig>(field, fallback);
  const spec = typeof value === 'string' ? { name: value } : value;
  const className = INITIALIZERS[spec.name];
  if (className === undefined) throw invalidValue(field, c.where, `one of ${Object.keys(INITIALIZERS).join(', ')}`, value);
  const seed = spec.seed ?? null;
  switch (spec.name) {
    case 'zeros':
    case 'ones':
      return { class_name: className, config: {} };
    case 'randomNormal':
      return { class_name: className, config: { mean: 0, stddev: spec.stddev ?? 0.05, seed } };
    default:
      return { class_name: className, config: { seed } };
  }
}

function regularizer(c: LayerConfig, field: string): Record<string, unknown> | null {
  const value = c.value<RegularizerConfig | null>(field, null);
  if (value === null) return null;
  return { class_name: 'L1L2', config: { l1: value.l1 ?? 0, l2: value.l2 ?? 0 } };
}

const NO_CONSTRAINTS = { activity_regularizer: null, kernel_constraint: null, bias_constraint: null };

function dense(c: LayerConfig): KerasLayer {
  const useBias = c.boolean('useBias', true);
  const config = {
    units: c.number('units'),
    activation: activation(c, 'activation', 'linear'),
    use_bias: useBias,
    kernel_initializer: initializer(c, 'kernelInitializer', 'glorotUniform'),
    bias_initializer: initializer(c, 'biasInitializer', 'zeros'),
    kernel_regularizer: regularizer(c, 'kernelRegularizer'),
    bias_regularizer: regularizer(c, 'biasRegularizer'),
    ...NO_CONSTRAINTS,
  };
  return { className: 'Dense', config, weights: useBias ? [['kernel', 'kernel'], ['bias', 'bias']] : [['kernel', 'kernel']] };
}

function conv(rank: 1 | 2): Converter {
  return (c) => {
    const useBias = c.boolean('useBias', true);
    const config = {
      filters: c.number('filters'),
      kernel_size: c.tuple('kernelSize', rank, 1),
      strides: c.tuple('strides', rank, 1),
      padding: c.value('padding', 'valid'),
      data_format: 'channels_last',
      dilation_rate: c.tuple('dilationRate', rank, 1),
      activation: activation(c, 'activation', 'linear'),
      use_bias: useBias,
      kernel_initializer: initializer(c, 'kernelInitializer', 'glorotUniform'),
      bias_initializer: initializer(c, 'biasInitializer', 'zeros'),
      kernel_regularizer: regularizer(c, 'kernelRegularizer'),
      bias_regularizer: null,
      ...NO_CONSTRAINTS,
    };
    return { className: rank === 1 ? 'Conv1D' : 'Conv2D', config, weights: useBias ? [['kernel', 'kernel'], ['bias', 'bias']] : [['kernel', 'kernel']] };
  };
}

function pooling(rank: 1 | 2, className: string): Converter {
  return (c) => {
    const poolSize = c.tuple('poolSize', rank, 2);
    const config = { pool_size: poolSize, strides: c.tuple('strides', rank, poolSize), padding: c.value('padding', 'valid'), data_format: 'channels_last' };
    return { className, config, weights: [] };
  };
}

function globalPooling(c: LayerConfig, [shape]: Shape[]): KerasLayer {
  const mode = c.value<string>('mode', 'average');
  const rank = shape!.length;
  if (rank !== 3 && rank !== 4) {
    throw new ExportError(`${EXPORTER} cannot write ${c.layer.describe()} on inputs of rank ${rank}: tfjs-layers has global pooling over 1 or 2 axes only (inputs of rank 3 or 4).`);
  }
  const className = `Global${mode === 'max' ? 'Max' : 'Average'}Pooling${rank - 2}D`;
  return { className, config: { data_format: 'channels_last' }, weights: [] };
}

function embedding(c: LayerConfig): KerasLayer {
  const config = {
    input_dim: c.number('inputDim'),
    output_dim: c.number('outputDim'),
    embeddings_initializer: initializer(c, 'embeddingsInitializer', { name: 'randomNormal', stddev: 0.05 }),
    embeddings_regularizer: regularizer(c, 'embeddingsRegularizer'),
    activity_regularizer: null,
    embeddings_constraint: null,
    mask_zero: false,
    input_length: null,
  };
  return { className: 'Embedding', config, weights: [['embeddings', 'embeddings']] };
}

function batchNormalization(c: LayerConfig): KerasLayer {
  const center = c.boolean('center', true);
  const scale = c.boolean('scale', true);
  const config = {
    axis: -1,
    momentum: c.number('momentum', 0.99),
    epsilon: c.number('epsilon', 1e-3),
    center,
    scale,
    beta_initializer: { class_name: 'Zeros', config: {} },
    gamma_initializer: { class_name: 'Ones', config: {} },
    moving_mean_initializer: { class_name: 'Zeros', config: {} },
    moving_variance_initializer: { class_name: 'Ones', config: {} },
    beta_regularizer: null,
    gamma_regularizer: null,
    beta_constraint: null,
    gamma_constraint: null,
  };
  const weights: [string, string][] = [];
  if (scale) weights.push(['gamma', 'gamma']);
  if (center) weights.push(['beta', 'beta']);
  weights.push(['moving_mean', 'moving_mean'], ['moving_variance', 'moving_variance']);
  return { className: 'BatchNormalization', config, weights };
}

function layerNormalization(c: LayerConfig, [shape]: Shape[]): KerasLayer {
  const config = {
    // tfjs-layers reads a LayerNormalization axis as a list of non-negative axes.
    axis: [shape!.length - 1],
    epsilon: c.number('epsilon', 1e-3),
    center: true,
    scale: true,
    beta_initializer: { class_name: 'Zeros', config: {} },
    gamma_initializer: { class_name: 'Ones', config: {} },
    beta_regularizer: null,
    gamma_regularizer: null,
  };
  return { className: 'LayerNormalization', config, weights: [['gamma', 'gamma'], ['beta', 'beta']] };
}

/** SimpleRNN and LSTM (tfjs-layers' GRU computes a different function: see the GRU entry). */
function recurrent(c: LayerConfig): KerasLayer {
  const useBias = c.boolean('useBias', true);
  const config: Record<string, unknown> = {
    units: c.number('units'),
    activation: activation(c, 'activation', 'tanh'),
    use_bias: useBias,
    kernel_initializer: initializer(c, 'kernelInitializer', 'glorotUniform'),
    recurrent_initializer: initializer(c, 'recurrentInitializer', 'orthogonal'),
    bias_initializer: initializer(c, 'biasInitializer', 'zeros'),
    kernel_regularizer: null,
    recurrent_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    recurrent_constraint: null,
    bias_constraint: null,
    dropout: 0,
    recurrent_dropout: 0,
    return_sequences: c.boolean('returnSequences', false),
    return_state: false,
    go_backwards: c.boolean('goBackwards', false),
    stateful: false,
    unroll: false,
  };
  if (c.className === 'LSTM') {
    config.recurrent_activation = activation(c, 'recurrentActivation', 'sigmoid');
    config.unit_forget_bias = c.boolean('unitForgetBias', true);
    config.implementation = 1;
  } else {
    // Loom's SimpleRNN records a recurrentActivation it never uses.
    c.ignore('recurrentActivation');
  }
  const weights: [string, string][] = [['kernel', 'kernel'], ['recurrent_kernel', 'recurrentKernel']];
  if (useBias) weights.push(['bias', 'bias']);
  return { className: c.className, config: { name: c.name, trainable: c.layer.trainable, ...config }, weights };
}

function gru(c: LayerConfig): KerasLayer {
  throw new ExportError(
    `${EXPORTER} cannot write ${c.layer.describe()}: tfjs-layers' GRU only has reset_after=false, which computes a different function from Loom's GRU (Keras' default reset_after=true). Export the model to ONNX (exportOnnx), or use an LSTM for a tfjs model.`,
  );
}

function bidirectional(c: LayerConfig): KerasLayer {
  const inner = (c.layer as unknown as { layer?: Layer }).layer;
  const saved = c.value<{ className?: string; config?: Record<string, unknown> } | null>('layer', null);
  if (inner === undefined || saved === null || typeof saved.config !== 'object') throw invalidValue('layer', c.where, 'a recurrent layer', saved);
  const innerConfig = new LayerConfig(inner, saved.config, EXPORTER);
  const converted = (saved.className === 'GRU' ? gru : recurrent)(innerConfig);
  innerConfig.done();
  const weights: [string, string][] = [];
  for (const direction of ['forward', 'backward']) {
    for (const [keras, loom] of converted.weights) weights.push([`${direction}_${inner.name}/${keras}`, `${direction}/${loom}`]);
  }
  return { className: 'Bidirectional', config: { layer: { class_name: converted.className, config: converted.config }, merge_mode: 'concat' }, weights };
}

/** Each Loom layer class → its Keras counterpart. */
export const KERAS_CONVERTERS: Record<string, Converter> = {
  Dense: dense,
  Conv1D: /* @__PURE__ */ conv(1),
  Conv2D: /* @__PURE__ */ conv(2),
  MaxPool1D: /* @__PURE__ */ pooling(1, 'MaxPooling1D'),
  AvgPool1D: /* @__PURE__ */ pooling(1, 'AveragePooling1D'),
  MaxPool2D: /* @__PURE__ */ pooling(2, 'MaxPooling2D'),
  AvgPool2D: /* @__PURE__ */ pooling(2, 'AveragePooling2D'),
  GlobalPooling: globalPooling,
  Flatten: () => ({ className: 'Flatten', config: { data_format: 'channels_last' }, weights: [] }),
  // The resolved shape, no -1: tfjs-layers loses the size of a -1 dimension for the next layer.
  Reshape: (c, [shape]) => {
    c.ignore('targetShape');
    return { className: 'Reshape', config: { target_shape: c.layer.computeOutputShape(shape!).slice(1) }, weights: [] };
  },
  Dropout: (c) => ({ className: 'Dropout', config: { rate: c.number('rate', 0), noise_shape: null, seed: c.value('seed', null) }, weights: [] }),
  Activation: (c) => ({ className: 'Activation', config: { activation: activation(c, 'activation', 'linear') }, weights: [] }),
  Embedding: embedding,
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  SimpleRNN: recurrent,
  LSTM: recurrent,
  GRU: gru,
  Bidirectional: bidirectional,
  Add: () => ({ className: 'Add', config: {}, weights: [] }),
  Multiply: () => ({ className: 'Multiply', config: {}, weights: [] }),
  Average: () => ({ className: 'Average', config: {}, weights: [] }),
  Maximum: () => ({ className: 'Maximum', config: {}, weights: [] }),
  Minimum: () => ({ className: 'Minimum', config: {}, weights: [] }),
  Concatenate: (c) => ({ className: 'Concatenate', config: { axis: c.value('axis', -1) }, weights: [] }),
  Dot: (c) => ({ className: 'Dot', config: { axes: c.value('axes', 1), normalize: c.boolean('normalize', false) }, weights: [] }),
};

/** Layers with no tfjs-layers counterpart, and what to do instead. */
export const NO_KERAS_EQUIVALENT: Record<string, string> = {
  MultiHeadAttention: 'tfjs-layers 4.22 has no MultiHeadAttention layer',
  TransformerEncoder: 'tfjs-layers 4.22 has no attention layers to build it from',
  PositionalEmbedding: 'tfjs-layers 4.22 has no layer adding learned position embeddings',
  Subtract: 'tfjs-layers 4.22 has no Subtract layer (Keras has one; tfjs-layers cannot load it)',
};
