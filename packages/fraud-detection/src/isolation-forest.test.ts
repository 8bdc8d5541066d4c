import { describe, expect, it } from 'vitest';
import { averagePathLength, IsolationForest } from './index.js';
import { seededRandom } from './random.js';

describe('IsolationForest', () => {
  it('c(n) matches the formula of Liu et al. (hand-computed)', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // c(256) = 2 (ln 255 + γ) - 2·255/256
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649015329) - (2 * 255) / 256, 12);
  });

  it('scores planted outliers above every normal point, deterministically per seed', () => {
    const random = seededRandom(3);
    const normal = Array.from({ length: 300 }, () => [random() * 2 - 1, random() * 2 - 1]);
    const outliers = [[6, 6], [-7, 5], [8, -6]];
    const rows = [...normal, ...outliers];
    const forest = new IsolationForest({ trees: 100, sampleSize: 128, seed: 1 }).fit(rows);
    const scores = forest.score(rows);
    const maxNormal = Math.max(...scores.slice(0, 300));
    for (const s of scores.slice(300)) expect(s).toBeGreaterThan(maxNormal);
    for (const s of scores) expect(s > 0 && s <= 1).toBe(true);
    expect(Array.from(new IsolationForest({ trees: 100, sampleSize: 128, seed: 1 }).fit(rows).score(rows))).toEqual(Array.from(scores));
    expect(Array.from(new IsolationForest({ trees: 100, sampleSize: 128, seed: 2 }).fit(rows).score(rows))).not.toEqual(Array.from(scores));
  });

  it('names bad input', () => {
    expect(() => new IsolationForest({ trees: 0 })).toThrow(/Invalid value for `trees` in IsolationForest/);
    expect(() => new IsolationForest().fit([[1, 2], [1]])).toThrow('IsolationForest.fit: row 1 has 1 features, row 0 has 2.');
    expect(() => new IsolationForest().fit([[1], [Number.NaN]])).toThrow(/row 1, feature 0 is NaN; impute missing values first/);
    expect(() => new IsolationForest().score([[1]])).toThrow(/call fit\(rows\) first/);
  });
});

describe('IsolationForest save and load', () => {
  const random = seededRandom(4);
  const rows = Array.from({ length: 400 }, () => [random() * 2 - 1, random() * 2 - 1, random() * 10]);
  const forest = new IsolationForest({ trees: 50, sampleSize: 64, seed: 3 }).fit(rows);

  it('round-trips through JSON text to identical scores, also on rows it never saw', () => {
    const restored = IsolationForest.fromJSON(JSON.parse(JSON.stringify(forest.toJSON())));
    const unseen = Array.from({ length: 200 }, () => [random() * 6 - 3, random() * 6 - 3, random() * 30 - 10]);
    expect(Array.from(restored.score(rows))).toEqual(Array.from(forest.score(rows)));
    expect(Array.from(restored.score(unseen))).toEqual(Array.from(forest.score(unseen)));
    expect(restored.toJSON()).toEqual(forest.toJSON());
    expect(restored).toMatchObject({ trees: 50, sampleSize: 64, seed: 3 });
  });

  it('names the bad field of malformed JSON, down to the tree node', () => {
    const good = forest.toJSON();
    const load = (json: unknown) => () => IsolationForest.fromJSON(json as never);
    expect(() => new IsolationForest().toJSON()).toThrow('IsolationForest.toJSON: call fit(rows) first.');
    expect(load({ ...good, format: 'loom-ml/logistic-regression' })).toThrow("Invalid value for `format` in IsolationForest.fromJSON. Expected 'loom-ml/isolation-forest' (the output of toJSON()). Received: 'loom-ml/logistic-regression'.");
    expect(load({ ...good, forest: [] })).toThrow('Invalid value for `forest` in IsolationForest.fromJSON. Expected a non-empty array of trees. Received: [].');
    expect(load({ ...good, features: 0 })).toThrow('Invalid value for `features` in IsolationForest.fromJSON. Expected an integer >= 1. Received: 0.');
    expect(load({ ...good, usedSampleSize: 65 })).toThrow('Invalid value for `usedSampleSize` in IsolationForest.fromJSON. Expected at most sampleSize (64). Received: 65.');
    const tree = (node: unknown) => ({ ...good, forest: [good.forest[0], node] });
    expect(load(tree({ feature: 3, split: 0, left: { size: 1 }, right: { size: 1 } }))).toThrow('Invalid value for `forest[1].feature` in IsolationForest.fromJSON. Expected an integer from 0 to 2. Received: 3.');
    expect(load(tree({ feature: 0, split: 0, left: { size: 1 }, right: { feature: 1, split: 'x', left: { size: 1 }, right: { size: 1 } } }))).toThrow("Invalid value for `forest[1].right.split` in IsolationForest.fromJSON. Expected a finite number. Received: 'x'.");
    expect(load(tree({ feature: 0, split: 0, left: { size: -1 }, right: { size: 1 } }))).toThrow('Invalid value for `forest[1].left.size` in IsolationForest.fromJSON. Expected an integer from 0 to usedSampleSize (64). Received: -1.');
    expect(load(tree({ feature: 0, split: 0, left: { size: 1 } }))).toThrow('Invalid value for `forest[1].right` in IsolationForest.fromJSON. Expected a tree node ({ size } or { feature, split, left, right }). Received: null.');
    // A chain deeper than fit() grows (ceil(log2 64) = 6 splits) is rejected instead of trusted.
    let deep: unknown = { size: 1 };
    for (let depth = 0; depth < 7; depth++) deep = { feature: 0, split: 0, left: deep, right: { size: 1 } };
    expect(load(tree(deep))).toThrow('Invalid value for `forest[1].left.left.left.left.left.left` in IsolationForest.fromJSON. Expected a leaf ({ size }) at depth 6, the height limit for 64 samples. Received: \'a split node\'.');
  });
});
