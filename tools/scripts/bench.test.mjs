import { describe, expect, it } from 'vitest';
import { formatTable, interleavedRounds, median, percentile, ratios } from './bench.mjs';

describe('bench helpers', () => {
  it('median and nearest-rank percentiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 0.5)).toBe(50);
    expect(percentile(hundred, 0.99)).toBe(99);
    expect(percentile(hundred, 1)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
    expect(() => median([])).toThrow('median of an empty list');
  });

  it('interleaved rounds rotate who goes first and keep results in round order', async () => {
    const order = [];
    let tick = 0;
    const results = await interleavedRounds(
      { a: () => (order.push('a'), ++tick), b: async () => (order.push('b'), ++tick), c: () => (order.push('c'), ++tick) },
      { rounds: 3 },
    );
    expect(order.join('')).toBe('abcbcacab');
    expect(results).toEqual({ a: [1, 6, 8], b: [2, 4, 9], c: [3, 5, 7] });
    expect(ratios([2, 9], [1, 3])).toEqual([2, 3]);
  });

  it('with minMs, adds rounds until that much time has passed, up to maxRounds', async () => {
    // More rounds than `rounds` while time is left, capped by maxRounds...
    expect((await interleavedRounds({ a: () => 1 }, { rounds: 1, minMs: 10_000, maxRounds: 4 })).a).toHaveLength(4);
    // ...stopped by the time (each call takes >= 10 ms, so 100 rounds would take >= 1 s), and
    // never fewer than `rounds`, however slow the machine is.
    const timed = await interleavedRounds({ a: () => new Promise((resolve) => setTimeout(() => resolve(1), 10)) }, { rounds: 2, minMs: 40, maxRounds: 100 });
    expect(timed.a.length).toBeGreaterThanOrEqual(2);
    expect(timed.a.length).toBeLessThan(100);
    // Without minMs, exactly `rounds`.
    expect((await interleavedRounds({ a: () => 1 }, { rounds: 3 })).a).toHaveLength(3);
  });

  it('formats a table with numbers right-aligned', () => {
    expect(formatTable([{ model: 'mlp', 'rows/s': 1200 }, { model: 'lstm-small', 'rows/s': 35 }])).toBe(
      ['model       rows/s', '----------  ------', 'mlp           1200', 'lstm-small      35'].join('\n'),
    );
  });
});
