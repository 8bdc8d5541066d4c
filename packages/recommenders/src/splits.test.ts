import { describe, expect, it } from 'vitest';
import type { InteractionEvent } from './interactions.js';
import { seededRandom } from './rng.js';
import { leaveKOut, randomSplit, timeSplit, type InteractionSplit } from './splits.js';

/** 30 users × up to 25 items, some pairs repeated (re-watches), timestamps increasing. */
function syntheticEvents(): InteractionEvent[] {
  const random = seededRandom(7);
  const events: InteractionEvent[] = [];
  let time = 0;
  for (let user = 0; user < 30; user++) {
    for (let item = 0; item < 25; item++) {
      if (random() < 0.4) {
        events.push({ user: `u${user}`, item: `i${item}`, value: 1 + Math.floor(random() * 5), timestamp: time++ });
        if (random() < 0.2) events.push({ user: `u${user}`, item: `i${item}`, value: 1, timestamp: time++ });
      }
    }
  }
  return events;
}

/** No (user, item) pair of the test matrix may be stored in train, and every test entry is a real event. */
function expectNoLeak(split: InteractionSplit, events: InteractionEvent[]): void {
  const { train, test } = split;
  const pairs = new Set(events.map((e) => `${e.user}|${e.item}`));
  for (let user = 0; user < test.rows; user++) {
    for (const item of test.rowIndices(user)) {
      expect(train.matrix.has(user, item)).toBe(false);
      expect(pairs.has(`${train.users.idAt(user)}|${train.items.idAt(item)}`)).toBe(true);
    }
  }
  // Train is built from train events only: no test event's pair contributes to it.
  const testPairs = new Set(split.testEvents.map((e) => `${e.user}|${e.item}`));
  for (const e of split.trainEvents) expect(testPairs.has(`${e.user}|${e.item}`)).toBe(false);
}

describe('randomSplit', () => {
  const events = syntheticEvents();

  it('holds out about 20% of each user’s distinct items, without leaks', () => {
    const split = randomSplit(events, { testFraction: 0.2, seed: 3 });
    expectNoLeak(split, events);
    for (let user = 0; user < split.train.matrix.rows; user++) {
      const trainCount = split.train.matrix.rowIndices(user).length;
      const testCount = split.test.rowIndices(user).length;
      const total = trainCount + testCount;
      expect(testCount).toBe(Math.min(Math.round(0.2 * total), total - 1));
    }
    expect(split.trainEvents.length + split.testEvents.length).toBe(events.length);
  });

  it('is reproducible from the seed and changes with it', () => {
    const a = randomSplit(events, { seed: 1 });
    const b = randomSplit(events, { seed: 1 });
    const c = randomSplit(events, { seed: 2 });
    expect(a.testEvents).toEqual(b.testEvents);
    expect(a.testEvents).not.toEqual(c.testEvents);
  });

  it('drops test items never seen in training and counts them', () => {
    const few: InteractionEvent[] = [
      { user: 'a', item: 'x' },
      { user: 'a', item: 'only-in-test' },
    ];
    // With testFraction 0.5 one of the two items is held out; try seeds until it is the rare one.
    let split = randomSplit(few, { testFraction: 0.5, seed: 0 });
    for (let seed = 1; split.trainEvents.some((e) => e.item === 'only-in-test'); seed++) {
      split = randomSplit(few, { testFraction: 0.5, seed });
    }
    expect(split.train.items.has('only-in-test')).toBe(false);
    expect(split.test.nnz).toBe(0);
    expect(split.dropped).toEqual({ events: 1, users: 0, items: 1, pairsAlsoInTrain: 0 });
  });

  it('rejects testFraction outside [0, 1)', () => {
    expect(() => randomSplit(events, { testFraction: 1 })).toThrow(
      'Invalid value for `testFraction` in randomSplit. Expected a number in [0, 1). Received: 1.',
    );
  });
});

describe('leaveKOut', () => {
  const events = syntheticEvents();

  it('holds out each user’s k most recent items', () => {
    const split = leaveKOut(events, { k: 2, by: 'time' });
    expectNoLeak(split, events);
    const latest = new Map<string, number>();
    for (const e of events) latest.set(`${e.user}|${e.item}`, Math.max(latest.get(`${e.user}|${e.item}`) ?? -1, e.timestamp!));
    const { train, test } = split;
    for (let user = 0; user < test.rows; user++) {
      const id = train.users.idAt(user);
      const testTimes = Array.from(test.rowIndices(user), (i) => latest.get(`${id}|${train.items.idAt(i)}`)!);
      const trainTimes = Array.from(train.matrix.rowIndices(user), (i) => latest.get(`${id}|${train.items.idAt(i)}`)!);
      expect(testTimes.length).toBeLessThanOrEqual(2);
      if (testTimes.length > 0) expect(Math.min(...testTimes)).toBeGreaterThan(Math.max(...trainTimes));
    }
  });

  it('keeps users with k or fewer items entirely in train', () => {
    const split = leaveKOut(
      [
        { user: 'a', item: 'x', timestamp: 1 },
        { user: 'b', item: 'x', timestamp: 2 },
        { user: 'b', item: 'y', timestamp: 3 },
        { user: 'a', item: 'y', timestamp: 4 },
        { user: 'a', item: 'z', timestamp: 5 },
      ],
      { k: 2, by: 'random', seed: 4 },
    );
    expect(split.testEvents.every((e) => e.user === 'a')).toBe(true);
    expect(split.trainEvents.filter((e) => e.user === 'b')).toHaveLength(2);
  });

  it('needs timestamps when splitting by time', () => {
    expect(() => leaveKOut([{ user: 1, item: 2 }])).toThrow(
      "Invalid value for `timestamp` in leaveKOut (by: 'time'). Expected a number on every event. Received: undefined.",
    );
  });
});

describe('timeSplit', () => {
  const events = syntheticEvents();

  it('puts events before the cutoff in train and never leaks a pair', () => {
    const cutoff = 300;
    const split = timeSplit(events, { cutoff });
    expectNoLeak2(split);
    expect(split.trainEvents.every((e) => e.timestamp! < cutoff)).toBe(true);
    expect(split.testEvents.every((e) => e.timestamp! >= cutoff)).toBe(true);
    // Users after the cutoff were never seen before it: all their events are dropped.
    expect(split.dropped.users).toBeGreaterThan(0);
    expect(split.test.nnz).toBe(split.testEvents.length - split.dropped.events);
  });

  it('drops a re-consumed pair from test', () => {
    const split = timeSplit(
      [
        { user: 'a', item: 'x', timestamp: 1 },
        { user: 'a', item: 'y', timestamp: 1 },
        { user: 'a', item: 'x', timestamp: 9 },
        { user: 'a', item: 'y', timestamp: 9 },
        { user: 'b', item: 'x', timestamp: 2 },
        { user: 'b', item: 'y', timestamp: 9 },
      ],
      { cutoff: 5 },
    );
    expect(split.dropped.pairsAlsoInTrain).toBe(2);
    expect(split.test.nnz).toBe(1);
    expect(split.test.get(split.train.users.indexOf('b'), split.train.items.indexOf('y'))).toBe(1);
  });

  it('places the cutoff at a quantile when given testFraction', () => {
    const split = timeSplit(events, { testFraction: 0.25 });
    expect(split.testEvents.length).toBe(events.length - Math.floor(0.75 * events.length));
  });

  /** Time split may legitimately have a pair on both sides in the raw events; the matrices must not. */
  function expectNoLeak2(split: InteractionSplit): void {
    for (let user = 0; user < split.test.rows; user++) {
      for (const item of split.test.rowIndices(user)) expect(split.train.matrix.has(user, item)).toBe(false);
    }
  }
});
