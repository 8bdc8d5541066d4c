import { describe, expect, it } from 'vitest';
import { seededRandom } from './rng.js';
import { selectTopK, TopKIndex } from './top-k.js';

describe('selectTopK', () => {
  it('equals a full sort on random scores, with exclusions', () => {
    const random = seededRandom(11);
    const scores = Float32Array.from({ length: 500 }, () => Math.round(random() * 50)); // many ties
    const exclude = Uint8Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? 1 : 0));
    const expected = Array.from(scores, (score, index) => ({ score, index }))
      .filter(({ index }) => exclude[index] === 0)
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, 25);
    const top = selectTopK(scores, 25, exclude);
    expect(Array.from(top.indices)).toEqual(expected.map((e) => e.index));
    expect(Array.from(top.scores)).toEqual(expected.map((e) => e.score));
  });

  it('returns fewer than k when there are fewer candidates, and none for k = 0', () => {
    expect(Array.from(selectTopK([3, 1], 5).indices)).toEqual([0, 1]);
    expect(selectTopK([3, 1], 0).indices.length).toBe(0);
    expect(() => selectTopK([1], -1)).toThrow('Invalid value for `k` in selectTopK. Expected a non-negative integer. Received: -1.');
  });
});

describe('TopKIndex', () => {
  const vectors = Float32Array.of(1, 0, 10, 10, 0, 2);
  it('ranks by dot product', () => {
    const index = new TopKIndex(vectors, 2);
    expect(Array.from(index.query([1, 0], 3).indices)).toEqual([1, 0, 2]);
  });
  it('ranks by cosine', () => {
    const index = new TopKIndex(vectors, 2, { metric: 'cosine' });
    const top = index.query([1, 0], 3);
    expect(Array.from(top.indices)).toEqual([0, 1, 2]);
    expect(top.scores[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });
  it('rejects a query of the wrong length', () => {
    expect(() => new TopKIndex(vectors, 2).query([1], 1)).toThrow(
      'Invalid value for `query` in TopKIndex.scores. Expected length 2. Received: 1.',
    );
  });
});
