import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors, expectTensorsClose } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { inBatchSoftmaxLoss } from './in-batch-softmax.js';

// Reference written out in plain JavaScript (float64): for row i,
// loss_i = −z_ii + log Σ_j exp(z_ij) over the columns j that are not another copy of item i,
// with z_ij = u_i·v_j / T − log q_j.
function reference(users: number[][], items: number[][], ids: number[], temperature: number, q?: number[]): number[] {
  return users.map((u, i) => {
    const logits = items.map((v, j) => u.reduce((sum, x, k) => sum + x * v[k]!, 0) / temperature - (q ? Math.log(q[j]!) : 0));
    const kept = logits.filter((_, j) => j === i || ids[j] !== ids[i]);
    const max = Math.max(...kept);
    return -logits[i]! + max + Math.log(kept.reduce((sum, z) => sum + Math.exp(z - max), 0));
  });
}

const users = [[0.5, -1, 0.2], [1, 0.3, -0.4], [-0.2, 0.8, 0.9], [0.1, 0.1, -1]];
const items = [[0.3, 0.1, -0.5], [-1, 0.4, 0.6], [0.7, -0.2, 0.2], [0.2, 0.9, -0.1]];

describe('inBatchSoftmaxLoss', () => {
  it('matches a hand-written float64 reference with and without log-q correction (atol 1e-5)', () => {
    const ids = [10, 11, 12, 13];
    const q = [0.4, 0.1, 0.25, 0.05];
    expectNoLeakedTensors(() => {
      const u = tf.tensor2d(users);
      const v = tf.tensor2d(items);
      const probabilities = tf.tensor1d(q);
      const plain = inBatchSoftmaxLoss(u, v, ids, { temperature: 0.5 });
      const corrected = inBatchSoftmaxLoss(u, v, ids, { temperature: 0.5, samplingProbabilities: probabilities });
      expectTensorsClose(plain, reference(users, items, ids, 0.5), { atol: 1e-5 });
      expectTensorsClose(corrected, reference(users, items, ids, 0.5, q), { atol: 1e-5 });
      tf.dispose([u, v, probabilities, plain, corrected]);
    }, 'inBatchSoftmaxLoss');
  });

  it('masks other copies of a row\'s own item (a repeated item is not its own negative)', () => {
    const ids = [7, 8, 7, 9];
    const u = tf.tensor2d(users);
    const v = tf.tensor2d(items);
    const masked = inBatchSoftmaxLoss(u, v, ids, { temperature: 0.2 }).arraySync();
    const expected = reference(users, items, ids, 0.2);
    masked.forEach((value, row) => expect(value).toBeCloseTo(expected[row]!, 5));
    // Rows 1 and 3 keep all four columns; rows 0 and 2 drop each other's column, so they differ from the unmasked loss.
    const unmasked = reference(users, items, [0, 1, 2, 3], 0.2);
    expect(masked[1]).toBeCloseTo(unmasked[1]!, 5);
    expect(Math.abs(masked[0]! - unmasked[0]!)).toBeGreaterThan(1e-3);
    tf.dispose([u, v]);
  });

  it('gives log(batch) for identical scores (uniform softmax), hand-computed', () => {
    const zeros = tf.zeros([5, 3]) as tf.Tensor2D;
    inBatchSoftmaxLoss(zeros, zeros, [0, 1, 2, 3, 4]).arraySync().forEach((value) => expect(value).toBeCloseTo(Math.log(5), 6));
    zeros.dispose();
  });

  it('rejects mismatched shapes and a bad temperature, naming them', () => {
    const u = tf.zeros([2, 3]) as tf.Tensor2D;
    const v = tf.zeros([3, 3]) as tf.Tensor2D;
    expect(() => inBatchSoftmaxLoss(u, v, [0, 1])).toThrow('Invalid value for `items` in inBatchSoftmaxLoss. Expected shape [2, 3] to match users. Received: [3, 3].');
    expect(() => inBatchSoftmaxLoss(u, u, [0])).toThrow('Invalid value for `itemIds` in inBatchSoftmaxLoss. Expected 2 item ids (one per row). Received: 1.');
    expect(() => inBatchSoftmaxLoss(u, u, [0, 1], { temperature: 0 })).toThrow('Invalid value for `temperature` in inBatchSoftmaxLoss. Expected a positive number. Received: 0.');
    tf.dispose([u, v]);
  });
});
