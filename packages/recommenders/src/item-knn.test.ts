import { describe, expect, it } from 'vitest';
import { CsrMatrix } from './csr-matrix.js';
import { ItemKnnRecommender } from './item-knn.js';
import { seededRandom } from './rng.js';
import { selectTopK } from './top-k.js';

// 3 users × 4 items. Item columns: i0 = (2,1,0), i1 = (1,0,1), i2 = (0,3,1), i3 = (0,0,1).
const dense = [
  [2, 1, 0, 0],
  [1, 0, 3, 0],
  [0, 1, 1, 1],
];
const rows: number[] = [];
const columns: number[] = [];
const values: number[] = [];
dense.forEach((row, r) =>
  row.forEach((v, c) => {
    if (v !== 0) rows.push(r), columns.push(c), values.push(v);
  }),
);
const matrix = CsrMatrix.fromTriplets(3, 4, rows, columns, values);
// Cosines worked out by hand (tolerance 1e-6).
const cosine = [
  [1, 2 / Math.sqrt(10), 3 / Math.sqrt(50), 0],
  [2 / Math.sqrt(10), 1, 1 / Math.sqrt(20), Math.SQRT1_2],
  [3 / Math.sqrt(50), 1 / Math.sqrt(20), 1, 1 / Math.sqrt(10)],
  [0, Math.SQRT1_2, 1 / Math.sqrt(10), 1],
];

describe('ItemKnnRecommender (cosine)', () => {
  const knn = new ItemKnnRecommender({ neighbours: 4 }).fit(matrix);

  it('computes item-item cosine similarities', () => {
    for (let i = 0; i < 4; i++) {
      const row = knn.similarityRow(i);
      for (let j = 0; j < 4; j++) expect(row[j]).toBeCloseTo(cosine[i]![j]!, 6);
    }
  });

  it('similarItems ranks the other items by similarity', () => {
    const similar = knn.similarItems(3, 2);
    expect(similar.map((s) => s.item)).toEqual([1, 2]);
    expect(similar[0]!.score).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('scores a user as Σ r_ui·sim(i, j) and excludes seen items', () => {
    // User 0 has r = 2 for item 0 and 1 for item 1.
    const expected2 = 2 * cosine[0]![2]! + cosine[1]![2]!;
    const expected3 = 2 * cosine[0]![3]! + cosine[1]![3]!;
    const recs = knn.recommend(0, 5);
    expect(recs.map((r) => r.item)).toEqual([2, 3]);
    expect(recs[0]!.score).toBeCloseTo(expected2, 5);
    expect(recs[1]!.score).toBeCloseTo(expected3, 5);
    expect(knn.recommend(0, 5, { excludeSeen: false }).map((r) => r.item)).toContain(0);
  });

  it('recommendFromItems scores a new user like a known user with the same history', () => {
    expect(knn.recommendFromItems([0, 1], 5, { values: [2, 1] })).toEqual(knn.recommend(0, 5));
    expect(() => knn.recommendFromItems([4], 1)).toThrow(
      'Invalid value for `items[0]` in ItemKnnRecommender.recommendFromItems. Expected an integer in [0, 4). Received: 4.',
    );
  });

  it('keeps only the top neighbours per item (the item itself included)', () => {
    const small = new ItemKnnRecommender({ neighbours: 2 }).fit(matrix);
    expect(Array.from(small.similarityMatrix.rowIndices(0))).toEqual([0, 1]);
    expect(Array.from(small.similarityMatrix.rowIndices(3))).toEqual([1, 3]);
  });
});

describe('ItemKnnRecommender options', () => {
  it('bm25 similarity is the dot product of BM25-weighted item rows', () => {
    const knn = new ItemKnnRecommender({ weighting: 'bm25', bm25: { k1: 1.2, b: 0.75 } }).fit(matrix);
    // Weighted item × user rows computed by hand: N = 4 items; user document frequencies 2, 2, 3.
    const lengths = [3, 2, 4, 1];
    const average = 10 / 4;
    const idf = [Math.log(4) - Math.log(3), Math.log(4) - Math.log(3), Math.log(4) - Math.log(4)];
    const weight = (item: number, user: number): number => {
      const v = dense[user]![item]!;
      if (v === 0) return 0;
      const norm = 0.25 + (0.75 * lengths[item]!) / average;
      return ((v * 2.2) / (1.2 * norm + v)) * idf[user]!;
    };
    const expected = [0, 1, 2].reduce((sum, u) => sum + weight(0, u) * weight(2, u), 0);
    expect(knn.similarityRow(0)[2]).toBeCloseTo(expected, 5);
  });

  it('rejects bad options', () => {
    expect(() => new ItemKnnRecommender({ neighbours: 0 })).toThrow(
      'Invalid value for `neighbours` in ItemKnnRecommender. Expected a positive integer. Received: 0.',
    );
    expect(() => new ItemKnnRecommender().recommend(0, 1)).toThrow('ItemKnnRecommender is not fitted');
  });
});

describe('ItemKnnRecommender.fit on sparse data', () => {
  it('keeps exactly the top neighbours of the dense similarity rows (ties to the lower index), whatever path the fit takes', () => {
    // 600 items, users with 1 to 40 items: most items touch few others (sorted path), the
    // popular ones touch many (dense-scan path); 50 items have no users at all.
    const random = seededRandom(11);
    const r: number[] = [];
    const c: number[] = [];
    const v: number[] = [];
    for (let user = 0; user < 120; user++) {
      const count = 1 + Math.floor(random() ** 3 * 40);
      for (let n = 0; n < count; n++) {
        r.push(user);
        c.push(random() < 0.3 ? Math.floor(random() * 10) : 10 + Math.floor(random() * 540));
        v.push(1 + Math.floor(random() * 3));
      }
    }
    const sparse = CsrMatrix.fromTriplets(120, 600, r, c, v, { duplicates: 'last' });
    for (const weighting of ['cosine', 'bm25'] as const) {
      const knn = new ItemKnnRecommender({ neighbours: 7, weighting }).fit(sparse);
      const similarity = knn.similarityMatrix;
      for (let item = 0; item < 600; item++) {
        // Reference: the full (dense) similarity row, nonzero entries, best 7 with ties to the lower index.
        const row = knn.similarityRow(item);
        const expected = selectTopK(row, 7, (j) => row[j] === 0);
        // The similarity matrix stores each row by column, as CSR does.
        const byColumn = Array.from(expected.indices, (j, n) => [j, expected.scores[n]!]).sort((a, b) => a[0]! - b[0]!);
        expect(Array.from(similarity.rowIndices(item))).toEqual(byColumn.map(([j]) => j));
        expect(Array.from(similarity.rowValues(item))).toEqual(byColumn.map(([, score]) => score));
      }
      expect(similarity.rowIndices(590)).toHaveLength(0); // an item nobody has
    }
  });
});
