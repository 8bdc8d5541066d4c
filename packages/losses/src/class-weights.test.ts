import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { binaryCrossentropy, categoricalFocalCrossentropy, getLoss, sparseCategoricalCrossentropy } from './index.js';

const logits = tf.tensor2d([[2, -1, 0.5], [-0.3, 0.8, 3], [1, 1, 1]]);
const labels = tf.tensor1d([0, 1, 2], 'int32');

describe('classWeights', () => {
  it('a map equals the array with missing classes at weight 1 (sparse, per sample by label)', () => {
    const plain = sparseCategoricalCrossentropy({ fromLogits: true }).perSample(labels, logits).dataSync();
    const fromMap = sparseCategoricalCrossentropy({ fromLogits: true, classWeights: { 1: 5 } }).perSample(labels, logits);
    const fromArray = sparseCategoricalCrossentropy({ fromLogits: true, classWeights: [1, 5, 1] }).perSample(labels, logits);
    expectTensorsClose(fromMap, fromArray, { rtol: 0 });
    // Row 1 has label 1: 5x its unweighted loss; rows 0 and 2 unchanged (tolerance 1e-5 absolute).
    expectTensorsClose(fromMap, [plain[0]!, 5 * plain[1]!, plain[2]!], { atol: 1e-5 });
  });

  it('binary: [w0, w1] scales each element by its label; hand-computed', () => {
    // y = [1, 0], x = [0, 0]: BCE is log 2 for both; weights [0.5, 3] give [3 log 2, 0.5 log 2].
    const values = binaryCrossentropy({ fromLogits: true, classWeights: [0.5, 3] }).perSample(tf.tensor2d([[1], [0]]), tf.tensor2d([[0], [0]]));
    expectTensorsClose(values, [3 * Math.LN2, 0.5 * Math.LN2], { atol: 1e-6 });
    const fromMap = binaryCrossentropy({ fromLogits: true, classWeights: { 1: 3, 0: 0.5 } }).perSample(tf.tensor2d([[1], [0]]), tf.tensor2d([[0], [0]]));
    expectTensorsClose(fromMap, values, { rtol: 0 });
  });

  it('a map survives the getConfig → getLoss round trip (JSON keys are strings)', () => {
    const loss = categoricalFocalCrossentropy({ fromLogits: true, classWeights: { 2: 0.5 } });
    const copy = getLoss(JSON.parse(JSON.stringify({ name: loss.name, config: loss.getConfig() })));
    const oneHot = tf.oneHot(labels, 3);
    expectTensorsClose(copy.perSample(oneHot, logits), loss.perSample(oneHot, logits), { rtol: 0 });
  });

  it('names bad class weights: negative, non-integer keys, too few, out of range', () => {
    expect(() => sparseCategoricalCrossentropy({ classWeights: [1, -2] })).toThrow(
      'Invalid value for `classWeights` in sparseCategoricalCrossentropy. Expected a non-empty array of non-negative numbers (one per class) or a map from class index to a non-negative number. Received: [1, -2].',
    );
    expect(() => sparseCategoricalCrossentropy({ classWeights: { a: 1 } as never })).toThrow(/Invalid value for `classWeights`.*Received: \{"a":1\}\./);
    expect(() => sparseCategoricalCrossentropy({ classWeights: [1, 2] }).perSample(labels, logits)).toThrow(
      'Invalid value for `classWeights` in sparseCategoricalCrossentropy. Expected 3 weights (one per class). Received: 2.',
    );
    expect(() => sparseCategoricalCrossentropy({ classWeights: { 7: 2 } }).perSample(labels, logits)).toThrow(
      'Invalid value for `classWeights` in sparseCategoricalCrossentropy. Expected class indices in [0, 3). Received: 7.',
    );
    expect(() => binaryCrossentropy({ classWeights: [1, 2, 3] })).toThrow('Expected 2 weights (one per class). Received: 3.');
  });
});
