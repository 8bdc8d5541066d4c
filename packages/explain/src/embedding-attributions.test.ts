import * as tf from '@tensorflow/tfjs-core';
import { dense, embedding, flatten, globalAveragePooling, input, lstm, model as functional, concatenate, sequential } from '@loom-ml/layers';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { embeddingAttributions } from './index.js';

const ids = [
  [0, 0, 3, 7, 2],
  [5, 1, 4, 4, 9],
];

describe('embeddingAttributions', () => {
  it('matches the closed form of an averaging linear text model: w · (E[id] − E[0]) / length per token (1e-5)', () => {
    const model = sequential([embedding({ inputDim: 10, outputDim: 4, embeddingsInitializer: { name: 'randomNormal', stddev: 1, seed: 1 } }), globalAveragePooling(), dense({ units: 1, kernelInitializer: { name: 'glorotUniform', seed: 2 } })], { inputShape: [5] });
    const x = tf.tensor2d(ids, [2, 5], 'int32');
    const result = expectNoLeakedTensors(() => embeddingAttributions(model, x, { steps: 4 }));
    const [table, kernel] = model.getWeights().map((t) => t.arraySync()) as [number[][], number[][]];
    const wv = kernel.map((row) => row[0]!);
    ids.forEach((row, r) => {
      row.forEach((id, t) => {
        const expected = table[id]!.reduce((s, v, d) => s + wv[d]! * (v - table[0]![d]!), 0) / 5;
        expect(Math.abs(result.tokens[r]![t]! - expected)).toBeLessThan(1e-5);
      });
      expect(Math.abs(result.completenessGap[r]!)).toBeLessThan(1e-5);
    });
    // Padding positions equal the baseline: exactly zero.
    expect(result.tokens[0]![0]).toBe(0);
    model.dispose();
    x.dispose();
  });

  it('keeps completeness through an LSTM (|gap| < 1e-3 at 64 steps) and leaves the layer as it was', () => {
    const model = sequential(
      [
        embedding({ inputDim: 10, outputDim: 8, embeddingsInitializer: { name: 'randomNormal', stddev: 0.5, seed: 3 } }),
        lstm({ units: 6, kernelInitializer: { name: 'glorotUniform', seed: 4 }, recurrentInitializer: { name: 'orthogonal', seed: 5 } }),
        dense({ units: 1, activation: 'sigmoid', kernelInitializer: { name: 'glorotUniform', seed: 6 } }),
      ],
      { inputShape: [5] },
    );
    const x = tf.tensor2d(ids, [2, 5], 'int32');
    const before = tf.tidy(() => (model.apply(x) as tf.Tensor).dataSync());
    const result = expectNoLeakedTensors(() => embeddingAttributions(model, x, { steps: 64, batchSize: 50 }));
    result.completenessGap.forEach((gap, r) => {
      expect(Math.abs(gap)).toBeLessThan(1e-3);
      expect(result.tokens[r]!.reduce((s, v) => s + v, 0)).toBeCloseTo(result.scores[r]! - result.baselineScores[r]!, 3);
    });
    expect(Object.prototype.hasOwnProperty.call(model.layers[0], 'apply')).toBe(false);
    const after = tf.tidy(() => (model.apply(x) as tf.Tensor).dataSync());
    expect(Array.from(after)).toEqual(Array.from(before));
    model.dispose();
    x.dispose();
  });

  it('works on a functional model with a second, numeric input (held fixed) and on { embed, fromEmbeddings }', () => {
    const tokens = input({ shape: [5], name: 'tokens', dtype: 'int32' });
    const extra = input({ shape: [2], name: 'extra' });
    const table = embedding({ inputDim: 10, outputDim: 3, name: 'words', embeddingsInitializer: { name: 'randomNormal', stddev: 1, seed: 7 } });
    const head = dense({ units: 1, kernelInitializer: { name: 'glorotUniform', seed: 8 } });
    const out = head.connect(concatenate().connect([flatten().connect(table.connect(tokens)), extra]));
    const twoInputs = functional({ inputs: [tokens, extra], outputs: out });
    const x = tf.tensor2d(ids, [2, 5], 'int32');
    const numeric = tf.tensor2d([[1, 2], [-1, 0.5]]);
    const result = expectNoLeakedTensors(() => embeddingAttributions(twoInputs, [x, numeric], { embeddingLayer: 'words', steps: 2 }));
    // Linear in the embeddings: exact with any steps; the numeric input cancels out of f(x) − f(b).
    result.completenessGap.forEach((gap) => expect(Math.abs(gap)).toBeLessThan(1e-5));
    // The same table as two functions: f(ids) = Σ_t Σ_d E[id_t][d], so token t gets Σ_d (E[id_t] − E[0]).
    const split = { embed: (t: tf.Tensor) => table.apply(t), fromEmbeddings: (e: tf.Tensor) => tf.sum(e, [1, 2]) };
    const fromSplit = expectNoLeakedTensors(() => embeddingAttributions(split, x, { steps: 1 }));
    const weights = table.trainableWeights[0]!.arraySync() as number[][];
    ids.forEach((row, r) => row.forEach((id, t) => expect(fromSplit.tokens[r]![t]!).toBeCloseTo(weights[id]!.reduce((s, v, d) => s + v - weights[0]![d]!, 0), 5)));
    expect(() => embeddingAttributions(twoInputs, [x, numeric])).not.toThrow();
    expect(() => embeddingAttributions(twoInputs, [x, numeric], { embeddingLayer: 'nope' })).toThrow(/Invalid value for `embeddingLayer` in embeddingAttributions. Expected the name of one of the model's layers/);
    twoInputs.dispose();
    tf.dispose([x, numeric]);
  });
});
