import { dense, dropout, embedding, globalAveragePooling, lstm, positionalEmbedding, sequential, transformerEncoder, type Sequential } from '@loom-ml/layers';
import type { ModelKind } from './options.js';

export interface ModelSize {
  vocabularySize: number;
  maxLength: number;
}

/**
 * The two sentiment models; both end in one sigmoid unit (probability of a positive review).
 * The LSTM's embedding masks id 0 (`maskZero`), so padded steps keep its state and its final
 * state is the one after the last real word wherever the padding is; the Transformer (no mask)
 * reads the pre-padded ids as they are.
 */
export function buildModel(kind: ModelKind, { vocabularySize, maxLength }: ModelSize, seed: number): Sequential {
  if (kind === 'lstm') {
    return sequential(
      [
        embedding({ inputDim: vocabularySize, outputDim: 32, maskZero: true, embeddingsInitializer: { name: 'randomNormal', stddev: 0.05, seed } }),
        lstm({ units: 32, kernelInitializer: { name: 'glorotUniform', seed: seed + 1 }, recurrentInitializer: { name: 'orthogonal', seed: seed + 2 } }),
        dense({ units: 1, activation: 'sigmoid', kernelInitializer: { name: 'glorotUniform', seed: seed + 3 } }),
      ],
      { inputShape: [maxLength] },
    );
  }
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
