// measureStorage on both tiny sentiment models (cpu backend, random weights): seconds.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Sequential } from '@loom-ml/layers';
import { formatStorageTable, measureStorage } from './compression.js';
import { buildModel } from './models.js';

describe.each(['lstm', 'transformer'] as const)('measureStorage, %s', (kind) => {
  it('float32, int8 and float16 files; each loaded back, evaluated, and within its rounding of the model', async () => {
    const model = buildModel(kind, { vocabularySize: 200, maxLength: 8 }, 3);
    const ids = tf.randomUniform([32, 8], 0, 200, 'int32', 4);
    const expected = model.apply(ids) as tf.Tensor;
    const expectedValues = expected.dataSync();
    const before = tf.memory().numTensors;
    const gaps: number[] = [];
    // The "accuracy" here is the largest gap to the original's probabilities, to see each file's rounding.
    const rows = await measureStorage(model, async (loaded: Sequential) => {
      const values = tf.tidy(() => (loaded.apply(ids) as tf.Tensor).dataSync());
      const gap = Math.max(...Array.from(values, (v, i) => Math.abs(v - expectedValues[i]!)));
      gaps.push(gap);
      return 1 - gap;
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((row) => row.format)).toEqual(['float32', 'int8', 'float16']);
    const [float32, int8, float16] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    expect(gaps[0]).toBe(0); // float32 loads back bit for bit
    expect(gaps[1]).toBeLessThan(0.01); // probabilities near 0.5 from random weights: int8 steps of max|w|/127
    expect(gaps[2]).toBeLessThan(1e-3); // float16: 11 significant bits
    expect(float32.smaller).toBe(1);
    expect(int8.bytes).toBeLessThan(float16.bytes);
    expect(float16.bytes).toBeLessThan(float32.bytes);
    expect(int8.smaller).toBe(float32.bytes / int8.bytes);
    expect(int8.pointsLost).toBeCloseTo(100 * gaps[1]!, 10);
    expect(formatStorageTable([{ name: kind, rows }]).split('\n')).toHaveLength(5);
    tf.dispose([ids, expected]);
    model.dispose();
  });
});
