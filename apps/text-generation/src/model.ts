import { prefixBroadcast } from './condition.js';
import { dense, layerNormalization, sequential, tiedLogits, tokenAndPositionEmbedding, transformerDecoder, type Sequential } from '@loom-ml/layers';

/** The size of the GPT. */
export interface ModelConfig {
  vocabularySize: number;
  /** Tokens the model reads at once (its positions). */
  context: number;
  embeddingDim: number;
  layers: number;
  heads: number;
  dropout: number;
  /** Feed-forward activation of the decoder blocks (default 'gelu'). */
  activation?: 'relu' | 'gelu';
  /** Logits through the embedding's token table (true, the default) or a separate dense layer. */
  tiedOutput?: boolean;
  /** Add the first position's vector (the sentiment token) to every position after the embedding (`PrefixBroadcast`; default false). */
  broadcastPrefix?: boolean;
}

/**
 * A GPT-2-style decoder-only Transformer: token + position embeddings, optionally the first
 * position's vector (the sentiment token) added to every position through a learned gate
 * (`broadcastPrefix`, src/condition.ts), `layers` pre-norm decoder blocks (causal
 * self-attention, GELU feed-forward of 4x the width by default), a final layer norm, and logits
 * through the token table (tied to the embedding) or a dense layer. Ids `[batch, context]` in,
 * logits `[batch, context, vocabularySize]` out. A saved model with `broadcastPrefix` loads with
 * `customLayers: CUSTOM_LAYERS` (src/condition.ts).
 *
 * @example
 * const model = buildModel({ vocabularySize: 1024, context: 64, embeddingDim: 96, layers: 3, heads: 3, dropout: 0.1 }, 42);
 */
export function buildModel(config: ModelConfig, seed: number): Sequential {
  const { vocabularySize, context, embeddingDim, layers, heads, dropout, activation = 'gelu', tiedOutput = true, broadcastPrefix = false } = config;
  const embed = tokenAndPositionEmbedding({ vocabularySize, sequenceLength: context, embeddingDim, inputShape: [context], embeddingsInitializer: { name: 'randomNormal', stddev: 0.02, seed }, name: 'embedding' });
  return sequential([
    embed,
    ...(broadcastPrefix ? [prefixBroadcast({ name: 'prefix_broadcast' })] : []),
    ...Array.from({ length: layers }, (_, i) =>
      // `seed` seeds the block's dropout; its kernels take theirs from kernelInitializer
      // (seed, seed + 1, ... inside the block), so both are given for a reproducible model.
      transformerDecoder({ numHeads: heads, feedForwardDim: 4 * embeddingDim, normalizeFirst: true, activation, dropout, seed: seed + 1 + i, kernelInitializer: { name: 'glorotUniform', seed: seed + 1000 + 100 * i } }),
    ),
    layerNormalization(),
    tiedOutput ? tiedLogits({ embedding: embed }) : dense({ units: vocabularySize, kernelInitializer: { name: 'glorotUniform', seed: seed + 999 }, name: 'logits' }),
  ]);
}
