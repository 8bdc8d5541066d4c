import { describe, expect, it } from 'vitest';
import { randomResample } from './random-resample.js';

const labels = [0, 0, 0, 0, 0, 0, 1, 1];

describe('randomResample', () => {
  it('under-sampling keeps all positives and as many distinct negatives', () => {
    const indices = randomResample(labels, { strategy: 'under', seed: 4 });
    expect(indices).toHaveLength(4);
    expect(indices).toEqual(expect.arrayContaining([6, 7]));
    expect(new Set(indices).size).toBe(4);
    expect(indices.filter((i) => labels[i] === 0)).toHaveLength(2);
    expect(randomResample(labels, { strategy: 'under', seed: 4 })).toEqual(indices);
  });

  it('over-sampling keeps every row and repeats positives to equal counts', () => {
    const indices = randomResample(labels, { strategy: 'over', seed: 4 });
    expect(indices).toHaveLength(12);
    expect(indices.filter((i) => labels[i] === 1)).toHaveLength(6);
    expect(() => randomResample([0, 1], { strategy: 'sideways' as 'under' })).toThrow("Invalid value for `strategy` in randomResample. Expected 'under' or 'over'. Received: 'sideways'.");
  });
});
