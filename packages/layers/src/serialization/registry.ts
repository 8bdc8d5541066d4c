import { invalidValue, LayersError } from '../errors.js';
import { Layer } from '../core/layer.js';
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
import { MultiHeadAttention } from '../attention/multi-head-attention.js';
import { PositionalEmbedding, TokenAndPositionEmbedding } from '../attention/positional-embedding.js';
import { TransformerEncoder } from '../attention/transformer-encoder.js';
import { TransformerDecoder } from '../attention/transformer-decoder.js';
import { TiedLogits } from '../attention/tied-logits.js';
import { Bidirectional } from '../recurrent/bidirectional.js';
import { GRU } from '../recurrent/gru.js';
import { LSTM } from '../recurrent/lstm.js';
import { SimpleRNN } from '../recurrent/simple-rnn.js';
import { BatchNormalization, LayerNormalization } from '../normalization/batch-normalization.js';

/**
 * Re-creates a layer from its saved config: how a model loader (`LoadOptions.customLayers`,
 * `functionalFromConfig`) builds a layer class this package does not define.
 */
export type LayerFactory = (config: Record<string, unknown>) => Layer;

// A plain table, not a side-effect registration: importing a layer registers nothing.
const builtIn: Record<string, LayerFactory> = {
  Dense: (c) => new Dense(c as never),
  Conv1D: (c) => new Conv1D(c as never),
  Conv2D: (c) => new Conv2D(c as never),
  MaxPool2D: (c) => new MaxPool2D(c as never),
  AvgPool2D: (c) => new AvgPool2D(c as never),
  MaxPool1D: (c) => new MaxPool1D(c as never),
  AvgPool1D: (c) => new AvgPool1D(c as never),
  GlobalPooling: (c) => new GlobalPooling(c as never),
  Flatten: (c) => new Flatten(c as never),
  Reshape: (c) => new Reshape(c as never),
  Dropout: (c) => new Dropout(c as never),
  Activation: (c) => new Activation(c as never),
  Embedding: (c) => new Embedding(c as never),
  BatchNormalization: (c) => new BatchNormalization(c as never),
  LayerNormalization: (c) => new LayerNormalization(c as never),
  SimpleRNN: (c) => new SimpleRNN(c as never),
  LSTM: (c) => new LSTM(c as never),
  GRU: (c) => new GRU(c as never),
  Bidirectional: (c) => new Bidirectional(c as never),
  MultiHeadAttention: (c) => new MultiHeadAttention(c as never),
  PositionalEmbedding: (c) => new PositionalEmbedding(c as never),
  TransformerEncoder: (c) => new TransformerEncoder(c as never),
  TransformerDecoder: (c) => new TransformerDecoder(c as never),
  TokenAndPositionEmbedding: (c) => new TokenAndPositionEmbedding(c as never),
  TiedLogits: (c) => new TiedLogits(c as never),
  Add: (c) => new Add(c as never),
  Subtract: (c) => new Subtract(c as never),
  Multiply: (c) => new Multiply(c as never),
  Average: (c) => new Average(c as never),
  Maximum: (c) => new Maximum(c as never),
  Minimum: (c) => new Minimum(c as never),
  Concatenate: (c) => new Concatenate(c as never),
  Dot: (c) => new Dot(c as never),
};

/**
 * Re-creates a layer from its saved class name and config. Layers outside this package are
 * found in `custom` (class name → factory). `where` names the place in a saved model for
 * error messages (`model.layers[2] of the saved model`).
 */
export function layerFromConfig(className: string, config: Record<string, unknown>, custom: Record<string, LayerFactory> = {}, where = 'a saved model'): Layer {
  // Own properties only: 'constructor' or '__proto__' must not find Object's.
  const factory = typeof className !== 'string' ? undefined : custom !== null && Object.hasOwn(custom, className) ? custom[className] : Object.hasOwn(builtIn, className) ? builtIn[className] : undefined;
  if (factory === undefined) {
    throw new LayersError(`Unknown layer class ${typeof className === 'string' ? `'${className.slice(0, 80)}'` : String(className)} in ${where}. Known: ${Object.keys(builtIn).join(', ')}. Pass a factory for custom layers in options.customLayers.`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw invalidValue('config', `${className} in ${where}`, 'an object of layer options', config ?? null);
  const layer = factory(config);
  if (!(layer instanceof Layer)) throw invalidValue('customLayers', `${className} in ${where}`, 'a factory that returns a Layer', layer);
  return layer;
}
