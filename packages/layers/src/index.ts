// Public API of @loom-ml/layers: an explicit list of named re-exports.
export { LoomError, LayersError } from './errors.js';
export { Layer } from './core/layer.js';
export type { LayerArgs, LayerWeight, CallOptions } from './core/layer.js';
export type { Shape } from './core/shape.js';
export { getActivation, ACTIVATION_NAMES } from './core/activations.js';
export { useFusedKernels } from './core/fused-kernels.js';
export type { ActivationName, ActivationFn } from './core/activations.js';
export {
  initialize,
  fans,
  glorotUniform,
  glorotNormal,
  heUniform,
  heNormal,
  lecunNormal,
  orthogonal,
  randomNormal,
  zeros,
  ones,
} from './core/initializers.js';
export type { InitializerName, InitializerConfig, InitializerOptions } from './core/initializers.js';
// Seeds every unseeded initializer and dropout mask that follows (Keras' set_random_seed).
export { setSeed } from '@loom-ml/core';
export { l1, l2, l1l2 } from './core/regularizers.js';
export type { RegularizerConfig } from './core/regularizers.js';
export { Dense, dense } from './core/layers/dense.js';
export type { DenseArgs } from './core/layers/dense.js';
export { Conv1D, conv1d } from './core/layers/conv1d.js';
export type { Conv1DArgs } from './core/layers/conv1d.js';
export { Conv2D, conv2d } from './core/layers/conv2d.js';
export type { Conv2DArgs } from './core/layers/conv2d.js';
export { MaxPool2D, AvgPool2D, GlobalPooling, maxPool2d, avgPool2d, globalAveragePooling, globalMaxPooling } from './core/layers/pooling.js';
export type { Pool2DArgs, GlobalPoolArgs } from './core/layers/pooling.js';
export { MaxPool1D, AvgPool1D, maxPool1d, avgPool1d } from './core/layers/pool1d.js';
export type { Pool1DArgs } from './core/layers/pool1d.js';
export { Flatten, Reshape, flatten, reshape } from './core/layers/reshaping.js';
export type { ReshapeArgs } from './core/layers/reshaping.js';
export { Dropout, Activation, dropout, activation } from './core/layers/dropout.js';
export type { DropoutArgs, ActivationArgs } from './core/layers/dropout.js';
export { Embedding, embedding } from './core/layers/embedding.js';
export type { EmbeddingArgs } from './core/layers/embedding.js';
export { BatchNormalization, LayerNormalization, batchNormalization, layerNormalization } from './normalization/batch-normalization.js';
export type { BatchNormalizationArgs, LayerNormalizationArgs } from './normalization/batch-normalization.js';
export { Recurrent } from './recurrent/recurrent.js';
export type { RecurrentArgs, RecurrentWeights, RecurrentWeightSpec } from './recurrent/recurrent.js';
export { SimpleRNN, simpleRnn } from './recurrent/simple-rnn.js';
export type { SimpleRNNArgs } from './recurrent/simple-rnn.js';
export { LSTM, lstm } from './recurrent/lstm.js';
export type { LSTMArgs } from './recurrent/lstm.js';
export { GRU, gru } from './recurrent/gru.js';
export type { GRUArgs } from './recurrent/gru.js';
export { Bidirectional, bidirectional } from './recurrent/bidirectional.js';
export type { BidirectionalArgs, RecurrentLayerSpec } from './recurrent/bidirectional.js';
export { MultiHeadAttention, multiHeadAttention } from './attention/multi-head-attention.js';
export type { MultiHeadAttentionArgs, MultiHeadAttentionCallOptions } from './attention/multi-head-attention.js';
export { PositionalEmbedding, positionalEmbedding, TokenAndPositionEmbedding, tokenAndPositionEmbedding } from './attention/positional-embedding.js';
export type { PositionalEmbeddingArgs, TokenAndPositionEmbeddingArgs } from './attention/positional-embedding.js';
export { TransformerDecoder, transformerDecoder } from './attention/transformer-decoder.js';
export type { TransformerDecoderArgs, TransformerDecoderCallOptions } from './attention/transformer-decoder.js';
export { TiedLogits, tiedLogits } from './attention/tied-logits.js';
export type { TiedLogitsArgs } from './attention/tied-logits.js';
export { generate, Generation } from './generation/generate.js';
export type { GenerateOptions } from './generation/generate.js';
export { DecodeCache } from './generation/decode-cache.js';
export { TransformerEncoder, transformerEncoder } from './attention/transformer-encoder.js';
export type { TransformerEncoderArgs, TransformerEncoderCallOptions } from './attention/transformer-encoder.js';
export { Merge, Add, Subtract, Multiply, Average, Maximum, Minimum, add, subtract, multiply, average, maximum, minimum } from './core/layers/merge.js';
export { Concatenate, concatenate } from './core/layers/merge-concatenate.js';
export type { ConcatenateArgs } from './core/layers/merge-concatenate.js';
export { Dot, dot } from './core/layers/merge-dot.js';
export type { DotArgs } from './core/layers/merge-dot.js';
export { Sequential, sequential } from './model/sequential.js';
export type { SequentialOptions } from './model/sequential.js';
export type { Model, ModelConfig } from './model/model.js';
export { SymbolicTensor, input } from './functional/symbolic-tensor.js';
export type { InputOptions, InputDtype } from './functional/symbolic-tensor.js';
export { FunctionalModel, model } from './functional/functional-model.js';
export type { FunctionalModelOptions, FunctionalGraphConfig } from './functional/functional-model.js';
export type { TensorReference } from './functional/graph.js';
export { serializeModel, deserializeModel, modelFromArtifacts } from './serialization/portable.js';
export type { LoadOptions, ModelArtifactsHeader, SaveOptions, WeightSpec, WeightStorage } from './serialization/portable.js';
export { saveModel, loadModel } from './serialization/storage.js';
export type { LoadModelOptions } from './serialization/storage.js';
export { DEFAULT_LIMITS } from './serialization/limits.js';
export { layerFromConfig } from './serialization/registry.js';
export type { LayerFactory } from './serialization/registry.js';
export { importTfjsModel } from './tfjs-import/import-tfjs-model.js';
export type { ImportTfjsOptions } from './tfjs-import/import-tfjs-model.js';
export type { TfjsModelArtifacts } from './tfjs-import/tfjs-artifacts.js';
export type { TfjsWeightSpec } from './tfjs-import/tfjs-weights.js';
