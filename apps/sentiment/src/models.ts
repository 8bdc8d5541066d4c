import {
  dense,
  dropout,
  embedding,
  globalAveragePooling,
  lstm,
  positionalEmbedding,
  sequential,
  transformerEncoder,
  type Sequential,
} from '@loom-ml/layers';
import type { ModelKind } from './options.js';

/** Hashed word-pair ids of the `bigrams` model (0 for the others: they read words only). */
export const BIGRAM_BUCKETS = 200_000;

/** How many hashed word-pair ids a model kind reads after the words (`encodeReviews`). */
export function bigramBucketsFor(kind: ModelKind): number {
  return kind === 'bigrams' ? BIGRAM_BUCKETS : 0;
}

export interface ModelSize {
  vocabularySize: number;
  maxLength: number;
}

/**
 * The sentiment models; all end in one sigmoid unit (probability of a positive review). Every
 * model but the Transformer masks id 0 (`maskZero`): padded steps keep an LSTM's state, and
 * pooling leaves them out, so where the padding goes does not matter. The Transformer (no mask)
 * reads the pre-padded ids as they are.
 *
 * - `lstm`: Embedding(32) → LSTM(32) → Dense(1); its final state reads the review.
 * - `average`: Embedding(64) → Dropout(0.25) → masked GlobalAveragePooling → Dense(1): the mean
 *   of the review's word vectors (a bag of words, as fastText), a baseline without recurrence.
 * - `bigrams`: Embedding(32) → Dropout(0.25) → masked GlobalAveragePooling → Dense(1) over the
 *   review's words and word pairs (`encodeReviews` with `BIGRAM_BUCKETS` hashed pair ids; the
 *   `ModelSize` is then that of the encoded rows), as fastText with bigrams.
 * - `transformer`: PositionalEmbedding(32) → TransformerEncoder → GlobalAveragePooling → Dense(1).
 */
export function buildModel(kind: ModelKind, { vocabularySize, maxLength }: ModelSize, seed: number): Sequential {
  const wordVectors = (outputDim: number) => embedding({ inputDim: vocabularySize, outputDim, maskZero: true, embeddingsInitializer: { name: 'randomNormal', stddev: 0.05, seed } });
  const output = () => dense({ units: 1, activation: 'sigmoid', kernelInitializer: { name: 'glorotUniform', seed: seed + 3 } });
  switch (kind) {
    case 'lstm':
      return sequential(
        [
          wordVectors(32),
          lstm({ units: 32, kernelInitializer: { name: 'glorotUniform', seed: seed + 1 }, recurrentInitializer: { name: 'orthogonal', seed: seed + 2 } }),
          output(),
        ],
        { inputShape: [maxLength] },
      );
    case 'average':
    case 'bigrams':
      return sequential([wordVectors(kind === 'average' ? 64 : 32), dropout({ rate: 0.25, seed: seed + 4 }), globalAveragePooling(), output()], { inputShape: [maxLength] });
    case 'transformer':
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
}
