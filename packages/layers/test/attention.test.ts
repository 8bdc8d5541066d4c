// Attention layers against plain-JavaScript references (float64 loops), the causal mask's
// effect, dropout only while training, and error messages.
import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { multiHeadAttention, positionalEmbedding, transformerEncoder } from '../src/index.js';
import { seededValues } from './layer-cases.js';
import { matmul, referenceAttention } from './attention-reference.js';

const TOLERANCE = { rtol: 1e-4, atol: 1e-5 }; // float32 vs float64 on tiny sums

describe('MultiHeadAttention', () => {
  it.each([false, true])('matches a plain-JavaScript reference (useCausalMask=%s)', (causal) => {
    const layer = multiHeadAttention({ numHeads: 2, keyDim: 3, useCausalMask: causal, kernelInitializer: { name: 'glorotUniform', seed: 5 } });
    const x = tf.tensor(seededValues(2 * 4 * 5, 7), [2, 4, 5]);
    const actual = layer.apply(x);
    const kernels = layer.weights.filter((w) => w.path.endsWith('Kernel')).map((w) => w.variable.dataSync() as Float32Array);
    expect(layer.weights.map((w) => w.path.split('/')[1])).toEqual(['queryKernel', 'keyKernel', 'valueKernel', 'outputKernel', 'queryBias', 'keyBias', 'valueBias', 'outputBias']);
    const rows = x.arraySync() as number[][][];
    expectTensorsClose(actual, rows.map((r) => referenceAttention(r, kernels, 2, 3, causal)), TOLERANCE);
    tf.dispose([x, actual]);
    layer.dispose();
  });

  it('causal: changing token t+1 leaves the outputs at steps <= t unchanged, for every t', () => {
    const layer = multiHeadAttention({ numHeads: 2, useCausalMask: true, kernelInitializer: { name: 'glorotUniform', seed: 6 } });
    const [time, features] = [5, 4];
    const values = seededValues(time * features, 8);
    const base = layer.apply(tf.tensor(values, [1, time, features])).dataSync();
    for (let t = 0; t + 1 < time; t++) {
      const changed = Float32Array.from(values);
      for (let d = 0; d < features; d++) changed[(t + 1) * features + d] = 3 - d;
      const x = tf.tensor(changed, [1, time, features]);
      const y = layer.apply(x);
      const out = y.dataSync();
      tf.dispose([x, y]);
      // Bit for bit: the rows before t+1 are computed from the same numbers.
      expect(Array.from(out.subarray(0, (t + 1) * features)), `steps <= ${t}`).toEqual(Array.from(base.subarray(0, (t + 1) * features)));
      const moved = Math.max(...out.subarray((t + 1) * features, (t + 2) * features).map((v, d) => Math.abs(v - base[(t + 1) * features + d]!)));
      expect(moved, `step ${t + 1} itself changes`).toBeGreaterThan(1e-3);
    }
    layer.dispose();
  });

  it('a [batch, time] padding mask matches the reference, and padded steps cannot change the other outputs', () => {
    const layer = multiHeadAttention({ numHeads: 2, keyDim: 2, kernelInitializer: { name: 'glorotUniform', seed: 12 } });
    const values = seededValues(2 * 4 * 3, 13);
    const mask = tf.tensor2d([[1, 1, 1, 0], [1, 0, 1, 0]]);
    const keep = mask.arraySync();
    const x = tf.tensor(values, [2, 4, 3]);
    const actual = layer.apply(x, { attentionMask: mask });
    const kernels = layer.weights.filter((w) => w.path.endsWith('Kernel')).map((w) => w.variable.dataSync() as Float32Array);
    const rows = x.arraySync() as number[][][];
    expectTensorsClose(actual, rows.map((r, b) => referenceAttention(r, kernels, 2, 2, (_t, s) => keep[b]![s] === 1)), TOLERANCE);
    // Changing only padded steps (batch 0 step 3; batch 1 steps 1 and 3) leaves every unpadded step's output as it was.
    const changed = Float32Array.from(values);
    for (const [b, t] of [[0, 3], [1, 1], [1, 3]] as const) for (let d = 0; d < 3; d++) changed[(b * 4 + t) * 3 + d] = 7 + d;
    const after = layer.apply(tf.tensor(changed, [2, 4, 3]), { attentionMask: mask }).arraySync() as number[][][];
    const before = actual.arraySync() as number[][][];
    for (const [b, t] of [[0, 0], [0, 1], [0, 2], [1, 0], [1, 2]] as const) expect(after[b]![t]).toEqual(before[b]![t]);
    layer.dispose();
  });

  it('a [batch, time, time] mask (bool, broadcast over the batch) combines with the causal mask', () => {
    const layer = multiHeadAttention({ numHeads: 1, keyDim: 3, useCausalMask: true, kernelInitializer: { name: 'glorotUniform', seed: 14 } });
    const pattern = [[1, 0, 0, 0], [1, 1, 1, 1], [0, 1, 1, 0], [1, 0, 1, 1]];
    const mask = tf.tensor3d([pattern], [1, 4, 4], 'bool');
    const x = tf.tensor(seededValues(2 * 4 * 3, 15), [2, 4, 3]);
    const actual = layer.apply(x, { attentionMask: mask });
    const kernels = layer.weights.filter((w) => w.path.endsWith('Kernel')).map((w) => w.variable.dataSync() as Float32Array);
    const rows = x.arraySync() as number[][][];
    expectTensorsClose(actual, rows.map((r) => referenceAttention(r, kernels, 1, 3, (t, s) => s <= t && pattern[t]![s] === 1)), TOLERANCE);
    layer.dispose();
  });

  it('useCausalMask in a call overrides the layer option, both ways', () => {
    const plain = multiHeadAttention({ numHeads: 1, kernelInitializer: { name: 'glorotUniform', seed: 16 } });
    const causal = multiHeadAttention({ numHeads: 1, useCausalMask: true, kernelInitializer: { name: 'glorotUniform', seed: 16 } });
    const x = tf.tensor(seededValues(3 * 2, 17), [1, 3, 2]);
    expectTensorsClose(plain.apply(x, { useCausalMask: true }), causal.apply(x), { rtol: 0, atol: 0 });
    expectTensorsClose(causal.apply(x, { useCausalMask: false }), plain.apply(x), { rtol: 0, atol: 0 });
    plain.dispose();
    causal.dispose();
  });

  it('reads the earlier name `causal` (models saved before useCausalMask) and saves useCausalMask', () => {
    const layer = multiHeadAttention({ name: 'old', numHeads: 1, causal: true });
    expect(layer.useCausalMask).toBe(true);
    expect(layer.getConfig()).toEqual({ name: 'old', numHeads: 1, useCausalMask: true, useBias: true });
    expect(() => multiHeadAttention({ name: 'both', numHeads: 1, causal: true, useCausalMask: false })).toThrow(
      "Invalid value for `causal` in MultiHeadAttention 'both'. Expected the same as useCausalMask (false), or only useCausalMask (causal is its earlier name). Received: true.",
    );
  });

  it('names a wrong attentionMask', () => {
    const layer = multiHeadAttention({ name: 'm3', numHeads: 1 });
    const x = tf.zeros([2, 3, 2]);
    expect(() => layer.apply(x, { attentionMask: tf.ones([2, 4]) })).toThrow(
      "MultiHeadAttention 'm3' attentionMask expected shape [2,3] or [2,3,3] (1 broadcasts in the first two axes of the rank-3 form), received shape [2,4].",
    );
    expect(() => layer.apply(x, { attentionMask: tf.ones([3, 3, 3]) })).toThrow('received shape [3,3,3].');
    expect(() => layer.apply(x, { attentionMask: tf.ones([2, 3, 3, 1]) })).toThrow('received shape [2,3,3,1].');
    expect(() => layer.apply(x, { attentionMask: [[1, 1, 1]] as never })).toThrow(
      "Invalid value for `attentionMask` in MultiHeadAttention 'm3'. Expected a tensor of 0/1 of shape [batch, time] or [batch, time, time]. Received: an array.",
    );
    expect(() => layer.apply(x, { useCausalMask: 1 as never })).toThrow("Invalid value for `useCausalMask` in MultiHeadAttention 'm3' call. Expected a boolean. Received: 1.");
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
