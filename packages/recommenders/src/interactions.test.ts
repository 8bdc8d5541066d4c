import { describe, expect, it } from 'vitest';
import { buildInteractions } from './interactions.js';

describe('buildInteractions', () => {
  const events = [
    { user: 'ann', item: 'a', value: 3, timestamp: 20 },
    { user: 'bob', item: 'b', timestamp: 5 },
    { user: 'ann', item: 'a', value: 5, timestamp: 10 },
    { user: 'ann', item: 'c', timestamp: 1 },
  ];

  it('maps ids and sums repeated events by default (implicit events count 1)', () => {
    const { users, items, matrix } = buildInteractions(events);
    expect(users.toArray()).toEqual(['ann', 'bob']);
    expect(items.toArray()).toEqual(['a', 'b', 'c']);
    expect(matrix.get(0, 0)).toBe(8);
    expect(matrix.get(1, 1)).toBe(1);
    expect(matrix.get(0, 2)).toBe(1);
    expect(matrix.nnz).toBe(3);
  });

  it('keeps the latest event by timestamp with duplicates: last', () => {
    const { users, items, matrix } = buildInteractions(events, { duplicates: 'last' });
    // The rating 3 at t=20 is later than the rating 5 at t=10, though given first.
    expect(matrix.get(users.indexOf('ann'), items.indexOf('a'))).toBe(3);
  });

  it('rejects a non-finite value naming the event', () => {
    expect(() => buildInteractions([{ user: 1, item: 2, value: Number.POSITIVE_INFINITY }])).toThrow(
      'Invalid value for `events[0].value` in buildInteractions. Expected a finite number. Received: Infinity.',
    );
  });
});
