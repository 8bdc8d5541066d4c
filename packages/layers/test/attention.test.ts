// Attention layers against plain-JavaScript references (float64 loops), the causal mask's
// effect, dropout only while training, and error messages.
import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { multiHeadAttention, positionalEmbedding, transformerEncoder } from '../src/index.js';
import { seededValues } from './layer-cases.js';

/** x [T][D] · W [D][N] (row-major flat W). */
function matmul(x: number[][], w: Float32Array | number[], n: number): number[][] {
  return x.map((row) => Array.from({ length: n }, (_, j) => row.reduce((s, v, i) => s + v * w[i * n + j]!, 0)));
}

function referenceAttention(x: number[][], [wq, wk, wv, wo]: Float32Array[], heads: number, keyDim: number, causal: boolean): number[][] {
  const q = matmul(x, wq!, heads * keyDim);
  const k = matmul(x, wk!, heads * keyDim);
  const v = matmul(x, wv!, heads * keyDim);
  const time = x.length;
  const merged = Array.from({ length: time }, () => new Array(heads * keyDim).fill(0));
  for (let h = 0; h < heads; h++) {
    for (let t = 0; t < time; t++) {
      const scores = Array.from({ length: time }, (_, s) => {
        if (causal && s > t) return -Infinity;
        let dot = 0;
        for (let d = 0; d < keyDim; d++) dot += q[t]![h * keyDim + d]! * k[s]![h * keyDim + d]!;
        return dot / Math.sqrt(keyDim);
      });
      const max = Math.max(...scores);
      const exp = scores.map((s) => Math.exp(s - max));
      const total = exp.reduce((a, b) => a + b, 0);
      for (let d = 0; d < keyDim; d++) merged[t]![h * keyDim + d] = exp.reduce((s, e, j) => s + (e / total) * v[j]![h * keyDim + d]!, 0);
    }
  }
  return matmul(merged, wo!, x[0]!.length);
}

const TOLERANCE = { rtol: 1e-4, atol: 1e-5 }; // float32 vs float64 on tiny sums

describe('MultiHeadAttention', () => {
  it.each([false, true])('matches a plain-JavaScript reference (causal=%s)', (causal) => {
    const layer = multiHeadAttention({ numHeads: 2, keyDim: 3, causal, kernelInitializer: { name: 'glorotUniform', seed: 5 } });
    const x = tf.tensor(seededValues(2 * 4 * 5, 7), [2, 4, 5]);
    const actual = layer.apply(x);
    const kernels = layer.weights.filter((w) => w.path.endsWith('Kernel')).map((w) => w.variable.dataSync() as Float32Array);
    expect(layer.weights.map((w) => w.path.split('/')[1])).toEqual(['queryKernel', 'keyKernel', 'valueKernel', 'outputKernel', 'queryBias', 'keyBias', 'valueBias', 'outputBias']);
    const rows = x.arraySync() as number[][][];
    expectTensorsClose(actual, rows.map((r) => referenceAttention(r, kernels, 2, 3, causal)), TOLERANCE);
    tf.dispose([x, actual]);
    layer.dispose();
  });

  it('causal: changing a later step leaves earlier outputs unchanged', () => {
    const layer = multiHeadAttention({ numHeads: 1, causal: true, kernelInitializer: { name: 'glorotUniform', seed: 6 } });
    const values = seededValues(4 * 3, 8);
    const a = tf.tensor(values, [1, 4, 3]);
    const changed = Float32Array.from(values);
    changed[11] = 5;
    const b = tf.tensor(changed, [1, 4, 3]);
    const [ya, yb] = [layer.apply(a), layer.apply(b)];
    expectTensorsClose(tf.slice(ya, [0, 0, 0], [1, 3, 3]), tf.slice(yb, [0, 0, 0], [1, 3, 3]), { rtol: 0, atol: 1e-6 });
    expect(Math.abs(ya.dataSync()[11]! - yb.dataSync()[11]!)).toBeGreaterThan(1e-3);
    layer.dispose();
  });

  it('names bad arguments and inputs', () => {
    expect(() => multiHeadAttention({ name: 'm', numHeads: 0 })).toThrow("Invalid value for `numHeads` in MultiHeadAttention 'm'. Expected a positive integer. Received: 0.");
    const layer = multiHeadAttention({ name: 'm2', numHeads: 1 });
    expect(() => layer.apply(tf.zeros([2, 3]))).toThrow("MultiHeadAttention 'm2' expected input of shape [batch, time, features] with known features, received shape [null,3].");
  });
});

describe('PositionalEmbedding', () => {
  it('adds the position row to the token row', () => {
    const layer = positionalEmbedding({ inputDim: 5, outputDim: 2, sequenceLength: 4, embeddingsInitializer: { name: 'randomNormal', seed: 3 } });
    const ids = tf.tensor2d([[4, 0, 2]], [1, 3], 'int32');
    const actual = layer.apply(ids);
    const tokens = layer.weights[0]!.variable.arraySync() as number[][];
    const positions = layer.weights[1]!.variable.arraySync() as number[][];
    const expected = [[4, 0, 2].map((id, t) => tokens[id]!.map((v, d) => v + positions[t]![d]!))];
    expectTensorsClose(actual, expected, { rtol: 1e-6, atol: 1e-7 });
    layer.dispose();
  });
  it('rejects sequences longer than sequenceLength', () => {
    const layer = positionalEmbedding({ name: 'p', inputDim: 5, outputDim: 2, sequenceLength: 2 });
    expect(() => layer.apply(tf.zeros([1, 3], 'int32'))).toThrow("PositionalEmbedding 'p' expected ids of shape [batch, time] with time <= 2, received shape [null,3].");
  });
});

describe('TransformerEncoder', () => {
  it('equals LayerNorm(a + FFN(a)) with a = LayerNorm(x + attention(x)) at inference', () => {
    const layer = transformerEncoder({ numHeads: 2, keyDim: 2, feedForwardDim: 6, kernelInitializer: { name: 'glorotUniform', seed: 9 } });
    const x = tf.tensor(seededValues(2 * 3 * 4, 10), [2, 3, 4]);
    const actual = layer.apply(x);
    const w = Object.fromEntries(layer.weights.map((v) => [v.path.slice(layer.name.length + 1), v.variable.dataSync() as Float32Array]));
    const norm = (rows: number[][]) =>
      rows.map((r) => {
        const mean = r.reduce((a, b) => a + b, 0) / r.length;
        const variance = r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length;
        return r.map((v) => (v - mean) / Math.sqrt(variance + 1e-5)); // gamma 1, beta 0 at init
      });
    const expected = (x.arraySync() as number[][][]).map((rows) => {
      const att = referenceAttention(rows, ['attention/queryKernel', 'attention/keyKernel', 'attention/valueKernel', 'attention/outputKernel'].map((k) => w[k]!), 2, 2, false);
      const a = norm(rows.map((r, t) => r.map((v, d) => v + att[t]![d]!)));
      const hidden = matmul(a, w['feedForward/kernel1']!, 6).map((r) => r.map((v) => Math.max(0, v)));
      const ffn = matmul(hidden, w['feedForward/kernel2']!, 4);
      return norm(a.map((r, t) => r.map((v, d) => v + ffn[t]![d]!)));
    });
    expectTensorsClose(actual, expected, { rtol: 1e-4, atol: 1e-4 });
    tf.dispose([x, actual]);
    layer.dispose();
  });
  it('applies dropout only while training, reproducibly with a seed', () => {
    const make = () => transformerEncoder({ numHeads: 1, feedForwardDim: 4, dropout: 0.5, seed: 3, kernelInitializer: { name: 'glorotUniform', seed: 2 } });
    const [a, b] = [make(), make()];
    const x = tf.tensor(seededValues(2 * 3 * 4, 4), [2, 3, 4]);
    expectTensorsClose(a.apply(x), b.apply(x), { rtol: 0, atol: 0 });
    const trainedA = a.apply(x, { training: true });
    expectTensorsClose(trainedA, b.apply(x, { training: true }), { rtol: 0, atol: 0 });
    expect(tf.max(tf.abs(tf.sub(trainedA, a.apply(x)))).dataSync()[0]).toBeGreaterThan(1e-3);
    a.dispose();
    b.dispose();
  });
  it('names bad arguments', () => {
    expect(() => transformerEncoder({ name: 't', numHeads: 1, feedForwardDim: 4, activation: 'tanh' as never })).toThrow(
      "Invalid value for `activation` in TransformerEncoder 't'. Expected 'relu' or 'gelu'. Received: 'tanh'.",
    );
    expect(() => transformerEncoder({ name: 't', numHeads: 1, feedForwardDim: 4, dropout: 1 })).toThrow("Invalid value for `dropout` in TransformerEncoder 't'. Expected a number in [0, 1). Received: 1.");
  });
});
