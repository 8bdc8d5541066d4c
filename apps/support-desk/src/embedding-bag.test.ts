import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { EmbeddingBag } from './embedding-bag.js';

describe('EmbeddingBag', () => {
  it('averages the rows of the real ids, ignores padding, and sends no gradient to row 0', () => {
    const bag = new EmbeddingBag({ inputDim: 4, outputDim: 2, embeddingsInitializer: { name: 'randomNormal', seed: 3 } });
    const ids = tf.tensor2d([[1, 3, 0, 0], [2, 2, 2, 0], [0, 0, 0, 0]], [3, 4], 'int32');
    const output = bag.apply(ids) as tf.Tensor;
    const table = bag.weights[0]!.variable.arraySync() as number[][];
    const expected = [
      [0, 1].map((d) => (table[1]![d]! + table[3]![d]!) / 2),
      [0, 1].map((d) => table[2]![d]!),
      [0, 0],
    ];
    const got = output.arraySync() as number[][];
    got.forEach((row, i) => row.forEach((v, d) => expect(v).toBeCloseTo(expected[i]![d]!, 6)));
    // d(sum of outputs)/d(table): each real id of a row gets 1/(real ids in the row) per dimension; padding gets nothing.
    const { value, grads } = tf.variableGrads(() => tf.sum(bag.apply(ids) as tf.Tensor) as tf.Scalar, [bag.weights[0]!.variable]);
    const gradient = Object.values(grads).find((g) => g.shape.join() === '4,2')!;
    expect(gradient.arraySync()).toEqual([[0, 0], [0.5, 0.5], [1, 1], [0.5, 0.5]]);
    tf.dispose([value, ...Object.values(grads)]);
    tf.dispose([ids, output]);
  });

  it('refuses bad sizes and combiners with a message naming them', () => {
    expect(() => new EmbeddingBag({ inputDim: 0, outputDim: 2 })).toThrow(/Invalid value for `inputDim` in .*Expected a positive integer\. Received: 0\./);
    expect(() => new EmbeddingBag({ inputDim: 3, outputDim: 2, combiner: 'max' as never })).toThrow(/Invalid value for `combiner`.*Received: max\./);
  });
});
