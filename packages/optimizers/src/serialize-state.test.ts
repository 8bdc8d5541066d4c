import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deserializeOptState, serializeOptState } from './serialize-state.js';
import { collectTensors } from './tree.js';
import type { OptState } from './types.js';

describe('serializeOptState / deserializeOptState', () => {
  it('round-trips tensors bit for bit, numbers, nulls, NaN and infinities, and parameters named "shape"', async () => {
    const state: OptState = [
      { count: 3, best: -Infinity, nan: Number.NaN, mu: { shape: tf.tensor1d([0.1, 1 / 3]), values: tf.tensor2d([[1e-30]]) } },
      null,
    ];
    const json = JSON.parse(JSON.stringify(await serializeOptState(state)));
    const restored = deserializeOptState(json, state) as OptState[];
    const original = collectTensors(state);
    const copies = collectTensors(restored);
    expect(copies.map((t) => Array.from(t.dataSync()))).toEqual(original.map((t) => Array.from(t.dataSync())));
    expect(copies.map((t) => t.shape)).toEqual([[2], [1, 1]]);
    const first = restored[0] as Record<string, OptState>;
    expect(first.count).toBe(3);
    expect(first.best).toBe(-Infinity);
    expect(first.nan).toBeNaN();
    expect(restored[1]).toBeNull();
    tf.dispose([...original, ...copies]);
  });
});
