import { CsrMatrix, type DuplicatePolicy } from './csr-matrix.js';
import { invalidValue } from './errors.js';
import type { ExternalId } from './id-mapping.js';
import { buildInteractions, type InteractionEvent, type Interactions } from './interactions.js';
import { seededRandom, shuffleInPlace } from './rng.js';

/**
 * A train/test split. `test` is indexed like `train` (same users and items), so a model
 * fitted on `train.matrix` can be scored on it directly.
 */
export interface InteractionSplit {
  train: Interactions;
  /** Held-out user × item matrix in the train index space. */
  test: CsrMatrix;
  trainEvents: InteractionEvent[];
  testEvents: InteractionEvent[];
  /**
   * Test events left out of `test`: their user or item never occurs in train (a model cannot
   * score them), or the same (user, item) pair is also in train (time split only).
   */
  dropped: { events: number; users: number; items: number; pairsAlsoInTrain: number };
}

/** Options shared by all splits. */
export interface SplitOptions {
  /** How repeated (user, item) events combine in each matrix; default `'sum'`. */
  duplicates?: DuplicatePolicy;
}

/** Options of {@link randomSplit}. */
export interface RandomSplitOptions extends SplitOptions {
  /** Fraction of each user's items held out; default 0.2. */
  testFraction?: number;
  /** Seed of the shuffle; default 0. */
  seed?: number;
}

/**
 * Random per-user holdout: for every user, `round(testFraction · n)` of their n distinct items
 * (at most n − 1, so every user keeps one training item) go to test. All events of one
 * (user, item) pair go to the same side, so no test item leaks into training.
 *
 * @example
 * const split = randomSplit(events, { testFraction: 0.2, seed: 42 });
 * model.fit(split.train.matrix);
 */
export function randomSplit(
  events: readonly InteractionEvent[],
  options: RandomSplitOptions = {},
): InteractionSplit {
  const testFraction = options.testFraction ?? 0.2;
  if (!Number.isFinite(testFraction) || testFraction < 0 || testFraction >= 1) {
    throw invalidValue('testFraction', 'randomSplit', 'a number in [0, 1)', testFraction);
  }
  const random = seededRandom(options.seed ?? 0);
  const trainEvents: InteractionEvent[] = [];
  const testEvents: InteractionEvent[] = [];
  for (const pairs of groupPairs(events).values()) {
    const itemGroups = shuffleInPlace([...pairs.values()], random);
    const testCount = Math.min(Math.round(testFraction * itemGroups.length), itemGroups.length - 1);
    itemGroups.forEach((group, position) => (position < testCount ? testEvents : trainEvents).push(...group));
  }
  return finishSplit(trainEvents, testEvents, options.duplicates);
}

/** Options of {@link leaveKOut}. */
export interface LeaveKOutOptions extends SplitOptions {
  /** Items held out per user; default 1. */
  k?: number;
  /** `'time'` (default): the k items with the latest events; `'random'`: k at random. */
  by?: 'time' | 'random';
  /** Seed for `by: 'random'`; default 0. */
  seed?: number;
}

/**
 * Leave-k-out: for every user with more than k distinct items, hold out k of them (the most
 * recent by their latest timestamp, or random). Users with k or fewer items stay all in train.
 *
 * @example
 * const split = leaveKOut(events, { k: 1, by: 'time' });
 */
export function leaveKOut(events: readonly InteractionEvent[], options: LeaveKOutOptions = {}): InteractionSplit {
  const k = options.k ?? 1;
  const by = options.by ?? 'time';
  if (!Number.isInteger(k) || k < 1) throw invalidValue('k', 'leaveKOut', 'a positive integer', k);
  if (by !== 'time' && by !== 'random') throw invalidValue('by', 'leaveKOut', "'time' or 'random'", by);
  const random = seededRandom(options.seed ?? 0);
  const trainEvents: InteractionEvent[] = [];
  const testEvents: InteractionEvent[] = [];
  for (const pairs of groupPairs(events).values()) {
    let itemGroups = [...pairs.values()];
    if (by === 'random') {
      shuffleInPlace(itemGroups, random);
    } else {
      for (const event of itemGroups.flat()) {
        if (typeof event.timestamp !== 'number') {
          throw invalidValue('timestamp', "leaveKOut (by: 'time')", 'a number on every event', event.timestamp);
        }
      }
      // Latest first; ties keep input order.
      itemGroups = itemGroups
        .map((group, position) => ({ group, position, time: Math.max(...group.map((e) => e.timestamp as number)) }))
        .sort((a, b) => b.time - a.time || a.position - b.position)
        .map(({ group }) => group);
    }
    const testCount = itemGroups.length > k ? k : 0;
    itemGroups.forEach((group, position) => (position < testCount ? testEvents : trainEvents).push(...group));
  }
  return finishSplit(trainEvents, testEvents, options.duplicates);
}

/** Options of {@link timeSplit}: give `cutoff`, or `testFraction` to place it at a quantile. */
export interface TimeSplitOptions extends SplitOptions {
  /** Events with `timestamp >= cutoff` are test. */
  cutoff?: number;
  /** Fraction of events (by time) to hold out when `cutoff` is not given; default 0.2. */
  testFraction?: number;
}

/**
 * Global time split: everything before the cutoff trains, everything at or after it tests.
 * Test pairs the user already had in train are dropped from `test` (re-consumption is not a
 * new recommendation), as are test users and items never seen in train.
 *
 * @example
 * const split = timeSplit(events, { testFraction: 0.2 });
 */
export function timeSplit(events: readonly InteractionEvent[], options: TimeSplitOptions = {}): InteractionSplit {
  events.forEach((event, index) => {
    if (typeof event.timestamp !== 'number' || !Number.isFinite(event.timestamp)) {
      throw invalidValue(`events[${index}].timestamp`, 'timeSplit', 'a finite number', event.timestamp);
    }
  });
  let cutoff = options.cutoff;
  if (cutoff === undefined) {
    const testFraction = options.testFraction ?? 0.2;
    if (!Number.isFinite(testFraction) || testFraction <= 0 || testFraction >= 1) {
      throw invalidValue('testFraction', 'timeSplit', 'a number in (0, 1)', testFraction);
    }
    const times = events.map((event) => event.timestamp as number).sort((a, b) => a - b);
    cutoff = times[Math.min(times.length - 1, Math.floor((1 - testFraction) * times.length))] ?? 0;
  } else if (!Number.isFinite(cutoff)) {
    throw invalidValue('cutoff', 'timeSplit', 'a finite number', cutoff);
  }
  const trainEvents = events.filter((event) => (event.timestamp as number) < (cutoff as number));
  const testEvents = events.filter((event) => (event.timestamp as number) >= (cutoff as number));
  return finishSplit(trainEvents, testEvents, options.duplicates);
}

/** user → item → events, in first-seen order. */
function groupPairs(events: readonly InteractionEvent[]): Map<ExternalId, Map<ExternalId, InteractionEvent[]>> {
  const byUser = new Map<ExternalId, Map<ExternalId, InteractionEvent[]>>();
  for (const event of events) {
    let items = byUser.get(event.user);
    if (items === undefined) byUser.set(event.user, (items = new Map()));
    const group = items.get(event.item);
    if (group === undefined) items.set(event.item, [event]);
    else group.push(event);
  }
  return byUser;
}

function finishSplit(
  trainEvents: InteractionEvent[],
  testEvents: InteractionEvent[],
  duplicates: DuplicatePolicy | undefined,
): InteractionSplit {
  const train = buildInteractions(trainEvents, duplicates === undefined ? {} : { duplicates });
  const kept: InteractionEvent[] = [];
  const unknownUsers = new Set<ExternalId>();
  const unknownItems = new Set<ExternalId>();
  let pairsAlsoInTrain = 0;
  for (const event of testEvents) {
    const user = train.users.indexOf(event.user);
    const item = train.items.indexOf(event.item);
    if (user < 0) unknownUsers.add(event.user);
    if (item < 0) unknownItems.add(event.item);
    if (user < 0 || item < 0) continue;
    if (train.matrix.has(user, item)) {
      pairsAlsoInTrain++;
      continue;
    }
    kept.push(event);
  }
  // Build test in the train index space: mappings are passed in and every id is known.
  const test = buildInteractions(kept, {
    users: train.users,
    items: train.items,
    ...(duplicates === undefined ? {} : { duplicates }),
  }).matrix;
  return {
    train,
    test,
    trainEvents,
    testEvents,
    dropped: {
      events: testEvents.length - kept.length,
      users: unknownUsers.size,
      items: unknownItems.size,
      pairsAlsoInTrain,
    },
  };
}
