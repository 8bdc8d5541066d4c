import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { formatAttributions } from '@loom-ml/fraud-detection';
import { DASHBOARD_HTML } from './dashboard-page.js';
import { AppError, invalidValue } from './errors.js';
import { createScorer, type ModelBundle, type Scorer } from './model-bundle.js';
import { Monitor, type MonitorOptions } from './monitor.js';
import { renderPrometheus } from './prometheus.js';
import { parseScoreRequest } from './transactions.js';

export interface ServerOptions extends MonitorOptions {
  /** Largest request body accepted. Default 1 MiB (a full batch of 1000 loans is about 600 kB). */
  maxBodyBytes?: number;
  /** Attributions returned per scored transaction. Default 3. */
  topAttributions?: number;
}

/** Routes and the methods each accepts (anything else on a known path is a 405). */
const ROUTES: Record<string, string> = { '/': 'GET', '/health': 'GET', '/metrics': 'GET', '/api/summary': 'GET', '/score': 'POST' };

/**
 * The scoring service (node:http, no framework):
 * - `POST /score` — one loan object, or `{ "transactions": [...] }` (1 to 1000): score, decision
 *   ('review' at or above the threshold, else 'accept') and the top attributions of each;
 * - `GET /health` — liveness and the model in use; `GET /metrics` — Prometheus text;
 * - `GET /` — the dashboard page, which reads `GET /api/summary`.
 * Bad input gets a 4xx JSON `{ "error": "Invalid value for ..." }`; nothing a client sends can
 * crash the process.
 *
 * @example
 * const { server } = createFraudServer(await loadBundle('runs/latest'));
 * server.listen(3000);
 */
export function createFraudServer(bundle: ModelBundle, options: ServerOptions = {}): { server: Server; monitor: Monitor; scorer: Scorer } {
  const scorer = createScorer(bundle);
  const monitor = new Monitor(bundle, options);
  const server = createServer((request, response) => {
    const started = performance.now();
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const route = path in ROUTES ? path : 'other';
    response.on('finish', () => monitor.recordRequest(route, request.method ?? '', response.statusCode, (performance.now() - started) / 1000));
    handle(scorer, monitor, options, path, request, response).catch((error: unknown) => {
      if (response.headersSent || response.destroyed) return;
      if (error instanceof AppError) {
        const headers: Record<string, string> = {};
        if (error.status === 405) headers.allow = ROUTES[path]!;
        // An oversized body may still be arriving: answer, then close the connection.
        if (error.status === 413) headers.connection = 'close';
        send(response, error.status, { error: error.message }, headers);
      } else {
        console.error(error);
        send(response, 500, { error: 'Internal error.' });
      }
    });
  });
  // Malformed HTTP (not even a request line) never reaches the handler: answer 400 and close.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  return { server, monitor, scorer };
}

async function handle(scorer: Scorer, monitor: Monitor, options: ServerOptions, path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const allowed = ROUTES[path];
  if (allowed === undefined) throw new AppError(`Not found: ${path}. Routes: POST /score, GET /health, GET /metrics, GET /.`, 404);
  if (request.method !== allowed && !(allowed === 'GET' && request.method === 'HEAD')) {
    throw new AppError(`Method ${request.method} is not allowed on ${path}; use ${allowed}.`, 405);
  }
  const { bundle } = scorer;
  if (path === '/') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(DASHBOARD_HTML);
  } else if (path === '/health') {
    send(response, 200, { status: 'ok', trainedAt: bundle.trainedAt, threshold: bundle.threshold.value, uptimeSeconds: Math.round((Date.now() - monitor.startedAt) / 1000) });
  } else if (path === '/metrics') {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    response.end(renderPrometheus(monitor));
  } else if (path === '/api/summary') {
    send(response, 200, summary(bundle, monitor));
  } else {
    const body = await readJson(request, options.maxBodyBytes ?? 1024 * 1024);
    const parsed = parseScoreRequest(body, bundle.schema);
    const results = parsed.rows.map((row, i) => scoreOne(scorer, monitor, row, parsed.ids[i], options.topAttributions ?? 3));
    send(response, 200, parsed.batch ? { results } : results[0]);
  }
}

function scoreOne(scorer: Scorer, monitor: Monitor, row: Record<string, unknown>, id: string | number | undefined, top: number) {
  const { bundle } = scorer;
  const { score: logOdds, attributions } = scorer.explain(row);
  const score = 1 / (1 + Math.exp(-logOdds));
  const anomalyScore = scorer.anomalyScores([row])[0]!;
  const topAttributions = attributions.slice(0, top);
  const decision = score >= bundle.threshold.value ? 'review' : 'accept';
  const explanation = formatAttributions(topAttributions);
  const unknownCategories = bundle.schema.categorical.filter((column) => !bundle.encoder.categories[column]!.includes(String(row[column])));
  monitor.recordScore(row, score);
  if (decision === 'review') monitor.recordAlert({ time: new Date().toISOString(), id, score, anomalyScore, threshold: bundle.threshold.value, explanation, attributions: topAttributions });
  return {
    ...(id === undefined ? {} : { id }),
    score,
    decision,
    threshold: bundle.threshold.value,
    explanation,
    // Attributions are changes in the log-odds of a bad loan against the training median/mode loan.
    explanationScale: 'log-odds',
    topAttributions,
    // A second, unsupervised signal: how unusual the loan is next to the training loans (isolation
    // forest, (0, 1], higher = more unusual). Not a probability of a bad loan; it does not move the decision.
    anomalyScore,
    ...(unknownCategories.length > 0 ? { unknownCategories } : {}),
  };
}

function summary(bundle: ModelBundle, monitor: Monitor) {
  const { evaluation } = bundle;
  const bins = evaluation.scoreHistogram.good.length;
  const recent = new Array<number>(bins).fill(0);
  for (const score of monitor.recentScores) recent[Math.min(bins - 1, Math.floor(score * bins))]!++;
  return {
    model: {
      trainedAt: bundle.trainedAt,
      threshold: bundle.threshold.value,
      rule: bundle.threshold.rule,
      rocAuc: evaluation.rocAuc,
      averagePrecision: evaluation.averagePrecision,
      precisionAtThreshold: evaluation.precisionAtThreshold,
      recallAtThreshold: evaluation.recallAtThreshold,
      testRows: evaluation.rows,
      testPositives: evaluation.positives,
    },
    anomaly: { rocAuc: bundle.anomaly.rocAuc, averagePrecision: bundle.anomaly.averagePrecision, trainingQuantiles: bundle.anomaly.trainingQuantiles },
    scores: { edges: evaluation.scoreHistogram.edges, testGood: evaluation.scoreHistogram.good, testBad: evaluation.scoreHistogram.bad, recent },
    prCurve: { ...evaluation.prCurve, operatingPoint: { precision: evaluation.precisionAtThreshold, recall: evaluation.recallAtThreshold } },
    drift: monitor.drift(),
    driftMinimum: monitor.minimumForDrift,
    alerts: monitor.alerts,
    totals: { scored: monitor.scoredTotal, alerts: monitor.alertsTotal },
  };
}

async function readJson(request: IncomingMessage, limit: number): Promise<unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) throw invalidValue('content-type', 'POST /score', "'application/json'", type, 415);
  const tooLarge = () => new AppError(`Request body too large: more than ${limit} bytes.`, 413);
  if (Number(request.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw invalidValue('body', 'POST /score', 'valid JSON', text);
  }
}

function send(response: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(payload));
}
