import { describe, expect, it } from 'vitest';
import { KneserNey } from './ngram.js';

/** Rows of `length` ids from lists (right-padded with 0). */
function rows(lists: number[][], length: number): { ids: Int32Array; count: number; length: number } {
  const ids = new Int32Array(lists.length * length);
  lists.forEach((list, r) => ids.set(list, r * length));
  return { ids, count: lists.length, length };
}

// An independent reference: interpolated Kneser-Ney written from Chen & Goodman's equations over
// plain lists of n-grams (no integer keys, no shared counts); a history shorter than `order - 1`
// is left-padded with 0, as the rows' first targets are.
function referenceProbability(sequences: number[][], order: number, V: number, shortContext: number[], token: number): number {
  const context = [...new Array<number>(Math.max(0, order - 1 - shortContext.length)).fill(0), ...shortContext];
  const grams: number[][] = [];
  for (const s of sequences) {
    // Targets are positions 1.. of each row; their histories are the row before them, left-padded with 0.
    const full = [...new Array<number>(order - 1).fill(0), ...s];
    for (let t = 1; t < s.length; t++) grams.push(full.slice(t, t + order));
  }
  const countsAt = (k: number): Map<string, number> => {
    const m = new Map<string, number>();
    if (k === order) {
      for (const g of grams) m.set(g.join(' '), (m.get(g.join(' ')) ?? 0) + 1);
      return m;
    }
    const higher = countsAt(k + 1);
    for (const key of higher.keys()) {
      const shorter = key.split(' ').slice(1).join(' ');
      m.set(shorter, (m.get(shorter) ?? 0) + 1);
    }
    return m;
  };
  let p = 1 / V;
  for (let k = 1; k <= order; k++) {
    const counts = countsAt(k);
    const values = [...counts.values()];
    const n1 = values.filter((c) => c === 1).length;
    const n2 = values.filter((c) => c === 2).length;
    const D = n1 + n2 === 0 ? 0.5 : Math.min(0.95, Math.max(0.05, n1 / (n1 + 2 * n2)));
    const history = context.slice(context.length - (k - 1));
    const prefix = k === 1 ? '' : `${history.join(' ')} `;
    const matching = [...counts.entries()].filter(([key]) => (k === 1 ? true : key.startsWith(prefix) && key.split(' ').length === k));
    if (matching.length === 0) continue;
    const total = matching.reduce((a, [, c]) => a + c, 0);
    const count = counts.get(`${prefix}${token}`) ?? 0;
    p = Math.max(count - D, 0) / total + ((D * matching.length) / total) * p;
  }
  return p;
}

describe('KneserNey', () => {
  const V = 8;
  const lists = [
    [3, 1, 5, 6, 7, 5, 6, 2],
    [4, 1, 6, 5, 6, 5, 7, 2],
    [3, 5, 6, 7, 7, 5, 2],
    [4, 1, 7, 7, 6, 2],
  ];
  const data = rows(lists, 9);

  it.each([1, 2, 3, 6])('order %i: probabilities sum to 1 over the vocabulary for every history, seen or not', (order) => {
    const model = KneserNey.fit(data, { order, vocabularySize: V, padId: 0 });
    for (const history of [[], [3], [3, 1], [1, 5], [7, 7], [6, 6], [0, 0]]) {
      const total = Array.from({ length: V }, (_, w) => Math.exp(model.logProb(history, w))).reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(1, 12);
    }
  });

  it.each([1, 2, 3, 6])('order %i: equals a list-based reference of the same equations (1e-12)', (order) => {
    const model = KneserNey.fit(data, { order, vocabularySize: V, padId: 0 });
    for (const history of [[3, 1], [1, 5], [5, 6], [7, 7], [6, 6], [0, 3]]) {
      for (let w = 0; w < V; w++) expect(Math.exp(model.logProb(history, w))).toBeCloseTo(referenceProbability(lists, order, V, history, w), 12);
    }
  });

  it('nll sums -log P over every target up to the padding', () => {
    const model = KneserNey.fit(data, { order: 2, vocabularySize: V, padId: 0 });
    const { nats, tokens } = model.nll(rows([[3, 1, 5, 2]], 6));
    expect(tokens).toBe(3);
    expect(nats).toBeCloseTo(-(model.logProb([3], 1) + model.logProb([1], 5) + model.logProb([5], 2)), 12);
  });

  it('nll of sliding windows (scoreFrom) scores only the targets from scoreFrom on, with the ids before them as history', () => {
    const model = KneserNey.fit(data, { order: 3, vocabularySize: V, padId: 0 });
    // One review [3 | 1 5 6 7 5 2] cut into windows of 4 targets with 2 of context: the second
    // window's first two targets are history only.
    const windows = { ...rows([[3, 1, 5, 6, 7], [3, 6, 7, 5, 2]], 5), scoreFrom: Int32Array.from([1, 3]) };
    const { nats, tokens } = model.nll(windows);
    const review = [3, 1, 5, 6, 7, 5, 2];
    let expected = 0;
    for (let t = 1; t < review.length; t++) expected -= model.logProb(review.slice(0, t), review[t]!);
    expect(tokens).toBe(6);
    expect(nats).toBeCloseTo(expected, 12);
    // targetNll: the same targets one by one, in the order nll visits them.
    const perTarget = model.targetNll(windows);
    expect(Array.from(perTarget, (x) => x.toFixed(12))).toEqual(review.slice(1).map((id, i) => (-model.logProb(review.slice(0, i + 1), id)).toFixed(12)));
  });

  it('trainingCounts gives each target the training count of its n-gram of the highest order (hand-counted)', () => {
    const model = KneserNey.fit(data, { order: 3, vocabularySize: V, padId: 0 });
    // Targets of [3 1 6] (histories left-padded with 0): "0 3 1" occurs in training row 1 only, "3 1 6" never.
    expect(Array.from(model.trainingCounts(rows([[3, 1, 6]], 5)))).toEqual([1, 0]);
    // Targets of [4 1 7 7 5]: "0 4 1" starts rows 2 and 4, "4 1 7" and "1 7 7" are in row 4, "7 7 5" in row 3.
    expect(Array.from(model.trainingCounts(rows([[4, 1, 7, 7, 5]], 5)))).toEqual([2, 1, 1, 1]);
  });

  it.each([
    [5, 2048],
    [6, 1024],
    [8, 1_000_000],
  ])('order %i over %i ids (keys past 2^53, so bigints): equals the list-based reference (1e-12) and sums to 1', (order, vocabularySize) => {
    // The same rows with ids moved to the top of the vocabulary (0 stays padding), so that the keys are past 2^53.
    const high = (id: number) => (id === 0 ? 0 : vocabularySize - id);
    const highLists = lists.map((list) => list.map(high));
    const model = KneserNey.fit(rows(highLists, 9), { order, vocabularySize, padId: 0 });
    for (const history of [[3, 1], [1, 5, 6], [7, 7], [0, 3]].map((h) => h.map(high))) {
      for (let w = 1; w < V; w++) expect(Math.exp(model.logProb(history, high(w)))).toBeCloseTo(referenceProbability(highLists, order, vocabularySize, history, high(w)), 12);
    }
    if (vocabularySize <= 2048) {
      const total = Array.from({ length: vocabularySize }, (_, w) => Math.exp(model.logProb([1, 5, 6, 7].map(high), w))).reduce((a, b) => a + b, 0);
      expect(total).toBeCloseTo(1, 12);
    }
  });

  it('refuses a vocabulary size that is not a positive integer and an order above 8', () => {
    expect(() => KneserNey.fit(data, { order: 3, vocabularySize: 0, padId: 0 })).toThrow('vocabulary size must be a positive integer; received 0.');
    expect(() => KneserNey.fit(data, { order: 9, vocabularySize: V, padId: 0 })).toThrow('n-gram order must be an integer from 1 to 8; received 9.');
  });
});
