import { populationStabilityIndex, type FeatureAttribution, type TabularRow } from '@loom-ml/fraud-detection';
import type { ModelBundle } from './model-bundle.js';

/** Upper bounds (seconds) of the request-latency histogram buckets. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Upper bounds of the score histogram buckets. */
export const SCORE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

export interface Alert {
  time: string;
  id: string | number | undefined;
  score: number;
  /** The isolation forest's anomaly score of the loan (unsupervised; not a probability). */
  anomalyScore: number;
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

/**
 * PSI over categories: Σ (a − e) ln(a / e), shares floored at 1e-4; unseen categories pool into one bin.
 *
 * @example
 * categoricalPsi({ a: 0.5, b: 0.5 }, ['a', 'a', 'a', 'b']); // 0.2747
 */
export function categoricalPsi(expectedShares: Readonly<Record<string, number>>, actual: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const value of actual) {
    const key = value in expectedShares ? value : '<other>';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let psi = 0;
  for (const key of new Set([...Object.keys(expectedShares), ...counts.keys()])) {
    const e = Math.max(expectedShares[key] ?? 0, EPSILON);
    const a = Math.max((counts.get(key) ?? 0) / actual.length, EPSILON);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/**
 * The service's in-memory monitoring state: request counts by route and status, latency and
 * score histograms, the recent alerts with their explanations, and a window of recent
 * transactions for drift against the training distributions.
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
  private readonly recent: TabularRow[] = [];
  /** Scores of the same recent window, for the dashboard's live histogram. */
  readonly recentScores: number[] = [];
  private readonly window: number;
  private readonly maxAlerts: number;
  readonly minimumForDrift: number;
  /** Bins each feature's PSI uses: distinct training-quantile cuts + 1, or categories + the unseen bin. */
  private readonly bins = new Map<string, number>();
  private readonly referenceSize = new Map<string, number>();

  constructor(
    private readonly bundle: ModelBundle,
    options: MonitorOptions = {},
  ) {
    this.window = options.window ?? 2000;
    this.maxAlerts = options.alerts ?? 50;
    this.minimumForDrift = options.minimumForDrift ?? 500;
    for (const [feature, values] of Object.entries(bundle.reference.numeric)) {
      // The same cut points populationStabilityIndex takes: 10 quantile bins, duplicates merged.
      const sorted = [...values].sort((a, b) => a - b);
      this.bins.set(feature, new Set(Array.from({ length: 9 }, (_, k) => sorted[Math.floor(((k + 1) * sorted.length) / 10)])).size + 1);
      this.referenceSize.set(feature, values.length);
    }
    for (const [feature, shares] of Object.entries(bundle.reference.categorical)) {
      this.bins.set(feature, Object.keys(shares).length + 1);
      this.referenceSize.set(feature, bundle.reference.trainingRows);
    }
  }

  recordRequest(route: string, method: string, status: number, seconds: number): void {
    const key = JSON.stringify([route, method, status]);
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let histogram = this.latency.get(route);
    if (histogram === undefined) this.latency.set(route, (histogram = newHistogram(LATENCY_BUCKETS)));
    observe(histogram, LATENCY_BUCKETS, seconds);
  }

  recordScore(row: TabularRow, score: number): void {
    observe(this.scores, SCORE_BUCKETS, score);
    this.scoredTotal++;
    this.recent.push(row);
    this.recentScores.push(score);
    if (this.recent.length > this.window) {
      this.recent.shift();
      this.recentScores.shift();
    }
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
    for (const feature of schema.numeric) {
      const values = this.recent.map((r) => r[feature]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      const psi = values.length >= this.minimumForDrift ? populationStabilityIndex(reference.numeric[feature]!, values) : null;
      rows.push({ feature, kind: 'numeric', psi, count: values.length, noise: this.noise(feature, values.length) });
    }
    for (const feature of schema.categorical) {
      const values = this.recent.map((r) => String(r[feature]));
      const psi = values.length >= this.minimumForDrift ? categoricalPsi(reference.categorical[feature]!, values) : null;
      rows.push({ feature, kind: 'categorical', psi, count: values.length, noise: this.noise(feature, values.length) });
    }
    return rows;
  }

  private noise(feature: string, count: number): number | null {
    return count === 0 ? null : (this.bins.get(feature)! - 1) * (1 / count + 1 / this.referenceSize.get(feature)!);
  }
}
