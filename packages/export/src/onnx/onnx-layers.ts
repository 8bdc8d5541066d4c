import type { Layer, Shape } from '@loom-ml/layers';
import { ExportError, invalidValue } from '../errors.js';
import { LayerConfig } from '../layer-config.js';
import type { GraphNode } from '../model-graph.js';
import { float, int, ints, INT64_MIN, string, strings, type OnnxGraphBuilder } from './onnx-graph-builder.js';
import { ONNX_INT64 } from './onnx-schema.js';

const EXPORTER = 'exportOnnx';

/** A weight's values, row-major. */
export interface WeightValue {
  shape: number[];
  values: Float32Array;
}

/** What a layer's emitter returns: its output value and the layout it is in. */
export interface EmittedValue {
  name: string;
  /** 'last': Loom's own layout (channels last); 'first': channels first (NCHW / NCL), as ONNX Conv and pooling use. */
  layout: 'last' | 'first';
}

/** What an emitter sees of the layer call it writes. */
export interface EmitContext {
  b: OnnxGraphBuilder;
  c: LayerConfig;
  node: GraphNode;
  /** Input `k` in Loom's layout (channels last). */
  last(k?: number): string;
  /** Input `k` channels first (rank >= 3): NCHW for images, NCL for sequences. */
  first(k?: number): string;
  /** Whether input `k` is already channels first (no transpose needed). */
  isFirst(k?: number): boolean;
  dtype(k?: number): 'float32' | 'int32';
  /** The layer's weight `name` (`kernel`, `forward/bias`); every weight must be used. */
  weight(name: string): WeightValue;
  hasWeight(name: string): boolean;
}

type Emitter = (x: EmitContext) => EmittedValue;

const last = (name: string): EmittedValue => ({ name, layout: 'last' });
const first = (name: string): EmittedValue => ({ name, layout: 'first' });

// ---------------------------------------------------------------------------------------------
// Weights rearranged for ONNX (plain loops over row-major arrays).

/** [rows, cols] → [cols, rows]. */
function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/** A conv kernel [...spatial, in, out] (TF layout) → [out, in, ...spatial] (ONNX layout). */
function convKernel({ shape, values }: WeightValue): WeightValue {
  const spatial = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const cin = shape[shape.length - 2]!;
  const cout = shape[shape.length - 1]!;
  const out = new Float32Array(values.length);
  for (let s = 0; s < spatial; s++) {
    for (let i = 0; i < cin; i++) {
      for (let o = 0; o < cout; o++) out[(o * cin + i) * spatial + s] = values[(s * cin + i) * cout + o]!;
    }
  }
  return { shape: [cout, cin, ...shape.slice(0, -2)], values: out };
}

function scaled(values: Float32Array, factor: number): Float32Array {
  return values.map((v) => v * factor);
}

// ---------------------------------------------------------------------------------------------
// Activations.

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'gelu', 'sigmoid', 'tanh', 'softmax', 'leakyRelu', 'elu', 'swish', 'softplus'];

/**
 * Applies a Loom activation to `x`. `channelAxis` is where Loom's last axis is in `x`'s layout
 * (softmax runs along it).
 */
export function applyActivation(b: OnnxGraphBuilder, x: string, activation: string, where: string, prefix: string, channelAxis = -1): string {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return b.op('Relu', [x], {}, `${prefix}/Relu`);
    case 'relu6':
      return b.op('Clip', [x, b.scalar(`${prefix}/zero`, 0), b.scalar(`${prefix}/six`, 6)], {}, `${prefix}/Relu6`);
    case 'sigmoid':
      return b.op('Sigmoid', [x], {}, `${prefix}/Sigmoid`);
    case 'tanh':
      return b.op('Tanh', [x], {}, `${prefix}/Tanh`);
    case 'softmax':
      return b.op('Softmax', [x], { axis: int(channelAxis) }, `${prefix}/Softmax`);
    case 'leakyRelu':
      return b.op('LeakyRelu', [x], { alpha: float(0.2) }, `${prefix}/LeakyRelu`);
    case 'elu':
      return b.op('Elu', [x], { alpha: float(1) }, `${prefix}/Elu`);
    case 'softplus':
      return b.op('Softplus', [x], {}, `${prefix}/Softplus`);
    case 'swish':
      return b.op('Mul', [x, b.op('Sigmoid', [x], {}, `${prefix}/Swish/Sigmoid`)], {}, `${prefix}/Swish`);
    case 'gelu': {
      // Loom's gelu is the tanh approximation (ONNX's Gelu op arrives in opset 20):
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
      const p = `${prefix}/Gelu`;
      const cube = b.op('Mul', [b.op('Mul', [x, x], {}, `${p}/Square`), x], {}, `${p}/Cube`);
      const inner = b.op('Add', [x, b.op('Mul', [cube, b.scalar(`${p}/c`, 0.044715)], {}, `${p}/MulC`)], {}, `${p}/Inner`);
      const t = b.op('Tanh', [b.op('Mul', [inner, b.scalar(`${p}/k`, Math.sqrt(2 / Math.PI))], {}, `${p}/MulK`)], {}, `${p}/Tanh`);
      const half = b.op('Mul', [x, b.scalar(`${p}/half`, 0.5)], {}, `${p}/Half`);
      return b.op('Mul', [half, b.op('Add', [t, b.scalar(`${p}/one`, 1)], {}, `${p}/OnePlus`)], {}, p);
    }
    default:
      throw invalidValue('activation', where, `one of ${ACTIVATIONS.join(', ')}`, activation);
  }
}

// ---------------------------------------------------------------------------------------------
// Layers.

function dense(x: EmitContext): EmittedValue {
  const { b, c, node } = x;
  c.ignore('kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer');
  c.number('units');
  const useBias = c.boolean('useBias', true);
  const kernel = x.weight('kernel');
  const w = b.float(`${c.name}/kernel`, kernel.values, kernel.shape);
  const bias = useBias ? x.weight('bias') : null;
  const input = x.last();
  let y: string;
  if (node.inputShapes[0]!.length === 2) {
    const inputs = bias ? [input, w, b.float(`${c.name}/bias`, bias.values, bias.shape)] : [input, w];
    y = b.op('Gemm', inputs, {}, `${c.name}/Gemm`);
  } else {
    y = b.op('MatMul', [input, w], {}, `${c.name}/MatMul`);
    if (bias) y = b.op('Add', [y, b.float(`${c.name}/bias`, bias.values, bias.shape)], {}, `${c.name}/Add`);
  }
  return last(applyActivation(b, y, c.value('activation', 'linear'), c.where, c.name));
}

/** TF's 'same' padding per spatial axis: the odd extra goes after. [begins..., ends...] as ONNX wants. */
function pads(inputShape: Shape, kernel: number[], strides: number[], dilations: number[], padding: string): number[] {
  const spatial = inputShape.slice(1, -1) as number[];
  if (padding !== 'same') return Array<number>(2 * spatial.length).fill(0);
  const begins: number[] = [];
  const ends: number[] = [];
  spatial.forEach((size, i) => {
    const effective = (kernel[i]! - 1) * dilations[i]! + 1;
    const total = Math.max((Math.ceil(size / strides[i]!) - 1) * strides[i]! + effective - size, 0);
    begins.push(Math.floor(total / 2));
    ends.push(total - Math.floor(total / 2));
  });
  return [...begins, ...ends];
}

function conv(rank: 1 | 2): Emitter {
  return (x) => {
    const { b, c, node } = x;
    c.ignore('kernelInitializer', 'biasInitializer', 'kernelRegularizer');
    c.number('filters');
    const kernelSize = c.tuple('kernelSize', rank, 1);
    const strides = c.tuple('strides', rank, 1);
    const dilations = c.tuple('dilationRate', rank, 1);
    const padding = c.value('padding', 'valid');
    const useBias = c.boolean('useBias', true);
    const kernel = convKernel(x.weight('kernel'));
    const inputs = [x.first(), b.float(`${c.name}/kernel`, kernel.values, kernel.shape)];
    if (useBias) {
      const bias = x.weight('bias');
      inputs.push(b.float(`${c.name}/bias`, bias.values, bias.shape));
    }
    const y = b.op('Conv', inputs, { kernel_shape: ints(kernelSize), strides: ints(strides), dilations: ints(dilations), pads: ints(pads(node.inputShapes[0]!, kernelSize, strides, dilations, padding)) }, `${c.name}/Conv`);
    return first(applyActivation(b, y, c.value('activation', 'linear'), c.where, c.name, 1));
  };
}

function pooling(rank: 1 | 2, mode: 'max' | 'average'): Emitter {
  return (x) => {
    const { b, c, node } = x;
    const poolSize = c.tuple('poolSize', rank, 2);
    const strides = c.tuple('strides', rank, poolSize);
    const padding = c.value('padding', 'valid');
    const attributes = { kernel_shape: ints(poolSize), strides: ints(strides), pads: ints(pads(node.inputShapes[0]!, poolSize, strides, Array<number>(rank).fill(1), padding)) };
    // AveragePool's default count_include_pad=0 divides edge windows by their in-bounds count, as Loom does.
    return first(b.op(mode === 'max' ? 'MaxPool' : 'AveragePool', [x.first()], attributes, `${c.name}/${mode === 'max' ? 'MaxPool' : 'AveragePool'}`));
  };
}

function globalPooling(x: EmitContext): EmittedValue {
  const { b, c, node } = x;
  const mode = c.value<string>('mode', 'average');
  const rank = node.inputShapes[0]!.length;
  if (x.isFirst()) {
    const pooled = b.op(mode === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool', [x.first()], {}, `${c.name}/GlobalPool`);
    return last(b.op('Flatten', [pooled], { axis: int(1) }, `${c.name}/Flatten`));
  }
  const axes = Array.from({ length: rank - 2 }, (_, i) => i + 1);
  // opset 17: ReduceMean and ReduceMax take their axes as an attribute.
  return last(b.op(mode === 'max' ? 'ReduceMax' : 'ReduceMean', [x.last()], { axes: ints(axes), keepdims: int(0) }, `${c.name}/Reduce`));
}

function reshapeTo(x: EmitContext, shape: Shape): EmittedValue {
  const { b, c } = x;
  // 0 copies the batch size from the input: the exported graph keeps a dynamic batch.
  return last(b.op('Reshape', [x.last(), b.int64(`${c.name}/shape`, [0, ...(shape.slice(1) as number[])])], {}, `${c.name}/Reshape`));
}

function embedding(x: EmitContext): EmittedValue {
  const { b, c } = x;
  c.ignore('embeddingsInitializer', 'embeddingsRegularizer');
  c.number('inputDim');
  c.number('outputDim');
  const table = x.weight('embeddings');
  return last(b.op('Gather', [b.float(`${c.name}/embeddings`, table.values, table.shape), ids(x)], { axis: int(0) }, `${c.name}/Gather`));
}

/** The layer's input as Gather indices: float ids (Loom casts them too) become int64. */
function ids(x: EmitContext): string {
  return x.dtype() === 'int32' ? x.last() : x.b.op('Cast', [x.last()], { to: int(ONNX_INT64) }, `${x.c.name}/Cast`);
}

function batchNormalization(x: EmitContext): EmittedValue {
  const { b, c, node } = x;
  c.number('momentum', 0.99);
  const epsilon = c.number('epsilon', 1e-3);
  const center = c.boolean('center', true);
  const scale = c.boolean('scale', true);
  const mean = x.weight('moving_mean');
  const variance = x.weight('moving_variance');
  const channels = mean.shape[0]!;
  const gamma = scale ? x.weight('gamma').values : new Float32Array(channels).fill(1);
  const beta = center ? x.weight('beta').values : new Float32Array(channels);
  const parameters = [
    b.float(`${c.name}/gamma`, gamma, [channels]),
    b.float(`${c.name}/beta`, beta, [channels]),
    b.float(`${c.name}/moving_mean`, mean.values, [channels]),
    b.float(`${c.name}/moving_variance`, variance.values, [channels]),
  ];
  // ONNX normalises axis 1: [batch, channels] as is, higher ranks channels first.
  const rank2 = node.inputShapes[0]!.length === 2;
  const y = b.op('BatchNormalization', [rank2 ? x.last() : x.first(), ...parameters], { epsilon: float(epsilon) }, `${c.name}/BatchNormalization`);
  return rank2 ? last(y) : first(y);
}

function layerNormalization(x: EmitContext): EmittedValue {
  const { b, c } = x;
  const epsilon = c.number('epsilon', 1e-3);
  const gamma = x.weight('gamma');
  const beta = x.weight('beta');
  return last(layerNorm(b, x.last(), gamma, beta, epsilon, c.name));
}

function layerNorm(b: OnnxGraphBuilder, input: string, gamma: WeightValue, beta: WeightValue, epsilon: number, prefix: string): string {
  return b.op('LayerNormalization', [input, b.float(`${prefix}/gamma`, gamma.values, gamma.shape), b.float(`${prefix}/beta`, beta.values, beta.shape)], { axis: int(-1), epsilon: float(epsilon) }, `${prefix}/LayerNormalization`);
}

// ---------------------------------------------------------------------------------------------
// Recurrent layers: ONNX's own RNN / LSTM / GRU ops.

interface RecurrentSpec {
  op: 'RNN' | 'LSTM' | 'GRU';
  /** For each ONNX gate, the Keras gate it is: LSTM iofc ← Keras ifco. */
  gateOrder: number[];
  /** The Loom weights of one direction, gates in Keras order. */
  kernel: WeightValue;
  recurrentKernel: WeightValue;
  bias: Float32Array | null;
  recurrentBias: Float32Array | null;
}

const RECURRENT_ACTIVATIONS: Record<string, string> = { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu' };

function recurrentActivation(c: LayerConfig, field: string, fallback: string): string {
  const name = c.value<string>(field, fallback);
  const onnx = RECURRENT_ACTIVATIONS[name];
  if (onnx === undefined) throw invalidValue(field, c.where, `an activation ONNX recurrent ops take: ${Object.keys(RECURRENT_ACTIVATIONS).join(', ')}`, name);
  return onnx;
}

/** Reorders gate blocks of `width` values along the last axis of a [rows, gates * width] array and transposes it. */
function onnxGateMatrix({ shape, values }: WeightValue, gateOrder: number[], units: number): Float32Array {
  const [rows, cols] = shape as [number, number];
  const reordered = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    gateOrder.forEach((keras, g) => {
      reordered.set(values.subarray(r * cols + keras * units, r * cols + (keras + 1) * units), r * cols + g * units);
    });
  }
  return transpose2d(reordered, rows, cols);
}

function onnxGateVector(values: Float32Array | null, gateOrder: number[], units: number): Float32Array {
  const out = new Float32Array(gateOrder.length * units);
  if (values !== null) gateOrder.forEach((keras, g) => out.set(values.subarray(keras * units, (keras + 1) * units), g * units));
  return out;
}

function concat(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

/** Reverses the time axis (0) of a [time, batch, features] value. */
function reverseTime(b: OnnxGraphBuilder, value: string, prefix: string): string {
  return b.op('Slice', [value, b.int64(`${prefix}/starts`, [-1]), b.int64(`${prefix}/ends`, [INT64_MIN]), b.int64(`${prefix}/axes`, [0]), b.int64(`${prefix}/steps`, [-1])], {}, `${prefix}/Reverse`);
}

/**
 * One ONNX recurrent op over `directions` (1: forward; 2: Loom's Bidirectional, which matches
 * ONNX 'bidirectional': the backward pass's outputs are aligned with the input steps).
 */
function emitRecurrent(x: EmitContext, layer: LayerConfig, specs: RecurrentSpec[], activations: string[], extra: Record<string, ReturnType<typeof int>>): EmittedValue {
  const { b, c, node } = x;
  const units = layer.number('units');
  const returnSequences = layer.boolean('returnSequences', false);
  const goBackwards = layer.boolean('goBackwards', false);
  const [, time, features] = node.inputShapes[0] as [null, number, number];
  const name = c.name;
  const op = specs[0]!.op;
  const gates = specs[0]!.gateOrder.length;
  const W = concat(specs.map((s) => onnxGateMatrix(s.kernel, s.gateOrder, units)));
  const R = concat(specs.map((s) => onnxGateMatrix(s.recurrentKernel, s.gateOrder, units)));
  const B = concat(specs.flatMap((s) => [onnxGateVector(s.bias, s.gateOrder, units), onnxGateVector(s.recurrentBias, s.gateOrder, units)]));
  const directions = specs.length;
  // ONNX recurrent ops read [time, batch, features]; Loom's goBackwards reads the steps last to first.
  let sequence = b.op('Transpose', [x.last()], { perm: ints([1, 0, 2]) }, `${name}/TimeMajor`);
  if (goBackwards) sequence = reverseTime(b, sequence, `${name}/GoBackwards`);
  const inputs = [
    sequence,
    b.float(`${name}/W`, W, [directions, gates * units, features]),
    b.float(`${name}/R`, R, [directions, gates * units, units]),
    b.float(`${name}/B`, B, [directions, 2 * gates * units]),
  ];
  const attributes = { hidden_size: int(units), direction: string(directions === 2 ? 'bidirectional' : 'forward'), activations: strings([...Array(directions)].flatMap(() => activations)), ...extra };
  const [Y, Yh] = b.node(op, inputs, attributes, `${name}/${op}`, returnSequences ? [`${name}/Y`] : [null, `${name}/Y_h`]) as [string, string | undefined];
  if (returnSequences) {
    // Y: [time, directions, batch, units] → [batch, time, directions · units] (forward first, as Loom concatenates).
    const batchFirst = b.op('Transpose', [Y], { perm: ints([2, 0, 1, 3]) }, `${name}/BatchMajor`);
    return last(b.op('Reshape', [batchFirst, b.int64(`${name}/shape`, [0, time, directions * units])], {}, `${name}/Sequence`));
  }
  // Y_h: [directions, batch, units] → [batch, directions · units].
  const batchFirst = directions === 1 ? Yh! : b.op('Transpose', [Yh!], { perm: ints([1, 0, 2]) }, `${name}/BatchMajor`);
  return last(b.op('Reshape', [batchFirst, b.int64(`${name}/shape`, [-1, directions * units])], {}, `${name}/State`));
}

function recurrentSpecs(x: EmitContext, layer: LayerConfig, prefix: string): { spec: RecurrentSpec; activations: string[]; extra: Record<string, ReturnType<typeof int>> } {
  layer.ignore('kernelInitializer', 'recurrentInitializer', 'biasInitializer', 'unitForgetBias');
  const useBias = layer.boolean('useBias', true);
  const kernel = x.weight(`${prefix}kernel`);
  const recurrentKernel = x.weight(`${prefix}recurrentKernel`);
  const bias = useBias ? x.weight(`${prefix}bias`).values : null;
  const act = recurrentActivation(layer, 'activation', 'tanh');
  switch (layer.className) {
    case 'SimpleRNN':
      layer.ignore('recurrentActivation');
      return { spec: { op: 'RNN', gateOrder: [0], kernel, recurrentKernel, bias, recurrentBias: null }, activations: [act], extra: {} };
    case 'LSTM': {
      const gate = recurrentActivation(layer, 'recurrentActivation', 'sigmoid');
      return { spec: { op: 'LSTM', gateOrder: [0, 3, 1, 2], kernel, recurrentKernel, bias, recurrentBias: null }, activations: [gate, act, act], extra: {} };
    }
    case 'GRU': {
      const gate = recurrentActivation(layer, 'recurrentActivation', 'sigmoid');
      const recurrentBias = useBias ? x.weight(`${prefix}recurrentBias`).values : null;
      // Loom's GRU applies the reset gate after the recurrent matMul (Keras' reset_after=True): ONNX linear_before_reset=1.
      return { spec: { op: 'GRU', gateOrder: [0, 1, 2], kernel, recurrentKernel, bias, recurrentBias }, activations: [gate, act], extra: { linear_before_reset: int(1) } };
    }
    default:
      throw invalidValue('layer', x.c.where, 'a SimpleRNN, LSTM or GRU', layer.className);
  }
}

function recurrent(x: EmitContext): EmittedValue {
  const { spec, activations, extra } = recurrentSpecs(x, x.c, '');
  return emitRecurrent(x, x.c, [spec], activations, extra);
}

function bidirectional(x: EmitContext): EmittedValue {
  const { c } = x;
  const inner = (c.layer as unknown as { layer?: Layer }).layer;
  const saved = c.value<{ className?: string; config?: Record<string, unknown> } | null>('layer', null);
  if (inner === undefined || saved === null || typeof saved.config !== 'object') throw invalidValue('layer', c.where, 'a recurrent layer', saved);
  const layer = new LayerConfig(inner, saved.config, EXPORTER);
  const forward = recurrentSpecs(x, layer, 'forward/');
  const backward = recurrentSpecs(x, layer, 'backward/');
  const result = emitRecurrent(x, layer, [forward.spec, backward.spec], forward.activations, forward.extra);
  layer.done();
  return result;
}

// ---------------------------------------------------------------------------------------------
// Attention, decomposed into MatMul / Softmax / Transpose / Reshape.

interface AttentionShape {
  time: number;
  features: number;
  numHeads: number;
  keyDim: number;
}

/** Multi-head self-attention on `input` [batch, time, features]; weights named `${prefix}queryKernel` etc. */
function selfAttention(x: EmitContext, input: string, { time, features, numHeads, keyDim }: AttentionShape, causal: boolean, prefix: string, name: string): string {
  const { b } = x;
  const width = numHeads * keyDim;
  const has = x.hasWeight(`${prefix}queryBias`);
  const take = (weight: string) => x.weight(`${prefix}${weight}`);
  // The 1/sqrt(keyDim) score scale is folded into the query projection.
  const scale = 1 / Math.sqrt(keyDim);
  const kernels = [scaled(take('queryKernel').values, scale), take('keyKernel').values, take('valueKernel').values];
  const biases = has ? [scaled(take('queryBias').values, scale), take('keyBias').values, take('valueBias').values] : null;
  // One [features, 3 · width] projection for query, key and value: rows of the three kernels side by side.
  const qkv = new Float32Array(features * 3 * width);
  for (let r = 0; r < features; r++) kernels.forEach((k, j) => qkv.set(k.subarray(r * width, (r + 1) * width), r * 3 * width + j * width));
  let projected = b.op('MatMul', [input, b.float(`${name}/qkv_kernel`, qkv, [features, 3 * width])], {}, `${name}/QKV`);
  if (biases) projected = b.op('Add', [projected, b.float(`${name}/qkv_bias`, concat(biases), [3 * width])], {}, `${name}/QKVBias`);
  // [batch, time, 3, heads, keyDim] → [3, batch, heads, time, keyDim].
  const heads = b.op('Transpose', [b.op('Reshape', [projected, b.int64(`${name}/qkv_shape`, [0, time, 3, numHeads, keyDim])], {}, `${name}/SplitHeads`)], { perm: ints([2, 0, 3, 1, 4]) }, `${name}/HeadsFirst`);
  const part = (j: number, label: string) => b.op('Gather', [heads, b.int64Scalar(`${name}/${label}_index`, j)], { axis: int(0) }, `${name}/${label}`);
  const query = part(0, 'Query');
  const keyT = b.op('Transpose', [part(1, 'Key')], { perm: ints([0, 1, 3, 2]) }, `${name}/KeyT`);
  const value = part(2, 'Value');
  let scores = b.op('MatMul', [query, keyT], {}, `${name}/Scores`);
  if (causal) {
    const mask = new Float32Array(time * time);
    for (let i = 0; i < time; i++) for (let j = i + 1; j < time; j++) mask[i * time + j] = -1e9;
    scores = b.op('Add', [scores, b.float(`${name}/causal_mask`, mask, [time, time])], {}, `${name}/CausalMask`);
  }
  const weights = b.op('Softmax', [scores], { axis: int(-1) }, `${name}/Softmax`);
  const attended = b.op('MatMul', [weights, value], {}, `${name}/Attend`);
  const merged = b.op('Reshape', [b.op('Transpose', [attended], { perm: ints([0, 2, 1, 3]) }, `${name}/TimeFirst`), b.int64(`${name}/merge_shape`, [0, time, width])], {}, `${name}/MergeHeads`);
  const output = take('outputKernel');
  let y = b.op('MatMul', [merged, b.float(`${name}/output_kernel`, output.values, output.shape)], {}, `${name}/Output`);
  if (has) {
    const bias = take('outputBias');
    y = b.op('Add', [y, b.float(`${name}/output_bias`, bias.values, bias.shape)], {}, `${name}/OutputBias`);
  }
  return y;
}

function attentionShape(x: EmitContext, prefix: string, numHeads: number): AttentionShape {
  const [, time, features] = x.node.inputShapes[0] as [null, number, number];
  const width = x.weight(`${prefix}queryKernel`).shape[1]!;
  return { time, features, numHeads, keyDim: width / numHeads };
}

function multiHeadAttention(x: EmitContext): EmittedValue {
  const { c } = x;
  c.ignore('kernelInitializer', 'keyDim', 'useBias');
  const numHeads = c.number('numHeads');
  // `useCausalMask` (Keras' name); layers before it wrote `causal`.
  const causal = c.boolean('useCausalMask', false) || c.boolean('causal', false);
  return last(selfAttention(x, x.last(), attentionShape(x, '', numHeads), causal, '', c.name));
}

function transformerEncoder(x: EmitContext): EmittedValue {
  const { b, c } = x;
  c.ignore('kernelInitializer', 'keyDim', 'dropout', 'seed');
  const numHeads = c.number('numHeads');
  c.number('feedForwardDim');
  const causal = c.boolean('causal', false);
  const epsilon = c.number('epsilon', 1e-5);
  const activation = c.value<string>('activation', 'relu');
  const input = x.last();
  const attended = selfAttention(x, input, attentionShape(x, 'attention/', numHeads), causal, 'attention/', `${c.name}/attention`);
  const a = layerNorm(b, b.op('Add', [input, attended], {}, `${c.name}/AttentionResidual`), x.weight('attentionNorm/gamma'), x.weight('attentionNorm/beta'), epsilon, `${c.name}/attentionNorm`);
  const [k1, c1, k2, c2] = ['kernel1', 'bias1', 'kernel2', 'bias2'].map((n) => x.weight(`feedForward/${n}`)) as [WeightValue, WeightValue, WeightValue, WeightValue];
  const p = `${c.name}/feedForward`;
  const hidden = applyActivation(b, b.op('Add', [b.op('MatMul', [a, b.float(`${p}/kernel1`, k1.values, k1.shape)], {}, `${p}/MatMul1`), b.float(`${p}/bias1`, c1.values, c1.shape)], {}, `${p}/Add1`), activation, c.where, p);
  const ffn = b.op('Add', [b.op('MatMul', [hidden, b.float(`${p}/kernel2`, k2.values, k2.shape)], {}, `${p}/MatMul2`), b.float(`${p}/bias2`, c2.values, c2.shape)], {}, `${p}/Add2`);
  return last(layerNorm(b, b.op('Add', [a, ffn], {}, `${c.name}/OutputResidual`), x.weight('outputNorm/gamma'), x.weight('outputNorm/beta'), epsilon, `${c.name}/outputNorm`));
}

function positionalEmbedding(x: EmitContext): EmittedValue {
  const { b, c, node } = x;
  c.ignore('embeddingsInitializer');
  c.number('inputDim');
  c.number('sequenceLength');
  const outputDim = c.number('outputDim');
  const time = node.inputShapes[0]![1] as number;
  const tokens = x.weight('tokenEmbeddings');
  const positions = x.weight('positionEmbeddings');
  const gathered = b.op('Gather', [b.float(`${c.name}/token_embeddings`, tokens.values, tokens.shape), ids(x)], { axis: int(0) }, `${c.name}/Gather`);
  // Only the first `time` positions are ever added: the initializer holds just those rows.
  return last(b.op('Add', [gathered, b.float(`${c.name}/position_embeddings`, positions.values.slice(0, time * outputDim), [time, outputDim])], {}, `${c.name}/AddPositions`));
}

// ---------------------------------------------------------------------------------------------
// Merge layers.

function variadic(op: string): Emitter {
  return (x) => {
    const inputs = x.node.inputs.map((_, k) => x.last(k));
    return last(x.b.op(op, inputs, {}, `${x.c.name}/${op}`));
  };
}

function chain(op: string): Emitter {
  return (x) => {
    const inputs = x.node.inputs.map((_, k) => x.last(k));
    return last(inputs.slice(1).reduce((acc, input) => x.b.op(op, [acc, input], {}, `${x.c.name}/${op}`), inputs[0]!));
  };
}

function concatenate(x: EmitContext): EmittedValue {
  return last(x.b.op('Concat', x.node.inputs.map((_, k) => x.last(k)), { axis: int(x.c.value('axis', -1)) }, `${x.c.name}/Concat`));
}

function dot(x: EmitContext): EmittedValue {
  const { b, c, node } = x;
  const rank = node.inputShapes[0]!.length;
  const raw = c.value<number | [number, number]>('axes', 1);
  const [axisA, axisB] = (Array.isArray(raw) ? raw : [raw, raw]).map((a) => (a < 0 ? rank + a : a)) as [number, number];
  const normalize = c.boolean('normalize', false);
  const l2 = (value: string, axis: number, label: string) => {
    const p = `${c.name}/Normalize${label}`;
    const squares = b.op('ReduceSum', [b.op('Mul', [value, value], {}, `${p}/Square`), b.int64(`${p}/axes`, [axis])], { keepdims: int(1) }, `${p}/SumSquares`);
    // Keras' floor on the squared norm: a zero vector gives 0, not NaN.
    const norm = b.op('Sqrt', [b.op('Max', [squares, b.scalar(`${p}/floor`, 1e-12)], {}, `${p}/Floor`)], {}, `${p}/Norm`);
    return b.op('Div', [value, norm], {}, p);
  };
  let a = x.last(0);
  let bb = x.last(1);
  if (normalize) {
    a = l2(a, axisA, 'A');
    bb = l2(bb, axisB, 'B');
  }
  if (rank === 2) {
    return last(b.op('ReduceSum', [b.op('Mul', [a, bb], {}, `${c.name}/Mul`), b.int64(`${c.name}/axes`, [1])], { keepdims: int(1) }, `${c.name}/Sum`));
  }
  const left = axisA === 2 ? a : b.op('Transpose', [a], { perm: ints([0, 2, 1]) }, `${c.name}/TransposeA`);
  const right = axisB === 1 ? bb : b.op('Transpose', [bb], { perm: ints([0, 2, 1]) }, `${c.name}/TransposeB`);
  return last(b.op('MatMul', [left, right], {}, `${c.name}/MatMul`));
}

/** Each Loom layer class → how it is written as ONNX ops. */
export const ONNX_EMITTERS: Record<string, Emitter> = {
  Dense: dense,
  Conv1D: /* @__PURE__ */ conv(1),
  Conv2D: /* @__PURE__ */ conv(2),
  MaxPool1D: /* @__PURE__ */ pooling(1, 'max'),
  AvgPool1D: /* @__PURE__ */ pooling(1, 'average'),
  MaxPool2D: /* @__PURE__ */ pooling(2, 'max'),
  AvgPool2D: /* @__PURE__ */ pooling(2, 'average'),
  GlobalPooling: globalPooling,
  Flatten: (x) => last(x.b.op('Flatten', [x.last()], { axis: int(1) }, `${x.c.name}/Flatten`)),
  Reshape: (x) => {
    x.c.ignore('targetShape');
    return reshapeTo(x, x.node.outputShape);
  },
  // Inference: dropout passes its input through.
  Dropout: (x) => {
    x.c.ignore('rate', 'seed');
    return x.isFirst() ? first(x.first()) : last(x.last());
  },
  Activation: (x) => (x.isFirst() ? first(applyActivation(x.b, x.first(), x.c.value('activation', 'linear'), x.c.where, x.c.name, 1)) : last(applyActivation(x.b, x.last(), x.c.value('activation', 'linear'), x.c.where, x.c.name))),
  Embedding: embedding,
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  SimpleRNN: recurrent,
  LSTM: recurrent,
  GRU: recurrent,
  Bidirectional: bidirectional,
  MultiHeadAttention: multiHeadAttention,
  TransformerEncoder: transformerEncoder,
  PositionalEmbedding: positionalEmbedding,
  Add: /* @__PURE__ */ variadic('Sum'),
  Average: /* @__PURE__ */ variadic('Mean'),
  Maximum: /* @__PURE__ */ variadic('Max'),
  Minimum: /* @__PURE__ */ variadic('Min'),
  Multiply: /* @__PURE__ */ chain('Mul'),
  Subtract: /* @__PURE__ */ chain('Sub'),
  Concatenate: concatenate,
  Dot: dot,
};

export function unknownLayer(layer: Layer): ExportError {
  return new ExportError(`${EXPORTER} cannot write ${layer.describe()}: it has no ONNX counterpart that Loom knows of. Layers it can write: ${Object.keys(ONNX_EMITTERS).join(', ')}.`);
}
