import type { HttpGuard } from './http-guard.js';
import { LATENCY_BUCKETS, SCORE_BUCKETS, type Histogram, type Monitor } from './monitor.js';

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (pairs: Record<string, string | number>) =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(String(v))}"`)
    .join(',')}}`;

function histogramLines(name: string, bounds: readonly number[], histogram: Histogram, extra: Record<string, string> = {}): string[] {
  const lines = bounds.map((bound, k) => `${name}_bucket${labels({ ...extra, le: bound })} ${histogram.buckets[k]}`);
  lines.push(`${name}_bucket${labels({ ...extra, le: '+Inf' })} ${histogram.buckets[bounds.length]}`);
  const suffix = Object.keys(extra).length > 0 ? labels(extra) : '';
  lines.push(`${name}_sum${suffix} ${histogram.sum}`, `${name}_count${suffix} ${histogram.count}`);
  return lines;
}

/**
 * The monitor in Prometheus text exposition format (version 0.0.4): request counts by route,
 * method and status, latency histograms per route, the score histogram, alert and scored
 * counters, each feature's PSI against training, and (given the server's guard) connections
 * refused by the connection limits.
 *
 * @example
 * response.end(renderPrometheus(monitor, guard));
 */
export function renderPrometheus(monitor: Monitor, guard?: HttpGuard): string {
  const lines: string[] = [];
  lines.push('# HELP fraud_http_requests_total HTTP requests by route, method and status.', '# TYPE fraud_http_requests_total counter');
  for (const [key, count] of [...monitor.requests].sort()) {
    const [route, method, status] = JSON.parse(key) as [string, string, number];
    lines.push(`fraud_http_requests_total${labels({ route, method, status })} ${count}`);
  }
  lines.push('# HELP fraud_http_request_duration_seconds Request latency from arrival to the end of the response.', '# TYPE fraud_http_request_duration_seconds histogram');
  for (const [route, histogram] of [...monitor.latency].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(...histogramLines('fraud_http_request_duration_seconds', LATENCY_BUCKETS, histogram, { route }));
  }
  lines.push('# HELP fraud_score Risk scores of scored transactions.', '# TYPE fraud_score histogram');
  lines.push(...histogramLines('fraud_score', SCORE_BUCKETS, monitor.scores));
  lines.push('# HELP fraud_transactions_scored_total Transactions scored.', '# TYPE fraud_transactions_scored_total counter', `fraud_transactions_scored_total ${monitor.scoredTotal}`);
  lines.push('# HELP fraud_alerts_total Transactions at or above the review threshold.', '# TYPE fraud_alerts_total counter', `fraud_alerts_total ${monitor.alertsTotal}`);
  lines.push('# HELP fraud_feature_psi Population stability index of recent traffic against training (absent until enough traffic).', '# TYPE fraud_feature_psi gauge');
  for (const row of monitor.drift()) if (row.psi !== null) lines.push(`fraud_feature_psi${labels({ feature: row.feature })} ${row.psi}`);
  if (guard !== undefined) {
    lines.push('# HELP fraud_connections_refused_total Connections closed on arrival by the connection limits (total or per client).', '# TYPE fraud_connections_refused_total counter', `fraud_connections_refused_total ${guard.refusedConnections}`);
  }
  return `${lines.join('\n')}\n`;
}
