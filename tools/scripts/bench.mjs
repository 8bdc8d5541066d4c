// Shared helpers of the packages' benchmarks (plain JavaScript, no dependencies): the median
// and percentiles, interleaved rounds, the machine and load lines every result is printed with,
// and a fixed-width table. Benches import it by path (../../../tools/scripts/bench.mjs): they
// run only in this repository, never from a published package.
import os from 'node:os';

/**
 * The median of a list of numbers (the mean of the two middle values for an even count).
 * @param {readonly number[]} values
 * @returns {number}
 */
export function median(values) {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The nearest-rank percentile (`fraction` 0.99 is p99) of a list of numbers.
 * @param {readonly number[]} values
 * @param {number} fraction in [0, 1]
 * @returns {number}
 */
export function percentile(values, fraction) {
  if (values.length === 0) throw new Error('percentile of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

/**
 * Runs every contender once per round, rotating who goes first each round, so a slow spell on a
 * shared machine hits every contender alike. Returns each contender's results in round order
 * (same keys as `contenders`); compare contenders with `ratios` (the per-round ratios).
 * `rounds` rounds at least; with `minMs`, more rounds follow until that many milliseconds have
 * passed since the first round began, up to `maxRounds` (default `rounds`).
 * @template T
 * @param {Record<string, () => T | Promise<T>>} contenders
 * @param {{ rounds: number, minMs?: number, maxRounds?: number }} options
 * @returns {Promise<Record<string, T[]>>}
 */
export async function interleavedRounds(contenders, { rounds, minMs = 0, maxRounds = rounds }) {
  const names = Object.keys(contenders);
  const results = Object.fromEntries(names.map((name) => [name, []]));
  const start = performance.now();
  for (let round = 0; round < Math.max(rounds, maxRounds) && (round < rounds || performance.now() - start < minMs); round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      results[name].push(await contenders[name]());
    }
  }
  return results;
}

/**
 * Per-round ratios `a[i] / b[i]` of two contenders' results from the same rounds.
 * @param {readonly number[]} a
 * @param {readonly number[]} b
 */
export function ratios(a, b) {
  return a.map((value, i) => value / b[i]);
}

/** The 1, 5 and 15 minute load averages, e.g. '1.52 1.31 1.20'. */
export function loadAverage() {
  return os.loadavg().map((value) => value.toFixed(2)).join(' ');
}

/** One line naming the machine: Node version, cores, date, load average. */
export function machineLine() {
  return `Node ${process.version}, ${os.cpus().length} cores, ${new Date().toISOString()}, load average ${loadAverage()}`;
}

/**
 * Formats rows (objects with the same keys) as a fixed-width text table, numbers right-aligned.
 * @param {readonly Record<string, unknown>[]} rows
 * @returns {string}
 */
export function formatTable(rows) {
  if (rows.length === 0) return '';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((column) => (row[column] === undefined ? '' : String(row[column]))));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i].length)));
  const numeric = columns.map((column) => rows.every((row) => row[column] === undefined || typeof row[column] === 'number'));
  const pad = (text, i) => (numeric[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  return [columns.map(pad).join('  '), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map((line) => line.map(pad).join('  '))]
    .map((line) => line.trimEnd())
    .join('\n');
}

/** Prints `formatTable(rows)`. */
export function printTable(rows) {
  console.log(formatTable(rows));
}
