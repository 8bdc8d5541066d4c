import { describe, expect, it } from 'vitest';
import { kFold, timeSplit, trainTestSplit } from './train-test-split.js';

const items = Array.from({ length: 100 }, (_, i) => i);
// 80 of class 'a', 20 of class 'b'.
const labels = items.map((i) => (i % 5 === 0 ? 'b' : 'a'));

describe('trainTestSplit', () => {
  it('is reproducible with a seed and partitions every item exactly once', () => {
    const first = trainTestSplit(items, { testFraction: 0.25, seed: 3 });
    const second = trainTestSplit(items, { testFraction: 0.25, seed: 3 });
    expect(first.testIndices).toEqual(second.testIndices);
    expect(first.test).toHaveLength(25);
    expect([...first.train, ...first.test].sort((a, b) => a - b)).toEqual(items);
    expect(trainTestSplit(items, { testFraction: 0.25, seed: 4 }).testIndices).not.toEqual(first.testIndices);
  });

  it('keeps class proportions when stratified (20% test: 16 a + 4 b)', () => {
    const { test, train } = trainTestSplit(items, { testFraction: 0.2, seed: 1, stratifyBy: labels });
    expect(test.filter((i) => labels[i] === 'b')).toHaveLength(4);
    expect(test.filter((i) => labels[i] === 'a')).toHaveLength(16);
    expect(train.filter((i) => labels[i] === 'b')).toHaveLength(16);
  });

  it('rejects a bad fraction with the standard message', () => {
    expect(() => trainTestSplit(items, { testFraction: 1.5 })).toThrow(
      'Invalid value for `testFraction` in trainTestSplit. Expected a number strictly between 0 and 1. Received: 1.5.',
    );
  });
});

describe('kFold', () => {
  it('puts every index in exactly one validation fold and stratifies classes', () => {
    const folds = kFold(100, { folds: 5, seed: 2, stratifyBy: labels });
    const seen = folds.flatMap((fold) => fold.validationIndices).sort((a, b) => a - b);
    expect(seen).toEqual(items);
    for (const fold of folds) {
      expect(fold.validationIndices).toHaveLength(20);
      expect(fold.validationIndices.filter((i) => labels[i] === 'b')).toHaveLength(4);
      expect(fold.trainIndices).toHaveLength(80);
    }
  });
});

describe('timeSplit', () => {
  it('puts earlier items in train and the cutoff and later in test', () => {
    const events = [{ t: 5 }, { t: 1 }, { t: 3 }, { t: 9 }];
    const { train, test } = timeSplit(events, { timeOf: (e) => e.t, cutoff: 5 });
    expect(train.map((e) => e.t)).toEqual([1, 3]);
    expect(test.map((e) => e.t)).toEqual([5, 9]);
  });
});
