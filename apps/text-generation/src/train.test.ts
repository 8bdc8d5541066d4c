import * as tf from '@tensorflow/tfjs-core';
import { useFusedKernels } from '@loom-ml/layers';
import { registerFusedKernels } from '@loom-ml/wasm';
import { describe, expect, it } from 'vitest';
import { PAD, type Sequences } from './corpus.js';
import { buildModel } from './model.js';
import { sequenceNll, targetNll, trainModel } from './train.js';

/** Summed -log softmax(logits)[target] over the non-padding targets, in float64 from the model's logits. */
function referenceNll(logits: Float32Array, rows: Sequences, vocabulary: number): { nats: number; tokens: number; perTarget: number[] } {
  const T = rows.length - 1;
  let nats = 0;
  let tokens = 0;
  const perTarget: number[] = [];
  for (let r = 0; r < rows.count; r++) {
    for (let t = 0; t < T; t++) {
      const target = rows.ids[r * rows.length + t + 1]!;
      if (target === PAD) continue;
      const at = (r * T + t) * vocabulary;
      let max = -Infinity;
      for (let v = 0; v < vocabulary; v++) max = Math.max(max, logits[at + v]!);
      let sum = 0;
      for (let v = 0; v < vocabulary; v++) sum += Math.exp(logits[at + v]! - max);
      nats += max + Math.log(sum) - logits[at + target]!;
      perTarget.push(max + Math.log(sum) - logits[at + target]!);
      tokens++;
    }
  }
  return { nats, tokens, perTarget };
}

describe('sequenceNll', () => {
  // Five rows of 9 ids, two of them ending in padding (never a target).
  const rows: Sequences = {
    ids: Int32Array.from([3, 1, 7, 8, 9, 10, 11, 2, 0, 4, 1, 12, 13, 2, 0, 0, 0, 0, 3, 14, 15, 16, 17, 18, 19, 20, 21, 4, 22, 23, 24, 25, 26, 27, 28, 29, 3, 30, 31, 32, 33, 34, 35, 36, 37]),
    count: 5,
    length: 9,
    targetBytes: new Float64Array(5),
  };
  const logitsOf = (model: ReturnType<typeof buildModel>) =>
    tf.tidy(() => {
      const x = tf.tensor2d(Int32Array.from({ length: rows.count * 8 }, (_, i) => rows.ids[Math.floor(i / 8) * 9 + (i % 8)]!), [rows.count, 8], 'int32');
      return (model.apply(x) as tf.Tensor).dataSync() as Float32Array;
    });

  it.each([
    ['composite ops', false],
    ['the fused softmax cross-entropy kernel', true],
  ])('sums -log p(target) over the non-padding targets only, with %s (float64 reference from the logits, 1e-4 relative)', async (_, fused) => {
    if (fused) expect(registerFusedKernels('cpu')).toBeGreaterThanOrEqual(0);
    const previous = useFusedKernels(fused);
    try {
      const model = buildModel({ vocabularySize: 40, context: 8, embeddingDim: 8, layers: 1, heads: 2, dropout: 0, activation: 'relu', tiedOutput: false }, 9);
      const before = tf.memory().numTensors;
      const expected = referenceNll(logitsOf(model), rows, 40);
      expect(expected.tokens).toBe(5 * 8 - 1 - 4);
      let result = { nats: 0, tokens: 0 };
      const profile = await tf.profile(async () => {
        result = await sequenceNll(model, rows, 2); // batches of 2, 2 and 1 rows
      });
      expect(profile.kernelNames.includes('LoomSoftmaxCrossEntropy')).toBe(fused);
      expect(result.tokens).toBe(expected.tokens);
      expect(Math.abs(result.nats - expected.nats) / expected.nats).toBeLessThan(1e-4);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    } finally {
      useFusedKernels(previous);
    }
  });

  it('scores sliding windows (scoreFrom) from each row\'s scoreFrom on only (float64 reference from the logits, 1e-4 relative)', async () => {
    const model = buildModel({ vocabularySize: 40, context: 8, embeddingDim: 8, layers: 1, heads: 2, dropout: 0, activation: 'relu', tiedOutput: false }, 9);
    const before = tf.memory().numTensors;
    const windows: Sequences = { ...rows, scoreFrom: Int32Array.from([1, 3, 1, 5, 8]) };
    // The reference: the same rows with the targets before scoreFrom replaced by padding.
    const masked = Int32Array.from(rows.ids);
    windows.scoreFrom!.forEach((from, r) => masked.fill(PAD, r * 9 + 1, r * 9 + from));
    const expected = referenceNll(logitsOf(model), { ...rows, ids: masked }, 40);
    expect(expected.tokens).toBe(7 + 2 + 8 + 4 + 1); // row 1 scores its ids 3..4, row 3 its ids 5..8, row 4 its last
    const result = await sequenceNll(model, windows, 2);
    expect(result.tokens).toBe(expected.tokens);
    expect(Math.abs(result.nats - expected.nats) / expected.nats).toBeLessThan(1e-4);
    // Target by target, row by row (the order the n-gram's targetNll visits them in).
    const perTarget = await targetNll(model, windows, 2);
    expect(perTarget.length).toBe(expected.tokens);
    perTarget.forEach((nats, i) => expect(Math.abs(nats - expected.perTarget[i]!)).toBeLessThan(1e-4 * Math.max(1, expected.perTarget[i]!)));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('falls as a few training steps fit the rows (seeded, 30 steps), without leaking tensors', async () => {
    const model = buildModel({ vocabularySize: 40, context: 8, embeddingDim: 16, layers: 1, heads: 2, dropout: 0, activation: 'relu', tiedOutput: false }, 9);
    const before = tf.memory().numTensors;
    const start = await sequenceNll(model, rows);
    const trained = await trainModel(model, rows, { epochs: 30, batchSize: 5, learningRate: 0.01, seed: 1 });
    expect(trained.steps).toBe(30);
    expect(trained.tokens).toBe(30 * start.tokens);
    const end = await sequenceNll(model, rows);
    expect(end.nats / end.tokens).toBeLessThan(0.7 * (start.nats / start.tokens));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('shrinks every matrix by learning rate x weightDecay and no bias or norm (one step, against the same step without decay)', async () => {
    const build = () => buildModel({ vocabularySize: 40, context: 8, embeddingDim: 16, layers: 1, heads: 2, dropout: 0, activation: 'relu', tiedOutput: false }, 9);
    const plain = build();
    const decayed = build();
    const initial = plain.trainableWeights.map((w) => w.dataSync().slice());
    // One step (5 rows, batch 5): no warm-up, so the step's learning rate is the peak, 0.01.
    await trainModel(plain, rows, { epochs: 1, batchSize: 5, learningRate: 0.01, weightDecay: 0, seed: 1 });
    await trainModel(decayed, rows, { epochs: 1, batchSize: 5, learningRate: 0.01, weightDecay: 0.5, seed: 1 });
    // AdamW's decoupled decay: the same Adam step, then w -= lr * weightDecay * w_before.
    let matrices = 0;
    plain.trainableWeights.forEach((w, i) => {
      const a = w.dataSync();
      const b = decayed.trainableWeights[i]!.dataSync();
      const factor = w.shape.length >= 2 ? -0.01 * 0.5 : 0;
      if (factor !== 0) matrices++;
      initial[i]!.forEach((x, j) => expect(b[j]! - a[j]!).toBeCloseTo(factor * x, 6));
    });
    expect(matrices).toBeGreaterThan(4);
    plain.dispose();
    decayed.dispose();
  });
});
