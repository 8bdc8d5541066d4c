// TransformerDecoder, TokenAndPositionEmbedding and TiedLogits against plain-JavaScript
// references (float64), the causal property of a whole language model, tied weights through
// save/load, and error messages.
import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import {
  deserializeModel, input, layerNormalization, model, sequential, serializeModel, tiedLogits, tokenAndPositionEmbedding, transformerDecoder,
  dense, embedding, type FunctionalModel,
} from '../src/index.js';
import { matmul, referenceAttention } from './attention-reference.js';
import { seededValues } from './layer-cases.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v ** 3)));
const norm = (rows: number[][]) =>
  rows.map((r) => {
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const variance = r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length;
    return r.map((v) => (v - mean) / Math.sqrt(variance + 1e-5)); // gamma 1, beta 0 at init
  });
const add = (a: number[][], b: number[][]) => a.map((r, t) => r.map((v, d) => v + b[t]![d]!));

describe('TransformerDecoder', () => {
  it.each([false, true])('equals the float64 reference at inference (normalizeFirst=%s)', (normalizeFirst) => {
    const layer = transformerDecoder({ numHeads: 2, keyDim: 2, feedForwardDim: 6, normalizeFirst, kernelInitializer: { name: 'glorotUniform', seed: 19 } });
    const x = tf.tensor(seededValues(2 * 4 * 4, 20), [2, 4, 4]);
    const actual = layer.apply(x);
    const w = Object.fromEntries(layer.weights.map((v) => [v.path.slice(layer.name.length + 1), v.variable.dataSync() as Float32Array]));
    expect(Object.keys(w)).toEqual([
      'attention/queryKernel', 'attention/keyKernel', 'attention/valueKernel', 'attention/outputKernel', 'attention/queryBias', 'attention/keyBias', 'attention/valueBias', 'attention/outputBias',
      'attentionNorm/gamma', 'attentionNorm/beta', 'feedForwardNorm/gamma', 'feedForwardNorm/beta', 'feedForward/kernel1', 'feedForward/bias1', 'feedForward/kernel2', 'feedForward/bias2',
    ]);
    const kernels = ['attention/queryKernel', 'attention/keyKernel', 'attention/valueKernel', 'attention/outputKernel'].map((k) => w[k]!);
    const ffn = (rows: number[][]) => matmul(matmul(rows, w['feedForward/kernel1']!, 6).map((r) => r.map(gelu)), w['feedForward/kernel2']!, 4);
    const expected = (x.arraySync() as number[][][]).map((rows) => {
      if (normalizeFirst) {
        const a = add(rows, referenceAttention(norm(rows), kernels, 2, 2, true));
        return add(a, ffn(norm(a)));
      }
      const a = norm(add(rows, referenceAttention(rows, kernels, 2, 2, true)));
      return norm(add(a, ffn(a)));
    });
    expectTensorsClose(actual, expected, { rtol: 1e-4, atol: 1e-4 });
    tf.dispose([x, actual]);
    layer.dispose();
  });

  it('applies dropout only while training, reproducibly with a seed', () => {
    const make = () => transformerDecoder({ numHeads: 1, feedForwardDim: 4, dropout: 0.5, seed: 3, normalizeFirst: true, kernelInitializer: { name: 'glorotUniform', seed: 2 } });
    const [a, b] = [make(), make()];
    const x = tf.tensor(seededValues(2 * 3 * 4, 4), [2, 3, 4]);
    expectTensorsClose(a.apply(x), b.apply(x), { rtol: 0, atol: 0 });
    const trainedA = a.apply(x, { training: true });
    expectTensorsClose(trainedA, b.apply(x, { training: true }), { rtol: 0, atol: 0 });
    expect(tf.max(tf.abs(tf.sub(trainedA, a.apply(x)))).dataSync()[0]).toBeGreaterThan(1e-3);
    a.dispose();
    b.dispose();
  });

  it('with a padding mask, padded steps cannot change the outputs of real steps', () => {
    const layer = transformerDecoder({ numHeads: 2, feedForwardDim: 8, kernelInitializer: { name: 'glorotUniform', seed: 21 } });
    const values = seededValues(1 * 5 * 4, 22);
    // A padded step in the middle (index 2): causal masking alone would let steps 3 and 4 see it.
    const mask = tf.tensor2d([[1, 1, 0, 1, 1]]);
    const before = layer.apply(tf.tensor(values, [1, 5, 4]), { attentionMask: mask }).arraySync() as number[][][];
    const changed = Float32Array.from(values);
    for (let d = 0; d < 4; d++) changed[2 * 4 + d] = 9 - d;
    const after = layer.apply(tf.tensor(changed, [1, 5, 4]), { attentionMask: mask }).arraySync() as number[][][];
    for (const t of [0, 1, 3, 4]) expect(after[0]![t]).toEqual(before[0]![t]);
    const unmasked = layer.apply(tf.tensor(changed, [1, 5, 4])).arraySync() as number[][][];
    expect(Math.abs(unmasked[0]![3]![0]! - before[0]![3]![0]!)).toBeGreaterThan(1e-4);
    layer.dispose();
  });

  it('names bad arguments', () => {
    expect(() => transformerDecoder({ name: 'd', numHeads: 1, feedForwardDim: 4, activation: 'tanh' as never })).toThrow(
      "Invalid value for `activation` in TransformerDecoder 'd'. Expected 'relu' or 'gelu'. Received: 'tanh'.",
    );
    expect(() => transformerDecoder({ name: 'd', numHeads: 1, feedForwardDim: 4, normalizeFirst: 'yes' as never })).toThrow(
      "Invalid value for `normalizeFirst` in TransformerDecoder 'd'. Expected a boolean. Received: 'yes'.",
    );
    expect(() => transformerDecoder({ name: 'd', numHeads: 1, feedForwardDim: 0 })).toThrow("Invalid value for `feedForwardDim` in TransformerDecoder 'd'. Expected a positive integer. Received: 0.");
    expect(() => transformerDecoder({ name: 'd', numHeads: 1, feedForwardDim: 4, dropout: -0.1 })).toThrow("Invalid value for `dropout` in TransformerDecoder 'd'. Expected a number in [0, 1). Received: -0.1.");
  });
});

/** A small language model: ids [batch, 6] → logits [batch, 6, 9]. */
function languageModel(tied: boolean, normalizeFirst: boolean) {
  const embed = tokenAndPositionEmbedding({ vocabularySize: 9, sequenceLength: 6, embeddingDim: 8, embeddingsInitializer: { name: 'randomNormal', seed: 30, stddev: 0.5 }, inputShape: [6] });
  return sequential([
    embed,
    transformerDecoder({ numHeads: 2, feedForwardDim: 16, normalizeFirst, kernelInitializer: { name: 'glorotUniform', seed: 31 } }),
    transformerDecoder({ numHeads: 2, feedForwardDim: 16, normalizeFirst, kernelInitializer: { name: 'glorotUniform', seed: 32 } }),
    layerNormalization(),
    tied ? tiedLogits({ embedding: embed }) : dense({ units: 9, kernelInitializer: { name: 'glorotUniform', seed: 33 } }),
  ]);
}

describe('a decoder-only language model', () => {
  it.each([[true, true], [false, false]])('changing token t+1 leaves the logits at steps <= t unchanged, for every t (tied=%s, pre-norm=%s)', (tied, normalizeFirst) => {
    const lm = languageModel(tied, normalizeFirst);
    const ids = [3, 1, 4, 1, 5, 8];
    const logitsOf = (sequence: number[]) => {
      const x = tf.tensor2d([sequence], [1, 6], 'int32');
      const y = lm.apply(x) as tf.Tensor;
      const values = y.dataSync().slice();
      tf.dispose([x, y]);
      return values;
    };
    const base = logitsOf(ids);
    for (let t = 0; t + 1 < ids.length; t++) {
      const changed = [...ids];
      changed[t + 1] = (ids[t + 1]! + 4) % 9;
      const out = logitsOf(changed);
      expect(Array.from(out.subarray(0, (t + 1) * 9)), `logits at steps <= ${t}`).toEqual(Array.from(base.subarray(0, (t + 1) * 9)));
      const moved = Math.max(...out.subarray((t + 1) * 9, (t + 2) * 9).map((v, i) => Math.abs(v - base[(t + 1) * 9 + i]!)));
      expect(moved, `logits at step ${t + 1}`).toBeGreaterThan(1e-4);
    }
    lm.dispose();
  });

  it('tied logits are hidden · tokenEmbeddingsᵀ and save the table once', async () => {
    const lm = languageModel(true, true);
    expect(lm.weights.filter((w) => w.path.includes('tokenEmbeddings'))).toHaveLength(1);
    expect(lm.layers.at(-1)!.countParams()).toBe(0);
    const ids = tf.tensor2d([[1, 2, 3, 4, 5, 6]], [1, 6], 'int32');
    const hidden = tf.tidy(() => lm.layers.slice(0, -1).reduce((h, layer) => layer.apply(h), ids as tf.Tensor));
    const table = lm.weights.find((w) => w.path.endsWith('tokenEmbeddings'))!.variable.arraySync() as number[][];
    const expected = (hidden.arraySync() as number[][][]).map((rows) => rows.map((h) => table.map((e) => e.reduce((s, v, d) => s + v * h[d]!, 0))));
    expectTensorsClose(lm.apply(ids) as tf.Tensor, expected, { rtol: 1e-5, atol: 1e-5 });
    const copy = deserializeModel(await serializeModel(lm));
    expect(copy.getConfig()).toEqual(lm.getConfig());
    expect((copy.getConfig().layers.at(-1)!.config as { embedding: string }).embedding).toBe(lm.layers[0]!.name);
    expectTensorsClose(copy.apply(ids) as tf.Tensor, lm.apply(ids) as tf.Tensor, { rtol: 0, atol: 0 });
    // The copy's logits use the copy's own table: changing it changes them.
    const copyTable = copy.weights.find((w) => w.path.endsWith('tokenEmbeddings'))!.variable;
    copyTable.assign(tf.mul(copyTable, 2));
    expect(tf.max(tf.abs(tf.sub(copy.apply(ids) as tf.Tensor, lm.apply(ids) as tf.Tensor))).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([ids, hidden]);
    lm.dispose();
    copy.dispose();
  });

  it('the gradient of a tied table adds both uses (equals an untied model whose two tables hold the same values)', () => {
    const table = embedding({ inputDim: 5, outputDim: 3, embeddingsInitializer: { name: 'randomNormal', seed: 34, stddev: 0.5 }, inputShape: [4] });
    const tiedModel = sequential([table, dense({ units: 3, activation: 'tanh', kernelInitializer: { name: 'glorotUniform', seed: 35 } }), tiedLogits({ embedding: table })]);
    const ids = tf.tensor2d([[0, 1, 2, 4], [3, 3, 1, 0]], [2, 4], 'int32');
    const r = tf.tensor(seededValues(2 * 4 * 5, 36), [2, 4, 5]);
    const tableVar = tiedModel.weights[0]!.variable;
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tiedModel.apply(ids) as tf.Tensor, r)) as tf.Scalar, [tableVar]);
    // By hand: gather for the input, E as the output matrix, both the same variable held twice as constants.
    const [gIn, gOut] = tf.grads((inTable: tf.Tensor, outTable: tf.Tensor) => {
      const x = tf.reshape(tf.gather(inTable, tf.reshape(ids, [-1])), [2, 4, 3]);
      const h = tf.reshape(tiedModel.layers[1]!.apply(x), [8, 3]);
      return tf.sum(tf.mul(tf.reshape(tf.matMul(h, outTable, false, true), [2, 4, 5]), r));
    })([tableVar.clone(), tableVar.clone()]); // two tensors holding the same values, so the tape keeps the two uses apart
    expect(tf.max(tf.abs(gOut!)).dataSync()[0]).toBeGreaterThan(1e-3);
    expectTensorsClose(grads[tableVar.name]!, tf.add(gIn!, gOut!), { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([ids, r, grads[tableVar.name]!, gIn!, gOut!]);
    tiedModel.dispose();
  });

  it('tied logits in a functional model save and load', async () => {
    const ids = input({ shape: [6], dtype: 'int32', name: 'ids' });
    const embed = tokenAndPositionEmbedding({ vocabularySize: 9, sequenceLength: 6, embeddingDim: 4, name: 'tokens' });
    const hidden = transformerDecoder({ numHeads: 1, feedForwardDim: 8 }).connect(embed.connect(ids));
    const lm = model({ inputs: ids, outputs: tiedLogits({ embedding: embed, useBias: true, name: 'logits' }).connect(hidden) });
    const copy = deserializeModel<FunctionalModel>(await serializeModel(lm));
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6]], [1, 6], 'int32');
    expectTensorsClose(copy.apply(x) as tf.Tensor, lm.apply(x) as tf.Tensor, { rtol: 0, atol: 0 });
    x.dispose();
    lm.dispose();
    copy.dispose();
  });

  it('names a tied embedding that is not in the model, or not an embedding', () => {
    const outside = tokenAndPositionEmbedding({ vocabularySize: 9, sequenceLength: 6, embeddingDim: 4, name: 'outside' });
    const own = tokenAndPositionEmbedding({ vocabularySize: 9, sequenceLength: 6, embeddingDim: 4, name: 'own', inputShape: [6] });
    expect(() => sequential([own, tiedLogits({ embedding: outside, name: 'head' })], { name: 'lm' })).toThrow(
      "TiedLogits 'head' reuses the token table of 'outside', which is not a layer of Sequential 'lm'; put the embedding in the same model.",
    );
    expect(() => tiedLogits({ name: 'head', embedding: dense({ units: 2, name: 'd' }) })).toThrow(
      "Invalid value for `embedding` in TiedLogits 'head'. Expected an Embedding, PositionalEmbedding or TokenAndPositionEmbedding layer. Received: 'Dense 'd''.",
    );
    expect(() => tiedLogits({ name: 'head', embedding: 'own' }).apply(tf.zeros([1, 6, 4]))).toThrow(
      "TiedLogits 'head' names its embedding 'own' but was not given the layer: use it in a model (sequential or model()) together with that embedding.",
    );
    expect(() => sequential([own, dense({ units: 5 }), tiedLogits({ embedding: own, name: 'head2' })])).toThrow("TiedLogits 'head2' expected input with last dimension 4 (the width of 'own'), received shape [null,6,5].");
    own.dispose();
  });
});

describe('TokenAndPositionEmbedding', () => {
  it('adds the position row to the token row and saves keras-hub argument names', () => {
    const layer = tokenAndPositionEmbedding({ name: 'tp', vocabularySize: 5, sequenceLength: 4, embeddingDim: 2, embeddingsInitializer: { name: 'randomNormal', seed: 3 } });
    const ids = tf.tensor2d([[4, 0, 2]], [1, 3], 'int32');
    const actual = layer.apply(ids);
    const tokens = layer.weights[0]!.variable.arraySync() as number[][];
    const positions = layer.weights[1]!.variable.arraySync() as number[][];
    expectTensorsClose(actual, [[4, 0, 2].map((id, t) => tokens[id]!.map((v, d) => v + positions[t]![d]!))], { rtol: 1e-6, atol: 1e-7 });
    expect(layer.getConfig()).toEqual({ name: 'tp', vocabularySize: 5, sequenceLength: 4, embeddingDim: 2, embeddingsInitializer: { name: 'randomNormal', seed: 3 } });
    expect(() => tokenAndPositionEmbedding({ name: 'tp', vocabularySize: 5, sequenceLength: 4, embeddingDim: 2 }).apply(tf.zeros([1, 5], 'int32'))).toThrow("TokenAndPositionEmbedding 'tp' expected ids of shape [batch, time] with time <= 4, received shape [null,5].");
    expect(() => tokenAndPositionEmbedding({ name: 'tq', vocabularySize: 5, sequenceLength: 4, embeddingDim: 0 })).toThrow(
      "Invalid value for `embeddingDim` in TokenAndPositionEmbedding 'tq'. Expected a positive integer. Received: 0.",
    );
    layer.dispose();
  });
});
