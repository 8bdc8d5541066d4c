import { expect, it } from 'vitest';
import { binaryCrossentropy, getLoss, huber, sampledSoftmaxLoss } from './index.js';

it('rejects unknown options (typos fail loudly instead of falling back to defaults)', () => {
  expect(() => binaryCrossentropy({ from_logits: true } as never)).toThrow(
    "Invalid value for `options` in binaryCrossentropy. Expected only the options fromLogits, labelSmoothing, classWeights. Received: 'from_logits'.",
  );
  expect(() => huber({ delta: 1, deltas: 2 } as never)).toThrow("Expected only the options delta. Received: 'deltas'.");
  expect(() => getLoss({ name: 'mse', config: { reduction: 'sum' } })).toThrow(
    "Invalid value for `options` in meanSquaredError. Expected no options. Received: 'reduction'.",
  );
  expect(() => sampledSoftmaxLoss({ logSamplingProbabilities: [0.5] })).toThrow(
    'Invalid value for `logSamplingProbabilities` in sampledSoftmaxLoss. Expected an array of log-probabilities (finite numbers <= 0). Received: [0.5].',
  );
  // Known options and empty configs still work.
  expect(getLoss({ name: 'huber', config: { delta: 2 } }).getConfig()).toEqual({ delta: 2 });
  expect(getLoss({ name: 'hinge', config: {} }).name).toBe('hinge');
});
