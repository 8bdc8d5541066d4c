import { invalidValue } from './errors.js';

function finite(values: ArrayLike<number>, name: string, where: string): number[] {
  const out = Array.from(values);
  if (out.length === 0) throw invalidValue(name, where, 'at least one value', '[]');
  out.forEach((v, i) => {
    if (!Number.isFinite(v)) throw invalidValue(name, where, 'finite numbers', `${v} at index ${i}`);
  });
  return out;
}

/**
 * Population stability index of `actual` against `expected` (e.g. training) values:
 * Σ (a_i - e_i) ln(a_i / e_i) over `bins` bins cut at the expected values' quantiles, with
 * empty-bin shares floored at `epsilon` (1e-4) so the log stays finite. Rules of thumb:
 * < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 large shift.
 *
 * @example
 * populationStabilityIndex(trainIncomes, todayIncomes); // 0.02
 */
export function populationStabilityIndex(expected: ArrayLike<number>, actual: ArrayLike<number>, { bins = 10, epsilon = 1e-4 } = {}): number {
  const e = finite(expected, 'expected', 'populationStabilityIndex').sort((a, b) => a - b);
  const a = finite(actual, 'actual', 'populationStabilityIndex');
  if (!(Number.isInteger(bins) && bins >= 2)) throw invalidValue('bins', 'populationStabilityIndex', 'an integer >= 2', bins);
  // Interior cut points at the expected quantiles (duplicates collapse for discrete features).
  const cuts = [...new Set(Array.from({ length: bins - 1 }, (_, k) => e[Math.floor(((k + 1) * e.length) / bins)]!))];
  const binOf = (v: number) => {
    let lo = 0;
    let hi = cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v < cuts[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const expectedCounts = new Array<number>(cuts.length + 1).fill(0);
  const actualCounts = new Array<number>(cuts.length + 1).fill(0);
  for (const v of e) expectedCounts[binOf(v)]!++;
  for (const v of a) actualCounts[binOf(v)]!++;
  let psi = 0;
  for (let b = 0; b < expectedCounts.length; b++) {
    const ep = Math.max(expectedCounts[b]! / e.length, epsilon);
    const ap = Math.max(actualCounts[b]! / a.length, epsilon);
    psi += (ap - ep) * Math.log(ap / ep);
  }
  return psi;
}

/**
 * Two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs.
 *
 * @example
 * ksStatistic([1, 2, 3], [1, 2, 3]); // 0
 */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = finite(a, 'a', 'ksStatistic').sort((p, q) => p - q);
  const y = finite(b, 'b', 'ksStatistic').sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let gap = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    gap = Math.max(gap, Math.abs(i / x.length - j / y.length));
  }
  return gap;
}
