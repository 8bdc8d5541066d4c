import { populationStabilityIndex, type FeatureAttribution, type TabularRow } from '@loom-ml/fraud-detection';
import { invalidValue } from './errors.js';
import type { ServedBundle } from './model-bundle.js';

/** Upper bounds (seconds) of the request-latency histogram buckets. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Upper bounds of the score histogram buckets. */
export const SCORE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

export interface Alert {
  time: string;
  id: string | number | undefined;
  score: number;
  /** The isolation forest's anomaly score of the loan (unsupervised; not a probability); absent for an imported model. */
  anomalyScore?: number;
  threshold: number;
  /** One line for the analyst, e.g. "int_rate +0.21, sub_grade +0.12". */
  explanation: string;
  attributions: FeatureAttribution[];
}

export interface DriftRow {
  feature: string;
  kind: 'numeric' | 'categorical';
  /** Population stability index of recent traffic against training; null until enough traffic. */
  psi: number | null;
  /** Recent values it is computed on. */
  count: number;
  /**
   * PSI expected from sampling alone, with no drift: about (bins − 1)(1/n + 1/n_reference),
   * since PSI ≈ Σ (a − e)² / e, a chi-square statistic divided by the sample size. With 50
   * states and 100 transactions it is already 0.5, so a PSI near it is noise, not drift.
   */
  noise: number | null;
}

export interface Histogram {
  /** Cumulative counts per bucket upper bound (Prometheus `le`), then +Inf. */
  buckets: number[];
  sum: number;
  count: number;
}

export interface MonitorOptions {
  /** Recent transactions kept for drift. Default 2000. */
  window?: number;
  /** Recent alerts kept for the dashboard. Default 50. */
  alerts?: number;
  /** Fewest recent values before a PSI is reported. Default 500. */
  minimumForDrift?: number;
}

const EPSILON = 1e-4;

function newHistogram(bounds: readonly number[]): Histogram {
  return { buckets: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 };
}

function observe(histogram: Histogram, bounds: readonly number[], value: number): void {
  for (let k = 0; k < bounds.length; k++) if (value <= bounds[k]!) histogram.buckets[k]!++;
  histogram.buckets[bounds.length]!++;
  histogram.sum += value;
  histogram.count++;
}

/** Σ (a − e) ln(a / e) over categories (expected shares and actual counts, index-aligned) plus the unseen bin; shares floored at 1e-4. */
function psiFromCounts(expected: readonly number[], counts: ArrayLike<number>, unseen: number, total: number): number {
  let psi = 0;
  const term = (e: number, a: number) => {
    const ep = Math.max(e, EPSILON);
    const ap = Math.max(a, EPSILON);
    return (ap - ep) * Math.log(ap / ep);
  };
  for (let k = 0; k < expected.length; k++) psi += term(expected[k]!, counts[k]! / total);
  // The unseen bin: no training share. Empty on both sides, it adds nothing.
  if (unseen > 0) psi += term(0, unseen / total);
  return psi;
}

/**
 * PSI over categories: Σ (a − e) ln(a / e), shares floored at 1e-4; unseen categories pool into
 * one bin. Only the shares' own keys are categories, so values such as `constructor` or
 * `__proto__` are ordinary (unseen or seen) categories, never inherited object properties.
 *
 * @example
 * categoricalPsi({ a: 0.5, b: 0.5 }, ['a', 'a', 'a', 'b']); // 0.2747
 */
export function categoricalPsi(expectedShares: Readonly<Record<string, number>>, actual: readonly string[]): number {
  const entries = Object.entries(expectedShares);
  const index = new Map(entries.map(([key], k) => [key, k]));
  const counts = new Array<number>(entries.length).fill(0);
  let unseen = 0;
  for (const value of actual) {
    const k = index.get(value);
    if (k === undefined) unseen++;
    else counts[k]!++;
  }
  return psiFromCounts(
    entries.map(([, share]) => share),
    counts,
    unseen,
    actual.length,
  );
}

/**
 * The service's in-memory monitoring state: request counts by route and status, latency and
 * score histograms, the recent alerts with their explanations, and a window of recent
 * transactions for drift against the training distributions.
 *
 * Memory is bounded whatever clients send: the window is a ring of typed arrays (8 bytes per
 * numeric field, 4 per categorical field as an index into the training categories, unseen ones
 * sharing one index, 8 per score), about 330 kB for the default 2,000 transactions of 22
 * fields; no client string is kept in it. Alerts keep at most `alerts` entries, whose strings
 * the request validation caps (100 characters).
 *
 * @example
 * const monitor = new Monitor(bundle);
 * monitor.recordRequest('/score', 'POST', 200, 0.004);
 */
export class Monitor {
  readonly requests = new Map<string, number>();
  readonly latency = new Map<string, Histogram>();
  readonly scores = newHistogram(SCORE_BUCKETS);
  readonly alerts: Alert[] = [];
  alertsTotal = 0;
  scoredTotal = 0;
  readonly startedAt = Date.now();
  private readonly window: number;
  private readonly maxAlerts: number;
  readonly minimumForDrift: number;
  /** The ring: slot `next` is overwritten next; `filled` slots hold transactions. */
  private next = 0;
  private filled = 0;
  private readonly numericWindow: Float64Array[];
  private readonly categoryWindow: Int32Array[];
  private readonly scoreWindow: Float64Array;
  /** Per categorical feature: training category → index (unseen categories take index = size). */
  private readonly categoryIndex: Map<string, number>[];
  private readonly categoryShares: number[][];
  /** Bins each feature's PSI uses: distinct training-quantile cuts + 1, or categories + the unseen bin. */
  private readonly bins = new Map<string, number>();
  private readonly referenceSize = new Map<string, number>();

  constructor(
    private readonly bundle: Pick<ServedBundle, 'schema' | 'reference'>,
    options: MonitorOptions = {},
  ) {
    this.window = options.window ?? 2000;
    this.maxAlerts = options.alerts ?? 50;
    this.minimumForDrift = options.minimumForDrift ?? 500;
    for (const [name, value] of [
      ['window', this.window],
      ['alerts', this.maxAlerts],
      ['minimumForDrift', this.minimumForDrift],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 1 || value > 1_000_000) throw invalidValue(name, 'Monitor', 'an integer from 1 to 1000000', value);
    }
    const { schema, reference } = bundle;
    this.numericWindow = schema.numeric.map(() => new Float64Array(this.window));
    this.categoryWindow = schema.categorical.map(() => new Int32Array(this.window));
    this.scoreWindow = new Float64Array(this.window);
    this.categoryIndex = schema.categorical.map((feature) => new Map(Object.keys(reference.categorical[feature]!).map((key, k) => [key, k])));
    this.categoryShares = schema.categorical.map((feature) => Object.values(reference.categorical[feature]!));
    for (const feature of schema.numeric) {
      const values = reference.numeric[feature]!;
      // The same cut points populationStabilityIndex takes: 10 quantile bins, duplicates merged.
      const sorted = [...values].sort((a, b) => a - b);
      this.bins.set(feature, new Set(Array.from({ length: 9 }, (_, k) => sorted[Math.floor(((k + 1) * sorted.length) / 10)])).size + 1);
      this.referenceSize.set(feature, values.length);
    }
    schema.categorical.forEach((feature, c) => {
      this.bins.set(feature, this.categoryShares[c]!.length + 1);
      this.referenceSize.set(feature, reference.trainingRows);
    });
  }

  recordRequest(route: string, method: string, status: number, seconds: number): void {
    const key = JSON.stringify([route, method, status]);
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let histogram = this.latency.get(route);
    if (histogram === undefined) this.latency.set(route, (histogram = newHistogram(LATENCY_BUCKETS)));
    observe(histogram, LATENCY_BUCKETS, seconds);
  }

  /** Adds a scored transaction to the window (its numbers and category indices only; the row itself is not kept). */
  recordScore(row: TabularRow, score: number): void {
    observe(this.scores, SCORE_BUCKETS, score);
    this.scoredTotal++;
    const slot = this.next;
    const { schema } = this.bundle;
    schema.numeric.forEach((feature, f) => {
      const value = row[feature];
      this.numericWindow[f]![slot] = typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN;
    });
    schema.categorical.forEach((feature, c) => {
      const index = this.categoryIndex[c]!;
      this.categoryWindow[c]![slot] = index.get(String(row[feature])) ?? index.size;
    });
    this.scoreWindow[slot] = score;
    this.next = (slot + 1) % this.window;
    this.filled = Math.min(this.filled + 1, this.window);
  }

  /** Scores of the recent window, oldest first (the dashboard's live histogram). */
  get recentScores(): number[] {
    return this.ordered(this.scoreWindow);
  }

  /** The window's values of one ring array, oldest first. */
  private ordered<T extends Float64Array | Int32Array>(ring: T): number[] {
    const start = this.filled < this.window ? 0 : this.next;
    return Array.from({ length: this.filled }, (_, k) => ring[(start + k) % this.window]!);
  }

  recordAlert(alert: Alert): void {
    this.alertsTotal++;
    this.alerts.unshift(alert);
    if (this.alerts.length > this.maxAlerts) this.alerts.pop();
  }

  /** PSI of each feature: the recent window of traffic against the training distribution. */
  drift(): DriftRow[] {
    const { schema, reference } = this.bundle;
    const rows: DriftRow[] = [];
    schema.numeric.forEach((feature, f) => {
      const values = this.ordered(this.numericWindow[f]!).filter((v) => !Number.isNaN(v));
      const psi = values.length >= this.minimumForDrift ? populationStabilityIndex(reference.numeric[feature]!, values) : null;
      rows.push({ feature, kind: 'numeric', psi, count: values.length, noise: this.noise(feature, values.length) });
    });
    schema.categorical.forEach((feature, c) => {
      const shares = this.categoryShares[c]!;
      const counts = new Array<number>(shares.length + 1).fill(0);
      const ring = this.categoryWindow[c]!;
      for (let k = 0; k < this.filled; k++) counts[ring[k]!]!++;
      const count = this.filled;
      const psi = count >= this.minimumForDrift ? psiFromCounts(shares, counts, counts[shares.length]!, count) : null;
      rows.push({ feature, kind: 'categorical', psi, count, noise: this.noise(feature, count) });
    });
    return rows;
  }

  private noise(feature: string, count: number): number | null {
    return count === 0 ? null : (this.bins.get(feature)! - 1) * (1 / count + 1 / this.referenceSize.get(feature)!);
  }
}
