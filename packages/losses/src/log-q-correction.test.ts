import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { logQCorrection, sampledSoftmaxLoss } from './index.js';

describe('logQCorrection', () => {
  it('subtracts log q per column (hand-computed) and matches the static option of sampledSoftmaxLoss', () => {
    const logits = tf.tensor2d([[3, 1], [0, 2]]);
    const corrected = logQCorrection(logits, tf.tensor1d([0.8, 0.2]));
    expectTensorsClose(corrected, [[3 - Math.log(0.8), 1 - Math.log(0.2)], [-Math.log(0.8), 2 - Math.log(0.2)]], { atol: 1e-6 });
    const labels = tf.tensor1d([0, 1], 'int32');
    const viaOption = sampledSoftmaxLoss({ logSamplingProbabilities: [Math.log(0.8), Math.log(0.2)] }).perSample(labels, logits);
    expectTensorsClose(sampledSoftmaxLoss().perSample(labels, corrected), viaOption, { atol: 1e-6 });
    expectNoLeakedTensors(() => logQCorrection(logits, [0.8, 0.2]).dispose());
  });

  it('names wrong counts and non-probabilities', () => {
    const logits = tf.zeros([2, 3]);
    expect(() => logQCorrection(logits, [0.5, 0.5])).toThrow(
      'Invalid value for `samplingProbabilities` in logQCorrection. Expected 3 probabilities (one per candidate column). Received: 2.',
    );
    expect(() => logQCorrection(logits, [0.5, 0, 0.5])).toThrow('Expected probabilities in (0, 1]. Received: [0.5, 0, 0.5].');
    expect(() => logQCorrection(tf.zeros([3]), [1, 1, 1])).toThrow('Invalid value for `logits` in logQCorrection. Expected a tensor of shape [batch, candidates]. Received: [3].');
  });
});
