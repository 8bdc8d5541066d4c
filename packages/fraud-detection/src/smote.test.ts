import { describe, expect, it } from 'vitest';
import { smote } from './smote.js';

describe('smote', () => {
  // Two far-apart pairs: with k = 1 each row's only neighbour is its pair partner.
  const rows = [[0, 0], [1, 1], [10, 0], [10, 2]];

  it('places every synthetic point on a segment between same-class nearest neighbours', () => {
    const synthetic = smote(rows, { count: 50, neighbours: 1, seed: 3 });
    expect(synthetic).toHaveLength(50);
    for (const [x, y] of synthetic) {
      const onFirst = Math.abs(x! - y!) < 1e-12 && x! >= 0 && x! <= 1;
      const onSecond = Math.abs(x! - 10) < 1e-12 && y! >= 0 && y! <= 2;
      expect(onFirst || onSecond).toBe(true);
    }
  });

  it('is deterministic per seed and names bad input', () => {
    expect(smote(rows, { count: 5, seed: 9 })).toEqual(smote(rows, { count: 5, seed: 9 }));
    expect(() => smote([[0, NaN], [1, 1]], { count: 1 })).toThrow('Invalid value for `minorityRows[0][1]` in smote. Expected a finite number (impute first). Received: NaN.');
  });
});
