import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeakedTensors } from '@loom-ml/test-utils';
import { describe, expect, it } from 'vitest';
import { occludeTokens, occlusion } from './index.js';

describe('occlusion', () => {
  it('on an additive image model, each patch drop is Σ w x over the patch and the map adds up to f(x) − f(baseline)', () => {
    // f(x) = Σ_ij W_ij x_ij over a 4 × 6 image, two images, 2 × 2 patches tiling it.
    const weights = Array.from({ length: 24 }, (_, k) => Math.sin(k + 1));
    const pixels = [Array.from({ length: 24 }, (_, k) => (k % 5) / 4), Array.from({ length: 24 }, (_, k) => Math.cos(k))];
    const W = tf.tensor(weights, [1, 4, 6, 1]);
    const additive = (x: tf.Tensor) => tf.sum(tf.mul(x, W), [1, 2, 3]);
    const images = tf.tensor(pixels.flat(), [2, 4, 6, 1]);
    const result = expectNoLeakedTensors(() => occlusion(additive, images, { patch: 2, batchSize: 5 }));
    expect(result.patches[0]).toHaveLength(6);
    pixels.forEach((image, r) => {
      const f = image.reduce((s, v, k) => s + v * weights[k]!, 0);
      for (const patch of result.patches[r]!) {
        let expected = 0;
        for (let i = patch.top; i < patch.top + 2; i++) for (let j = patch.left; j < patch.left + 2; j++) expected += weights[i * 6 + j]! * image[i * 6 + j]!;
        expect(Math.abs(patch.drop - expected)).toBeLessThan(1e-5);
      }
      expect(Math.abs(result.attributions.rowSums()[r]! - f)).toBeLessThan(1e-4);
    });
    expect(result.attributions.shape).toEqual([2, 4, 6]);
    // With a baseline of 0.5 the drops are Σ w (x − 0.5).
    const shifted = occlusion(additive, images, { patch: [4, 6], baseline: 0.5 });
    expect(Math.abs(shifted.patches[0]![0]!.drop - pixels[0]!.reduce((s, v, k) => s + (v - 0.5) * weights[k]!, 0))).toBeLessThan(1e-4);
    tf.dispose([W, images]);
  });

  it('covers every pixel with overlapping or edge patches and names a bad patch', () => {
    const images = tf.ones([1, 5, 5]);
    const result = occlusion((x: tf.Tensor) => tf.sum(x, [1, 2]), images, { patch: 3, stride: 1 });
    expect(result.patches[0]).toHaveLength(9);
    result.attributions.data.forEach((v) => expect(v).toBeCloseTo(1, 5));
    const edge = occlusion((x: tf.Tensor) => tf.sum(x, [1, 2]), images, { patch: 2 });
    expect(edge.patches[0]!.map((p) => p.top)).toEqual([0, 0, 0, 2, 2, 2, 3, 3, 3]);
    expect(() => occlusion((x: tf.Tensor) => tf.sum(x, [1, 2]), images, { patch: 6 })).toThrow('Invalid value for `patch` in occlusion. Expected a positive integer or [height, width], at most [5, 5]. Received: 6.');
    images.dispose();
  });
});

describe('occludeTokens', () => {
  it('on an additive text model, each drop is v[id] − v[mask] and the drops add up to f(x) − f(all masked)', () => {
    const values = [0, 0.5, -1, 2, 0.25, -0.75];
    const table = tf.tensor1d(values);
    const additive = (x: tf.Tensor) => tf.sum(tf.gather(table, x), 1);
    const rows = [
      [0, 0, 3, 2, 5],
      [1, 4, 4, 2, 3],
    ];
    const ids = tf.tensor2d(rows, [2, 5], 'int32');
    const result = expectNoLeakedTensors(() => occludeTokens(additive, ids, { maskId: 1, skipIds: [0] }));
    rows.forEach((row, r) => {
      row.forEach((id, t) => expect(result.tokens[r]![t]).toBeCloseTo(id === 0 ? 0 : values[id]! - values[1]!, 6));
      const masked = row.reduce((s, id) => s + (id === 0 ? 0 : values[1]!), 0);
      expect(result.tokens[r]!.reduce((s, v) => s + v, 0)).toBeCloseTo(result.scores[r]! - masked, 5);
    });
    tf.dispose([table, ids]);
  });
});
