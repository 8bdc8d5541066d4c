import { describe, expect, it } from 'vitest';
import { fixtureModel } from '../test/fixture-bundle.js';
import { categoricalPsi, Monitor } from './monitor.js';

const fixture = await fixtureModel();

describe('categoricalPsi', () => {
  it('matches Σ (a − e) ln(a / e) by hand, pooling unseen categories', () => {
    // e = {a: .5, b: .5}, a = {a: .75, b: .25}: .25 ln 1.5 + (−.25) ln .5 = 0.274653...
    expect(categoricalPsi({ a: 0.5, b: 0.5 }, ['a', 'a', 'a', 'b'])).toBeCloseTo(0.25 * Math.log(1.5) - 0.25 * Math.log(0.5), 12);
    // An unseen 'z' lands in '<other>' (expected share floored at 1e-4).
    expect(categoricalPsi({ a: 1 }, ['a', 'z'])).toBeCloseTo((0.5 - 1) * Math.log(0.5) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4), 12);
  });

  // Issue 18, item 10: `value in expectedShares` found Object.prototype's `constructor` and
  // `__proto__`, and the PSI became NaN.
  it('treats constructor, __proto__ and friends as ordinary categories (hand-computed)', () => {
    const unseen = (share: number) => (share - 1e-4) * Math.log(share / 1e-4);
    // a: e .5, a .25; b: e .5, a .25; four prototype names unseen: 4/8.
    const values = ['a', 'b', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'a', 'b'];
    expect(categoricalPsi({ a: 0.5, b: 0.5 }, values)).toBeCloseTo(2 * (0.25 - 0.5) * Math.log(0.5) + unseen(0.5), 12);
    // Shares saved to JSON with a category literally named __proto__ (an own key after JSON.parse).
    const shares = JSON.parse('{"__proto__": 0.5, "constructor": 0.5}') as Record<string, number>;
    expect(categoricalPsi(shares, ['__proto__', '__proto__', 'constructor', 'valueOf'])).toBeCloseTo(0 + (0.25 - 0.5) * Math.log(0.5) + unseen(0.25), 12);
  });
});

describe('Monitor', () => {
  it('reports no PSI until the window is large enough, then small PSI for in-distribution traffic and a large one for a shifted column', () => {
    const monitor = new Monitor(fixture.bundle, { window: 800, minimumForDrift: 800 });
    const ordinary = fixture.rows.slice(0, 800);
    ordinary.slice(0, 799).forEach((row) => monitor.recordScore(row, 0.1));
    expect(monitor.drift().every((d) => d.psi === null && d.count === 799)).toBe(true);
    monitor.recordScore(ordinary[799]!, 0.1);
    const calm = new Map(monitor.drift().map((d) => [d.feature, d]));
    // Loans from the same distribution: every PSI within a few times its sampling noise.
    for (const d of calm.values()) expect(d.psi!).toBeLessThan(Math.max(4 * d.noise!, 0.02));
    // Noise for a categorical column with k training categories: (k + 1 − 1)(1/800 + 1/n_train).
    const states = Object.keys(fixture.bundle.reference.categorical.addr_state!).length;
    expect(calm.get('addr_state')!.noise).toBeCloseTo(states * (1 / 800 + 1 / fixture.bundle.reference.trainingRows), 12);

    // Interest rates 8 points higher for the next 800 loans: the window now holds only shifted rows.
    for (const row of ordinary) monitor.recordScore({ ...row, int_rate: Number(row.int_rate) + 8 }, 0.9);
    const shifted = new Map(monitor.drift().map((d) => [d.feature, d]));
    expect(shifted.get('int_rate')!.psi!).toBeGreaterThan(0.25);
    expect(shifted.get('annual_inc')!.psi).toBeCloseTo(calm.get('annual_inc')!.psi!, 12);
    expect(monitor.recentScores).toHaveLength(800);
    expect(monitor.scoredTotal).toBe(1600);
  });

  it('gives a finite PSI when traffic sends prototype names as categories', () => {
    const monitor = new Monitor(fixture.bundle, { window: 100, minimumForDrift: 100 });
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
    fixture.rows.slice(0, 100).forEach((row, i) => monitor.recordScore({ ...row, term: names[i % names.length], sub_grade: names[(i + 1) % names.length] }, 0.2));
    const drift = new Map(monitor.drift().map((d) => [d.feature, d]));
    // Every term is unseen: the unseen bin holds all 100, each training term (share e) adds (1e-4 − e) ln(1e-4 / e).
    const shares = Object.values(fixture.bundle.reference.categorical.term!);
    const expected = shares.reduce((sum, e) => sum + (1e-4 - e) * Math.log(1e-4 / e), 0) + (1 - 1e-4) * Math.log(1 / 1e-4);
    expect(drift.get('term')!.psi).toBeCloseTo(expected, 12);
    expect(Number.isFinite(drift.get('sub_grade')!.psi)).toBe(true);
  });

  // Issue 18, item 5: the window kept whole rows, so 2,000 requests with a 1 MB category held 2 GB.
  it('keeps no client string in its window: categories become indices, unseen ones share one', () => {
    const monitor = new Monitor(fixture.bundle, { window: 50 });
    const long = 'x'.repeat(10_000);
    for (let i = 0; i < 120; i++) monitor.recordScore({ ...fixture.rows[i]!, addr_state: `${long}${i}`, emp_length: '__proto__' }, i / 120);
    expect(JSON.stringify(monitor)).not.toContain(long);
    expect(monitor.recentScores).toEqual(Array.from({ length: 50 }, (_, k) => (70 + k) / 120)); // the newest 50, oldest first
    const drift = new Map(monitor.drift().map((d) => [d.feature, d]));
    expect(drift.get('addr_state')!.count).toBe(50);
    expect(drift.get('funded_amnt')!.count).toBe(50);
  });

  it('keeps the newest alerts first, at most the configured number', () => {
    const monitor = new Monitor(fixture.bundle, { alerts: 2 });
    for (const id of [1, 2, 3]) monitor.recordAlert({ time: '', id, score: 0.9, anomalyScore: 0.5, threshold: 0.5, explanation: '', attributions: [] });
    expect(monitor.alerts.map((a) => a.id)).toEqual([3, 2]);
    expect(monitor.alertsTotal).toBe(3);
  });
});
