import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { formatAttributions } from '@loom-ml/fraud-detection';
import { DASHBOARD_HTML } from './dashboard-page.js';
import { AppError, invalidValue } from './errors.js';
import { HttpGuard, parseRequestTarget, readJsonBody, resolveGuardOptions, sendError, sendJson as send, type GuardOptions } from './http-guard.js';
import { createScorer, type ModelBundle, type Scorer } from './model-bundle.js';
import { Monitor, type MonitorOptions } from './monitor.js';
import { renderPrometheus } from './prometheus.js';
import { MAX_BATCH, MAX_STRING_LENGTH, numericRanges, parseScoreRequest, type NumericRanges } from './transactions.js';

/** Defaults of the per-client rate limit: tokens per second and bucket size (one token per transaction scored, one per other request). */
export const FRAUD_RATE_DEFAULTS = { rateLimit: 500, rateBurst: 2 * MAX_BATCH };

export interface ServerOptions extends MonitorOptions, GuardOptions {
  /** Largest request body accepted. Default 1 MiB (a full batch of 1000 loans is about 600 kB). */
  maxBodyBytes?: number;
  /** Deepest nesting of the JSON body. Default 8 (a batch needs 3). */
  maxJsonDepth?: number;
  /** Longest category value or string id. Default 100 characters. */
  maxStringLength?: number;
  /** Attributions returned per scored transaction. Default 3. */
  topAttributions?: number;
}

/** Routes and the methods each accepts (anything else on a known path is a 405). */
const ROUTES: Record<string, string> = { '/': 'GET', '/health': 'GET', '/metrics': 'GET', '/api/summary': 'GET', '/score': 'POST' };
/** Routes that need the API key when one is set: everything that scores or shows traffic. */
const PROTECTED = new Set(['/score', '/metrics', '/api/summary']);
/** Transactions scored between two turns of the event loop, so a 1,000-loan batch cannot stall /health. */
const CHUNK = 25;

const allowedMethod = (path: string): string | undefined => (Object.prototype.hasOwnProperty.call(ROUTES, path) ? ROUTES[path] : undefined);

interface Context {
  scorer: Scorer;
  monitor: Monitor;
  guard: HttpGuard;
  ranges: NumericRanges;
  maxBodyBytes: number;
  maxJsonDepth: number;
  maxStringLength: number;
  topAttributions: number;
}

/**
 * The scoring service (node:http, no framework):
 * - `POST /score` — one loan object, or `{ "transactions": [...] }` (1 to 1000): score, decision
 *   ('review' at or above the threshold, else 'accept') and the top attributions of each;
 * - `GET /health` — liveness (and the model in use, to authorised callers); `GET /metrics` — Prometheus text;
 * - `GET /` — the dashboard page, which reads `GET /api/summary`.
 * Bad input gets a 4xx JSON `{ "error": "Invalid value for ..." }`; nothing a client sends can
 * crash the process or grow its memory without bound. Limits, the per-client rate limit, the
 * Host allowlist and the optional API key (required on /score, /metrics and /api/summary when
 * set) come from `options` (see the README's Security section for the defaults).
 *
 * @example
 * const { server } = createFraudServer(await loadBundle('runs/latest'), { apiKey: process.env.LOOM_API_KEY });
 * server.listen(3000, '127.0.0.1');
 * // or a model trained by XGBoost on the columns of encoder.json:
 * createFraudServer(await loadImportedModel('xgboost.json', 'runs/latest/encoder.json'));
 */
export function createFraudServer(model: ModelBundle | Scorer, options: ServerOptions = {}): { server: Server; monitor: Monitor; scorer: Scorer; guard: HttpGuard } {
  const guard = new HttpGuard(resolveGuardOptions(options, FRAUD_RATE_DEFAULTS));
  if (guard.options.rateLimit > 0 && guard.options.rateBurst < MAX_BATCH + 1) {
    throw invalidValue('rateBurst', 'the server options', `an integer >= ${MAX_BATCH + 1}, so a full batch of ${MAX_BATCH} can pass`, guard.options.rateBurst);
  }
  const scorer = 'scoreRows' in model ? model : createScorer(model);
  const { bundle } = scorer;
  const monitor = new Monitor(bundle, options);
  const context: Context = {
    scorer,
    monitor,
    guard,
    ranges: numericRanges(bundle.encoder),
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    maxJsonDepth: options.maxJsonDepth ?? 8,
    maxStringLength: options.maxStringLength ?? MAX_STRING_LENGTH,
    topAttributions: options.topAttributions ?? 3,
  };
  const server = guard.createServer((request, response) => {
    const started = performance.now();
    let route = 'other';
    response.on('finish', () => monitor.recordRequest(route, request.method ?? '', response.statusCode, (performance.now() - started) / 1000));
    let path = '';
    const run = async () => {
      path = parseRequestTarget(request.url).path;
      if (allowedMethod(path) !== undefined) route = path;
      guard.admit(request);
      await handle(context, path, request, response);
    };
    run().catch((error: unknown) => sendError(request, response, error, error instanceof AppError && error.status === 405 ? { allow: ROUTES[path]! } : {}));
  });
  return { server, monitor, scorer, guard };
}

async function handle(context: Context, path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { scorer, monitor, guard } = context;
  const allowed = allowedMethod(path);
  if (allowed === undefined) throw new AppError(`Not found: ${path.length > 100 ? `${path.slice(0, 100)}…` : path}. Routes: POST /score, GET /health, GET /metrics, GET /.`, 404);
  if (request.method !== allowed && !(allowed === 'GET' && request.method === 'HEAD')) {
    throw new AppError(`Method ${request.method} is not allowed on ${path}; use ${allowed}.`, 405);
  }
  if (PROTECTED.has(path)) guard.authorize(request, `${allowed} ${path}`);
  const { bundle } = scorer;
  if (path === '/') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
    response.end(DASHBOARD_HTML);
  } else if (path === '/health') {
    const uptimeSeconds = Math.round((Date.now() - monitor.startedAt) / 1000);
    // The threshold tells an attacker how far to tune a loan: only authorised callers see the model.
    const model = bundle.trainedAt === undefined ? { model: scorer.description } : { trainedAt: bundle.trainedAt };
    send(response, 200, guard.isAuthorized(request) ? { status: 'ok', ...model, threshold: bundle.threshold.value, uptimeSeconds } : { status: 'ok', uptimeSeconds });
  } else if (path === '/metrics') {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    response.end(renderPrometheus(monitor, guard));
  } else if (path === '/api/summary') {
    send(response, 200, summary(scorer, monitor));
  } else {
    const body = await readJsonBody(request, { maxBytes: context.maxBodyBytes, maxDepth: context.maxJsonDepth, where: 'POST /score' });
    const parsed = parseScoreRequest(body, bundle.schema, 'POST /score', { maxStringLength: context.maxStringLength, ranges: context.ranges });
    // One token was taken on arrival; a batch pays one per further transaction.
    if (parsed.rows.length > 1) guard.charge(request, parsed.rows.length - 1);
    const results = [];
    for (let start = 0; start < parsed.rows.length; start += CHUNK) {
      if (start > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (response.destroyed) return; // the client left: stop scoring for nobody
      }
      for (let i = start; i < Math.min(start + CHUNK, parsed.rows.length); i++) {
        results.push(scoreOne(scorer, monitor, parsed.rows[i]!, parsed.ids[i], context.topAttributions));
      }
    }
    send(response, 200, parsed.batch ? { results } : results[0]);
  }
}

function scoreOne(scorer: Scorer, monitor: Monitor, row: Record<string, unknown>, id: string | number | undefined, top: number) {
  const { bundle } = scorer;
  const { score: logOdds, attributions } = scorer.explain(row);
  const score = 1 / (1 + Math.exp(-logOdds));
  const anomalyScore = scorer.anomalyScores?.([row])[0];
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
    // forest, (0, 1], higher = more unusual). Not a probability of a bad loan; it does not move the
    // decision. An imported model has no forest.
    ...(anomalyScore === undefined ? {} : { anomalyScore }),
    ...(unknownCategories.length > 0 ? { unknownCategories } : {}),
  };
}

function summary(scorer: Scorer, monitor: Monitor) {
  const { bundle } = scorer;
  const { evaluation, anomaly } = bundle;
  // An imported model has no test-split evaluation: the score chart shows recent traffic alone.
  const bins = evaluation?.scoreHistogram.good.length ?? 20;
  const recent = new Array<number>(bins).fill(0);
  for (const score of monitor.recentScores) recent[Math.min(bins - 1, Math.floor(score * bins))]!++;
  return {
    model: {
      description: scorer.description,
      trainedAt: bundle.trainedAt ?? null,
      threshold: bundle.threshold.value,
      rule: bundle.threshold.rule,
      rocAuc: evaluation?.rocAuc ?? null,
      averagePrecision: evaluation?.averagePrecision ?? null,
      precisionAtThreshold: evaluation?.precisionAtThreshold ?? null,
      recallAtThreshold: evaluation?.recallAtThreshold ?? null,
      testRows: evaluation?.rows ?? null,
      testPositives: evaluation?.positives ?? null,
    },
    anomaly: anomaly === undefined ? null : { rocAuc: anomaly.rocAuc, averagePrecision: anomaly.averagePrecision, trainingQuantiles: anomaly.trainingQuantiles },
    scores: {
      edges: evaluation?.scoreHistogram.edges ?? Array.from({ length: bins + 1 }, (_, i) => i / bins),
      testGood: evaluation?.scoreHistogram.good ?? null,
      testBad: evaluation?.scoreHistogram.bad ?? null,
      recent,
    },
    prCurve: evaluation === undefined ? null : { ...evaluation.prCurve, operatingPoint: { precision: evaluation.precisionAtThreshold, recall: evaluation.recallAtThreshold } },
    drift: monitor.drift(),
    driftMinimum: monitor.minimumForDrift,
    alerts: monitor.alerts,
    totals: { scored: monitor.scoredTotal, alerts: monitor.alertsTotal },
  };
}
