import { readFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import type { Assistant } from './assistant.js';
import { AppError, invalidValue } from './errors.js';
import type { FeedbackLog } from './feedback.js';
import { HttpGuard, parseRequestTarget, readJsonBody, resolveGuardOptions, sendError, sendJson as send, type GuardOptions } from './http-guard.js';
import type { BundleJSON } from './model-bundle.js';

/** Defaults of the per-client rate limit: requests per second and bucket size (a chat, not a batch API). */
export const SUPPORT_RATE_DEFAULTS = { rateLimit: 20, rateBurst: 40 };
/** Longest query accepted (BANKING77's longest is 433 characters). */
export const MAX_TEXT_LENGTH = 1000;

export interface ServerOptions extends GuardOptions {
  /** Largest request body accepted. Default 16 KiB (a query of 1000 characters is at most 4 kB of UTF-8). */
  maxBodyBytes?: number;
  /** Deepest nesting of the JSON body. Default 4 (the bodies are flat objects). */
  maxJsonDepth?: number;
  /** The built chat page (web/dist); GET / answers how to build it when missing. */
  webRoot?: string;
}

export interface ServedModel {
  assistant: Assistant;
  bundle: BundleJSON;
  /** The files as loaded, served to the chat page under /model/ so it can answer offline. */
  bundleText: string;
  modelBytes: Uint8Array;
  /** The word CNN's network (when bundle.json names one): /model/cnn.loom. */
  cnnBytes?: Uint8Array;
}

/** Routes and the method each accepts (anything else on a known path is a 405). */
const ROUTES: Record<string, string> = { '/': 'GET', '/health': 'GET', '/metrics': 'GET', '/reply': 'POST', '/feedback': 'POST', '/model/bundle.json': 'GET', '/model/model.loom': 'GET', '/model/cnn.loom': 'GET' };
/** Routes that need the API key when one is set: everything that answers, records or shows traffic. */
const PROTECTED = new Set(['/reply', '/feedback', '/metrics', '/model/bundle.json', '/model/model.loom', '/model/cnn.loom']);
/** The page's built files: /assets/<name> with a plain name (no folders, no dot files). */
const ASSET = /^\/assets\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$/;
const ASSET_TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm' };
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const CONFIDENCE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

const allowedMethod = (path: string): string | undefined => (Object.prototype.hasOwnProperty.call(ROUTES, path) ? ROUTES[path] : ASSET.test(path) ? 'GET' : undefined);

class Histogram {
  readonly buckets: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.buckets = new Array<number>(bounds.length + 1).fill(0);
  }
  observe(value: number): void {
    const k = this.bounds.findIndex((bound) => value <= bound);
    this.buckets[k === -1 ? this.bounds.length : k]!++;
    this.sum += value;
    this.count++;
  }
  lines(name: string, labels: string): string[] {
    let cumulative = 0;
    const lines = this.bounds.map((bound, k) => `${name}_bucket{${labels}${labels ? ',' : ''}le="${bound}"} ${(cumulative += this.buckets[k]!)}`);
    lines.push(`${name}_bucket{${labels}${labels ? ',' : ''}le="+Inf"} ${this.count}`, `${name}_sum${labels ? `{${labels}}` : ''} ${this.sum}`, `${name}_count${labels ? `{${labels}}` : ''} ${this.count}`);
    return lines;
  }
}

/** Counters the server keeps for GET /metrics (bounded: routes are the fixed list, or 'other'). */
export class Metrics {
  readonly startedAt = Date.now();
  readonly requests = new Map<string, number>();
  readonly latency = new Map<string, Histogram>();
  readonly replies = { answer: 0, handoff: 0 };
  readonly confidence = new Histogram(CONFIDENCE_BUCKETS);
  feedback = 0;

  recordRequest(route: string, method: string, status: number, seconds: number): void {
    const known = ['GET', 'HEAD', 'POST'].includes(method) ? method : 'other';
    const key = JSON.stringify([route, known, status]);
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let histogram = this.latency.get(route);
    if (histogram === undefined) this.latency.set(route, (histogram = new Histogram(LATENCY_BUCKETS)));
    histogram.observe(seconds);
  }

  /** Prometheus text exposition format, version 0.0.4. */
  render(guard: HttpGuard, feedbackAppended: number): string {
    const lines = ['# HELP support_http_requests_total HTTP requests by route, method and status.', '# TYPE support_http_requests_total counter'];
    for (const [key, count] of [...this.requests].sort()) {
      const [route, method, status] = JSON.parse(key) as [string, string, number];
      lines.push(`support_http_requests_total{route="${route}",method="${method}",status="${status}"} ${count}`);
    }
    lines.push('# HELP support_http_request_duration_seconds Request latency from arrival to the end of the response.', '# TYPE support_http_request_duration_seconds histogram');
    for (const [route, histogram] of [...this.latency].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(...histogram.lines('support_http_request_duration_seconds', `route="${route}"`));
    lines.push('# HELP support_replies_total Replies by kind: answered automatically or handed off to a person.', '# TYPE support_replies_total counter');
    lines.push(`support_replies_total{kind="answer"} ${this.replies.answer}`, `support_replies_total{kind="handoff"} ${this.replies.handoff}`);
    lines.push('# HELP support_reply_confidence Calibrated confidence of the top intent of each reply.', '# TYPE support_reply_confidence histogram', ...this.confidence.lines('support_reply_confidence', ''));
    lines.push('# HELP support_feedback_total Corrections appended to the feedback log.', '# TYPE support_feedback_total counter', `support_feedback_total ${feedbackAppended}`);
    lines.push('# HELP support_connections_refused_total Connections closed on arrival by the connection limits.', '# TYPE support_connections_refused_total counter', `support_connections_refused_total ${guard.refusedConnections}`);
    return `${lines.join('\n')}\n`;
  }
}

interface Context {
  served: ServedModel;
  feedback: FeedbackLog;
  metrics: Metrics;
  guard: HttpGuard;
  maxBodyBytes: number;
  maxJsonDepth: number;
  webRoot: string | undefined;
  intents: Set<string>;
}

/**
 * The support service (node:http, no framework):
 * - `POST /reply` `{ "text": "..." }` — the assistant's reply: an answer, or a hand-off with the
 *   top-3 intents; similar training queries as evidence;
 * - `POST /feedback` `{ "text", "intent", "predicted"?, "source"? }` — appends a corrected intent
 *   to the feedback log (201);
 * - `GET /health`, `GET /metrics` (Prometheus text), and the chat page (`GET /`, `/assets/*`,
 *   `/model/*` for answering in the browser).
 * Bad input gets a 4xx JSON `{ "error": "Invalid value for ..." }`; the limits, the per-client rate
 * limit, the Host allowlist and the optional API key come from `options` (README, Security).
 *
 * @example
 * const { server } = createSupportServer(await loadBundle('runs/latest'), new FeedbackLog('runs/feedback.jsonl'));
 * server.listen(3000, '127.0.0.1');
 */
export function createSupportServer(served: ServedModel, feedback: FeedbackLog, options: ServerOptions = {}): { server: Server; guard: HttpGuard; metrics: Metrics } {
  const guard = new HttpGuard(resolveGuardOptions(options, SUPPORT_RATE_DEFAULTS));
  const metrics = new Metrics();
  const context: Context = {
    served,
    feedback,
    metrics,
    guard,
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024,
    maxJsonDepth: options.maxJsonDepth ?? 4,
    webRoot: options.webRoot,
    intents: new Set(served.bundle.intents),
  };
  const server = guard.createServer((request, response) => {
    const started = performance.now();
    let route = 'other';
    response.on('finish', () => metrics.recordRequest(route, request.method ?? '', response.statusCode, (performance.now() - started) / 1000));
    let path = '';
    const run = async () => {
      path = parseRequestTarget(request.url).path;
      if (allowedMethod(path) !== undefined) route = ASSET.test(path) ? '/assets' : path;
      guard.admit(request);
      await handle(context, path, request, response);
    };
    run().catch((error: unknown) => sendError(request, response, error, error instanceof AppError && error.status === 405 ? { allow: allowedMethod(path)! } : {}));
  });
  return { server, guard, metrics };
}

async function handle(context: Context, path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { served, metrics, guard } = context;
  const allowed = allowedMethod(path);
  if (allowed === undefined) throw new AppError(`Not found: ${path.length > 100 ? `${path.slice(0, 100)}…` : path}. Routes: POST /reply, POST /feedback, GET /health, GET /metrics, GET /.`, 404);
  if (request.method !== allowed && !(allowed === 'GET' && request.method === 'HEAD')) throw new AppError(`Method ${request.method} is not allowed on ${path}; use ${allowed}.`, 405);
  if (PROTECTED.has(path)) guard.authorize(request, `${allowed} ${path}`);
  if (path === '/health') {
    const uptimeSeconds = Math.round((Date.now() - metrics.startedAt) / 1000);
    send(response, 200, guard.isAuthorized(request) ? { status: 'ok', trainedAt: served.bundle.trainedAt, intents: served.bundle.intents.length, threshold: served.bundle.threshold, uptimeSeconds } : { status: 'ok', uptimeSeconds });
  } else if (path === '/metrics') {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    response.end(metrics.render(guard, context.feedback.appended));
  } else if (path === '/reply') {
    const body = await readBody(context, request, '/reply');
    const text = readText(body, 'POST /reply', ['text']);
    const reply = served.assistant.reply([text])[0]!;
    metrics.replies[reply.kind]++;
    metrics.confidence.observe(reply.confidence);
    send(response, 200, reply);
  } else if (path === '/feedback') {
    const body = await readBody(context, request, '/feedback');
    const where = 'POST /feedback';
    const text = readText(body, where, ['text', 'intent', 'predicted', 'source']);
    const intent = readIntent(context, body.intent, 'intent', where);
    const predicted = body.predicted === undefined ? undefined : readIntent(context, body.predicted, 'predicted', where);
    const source = body.source ?? 'customer';
    if (source !== 'customer' && source !== 'agent') throw invalidValue('source', where, "'customer' or 'agent'", source);
    await context.feedback.append({ time: new Date().toISOString(), text, intent, ...(predicted === undefined ? {} : { predicted }), source });
    send(response, 201, { status: 'recorded', intent });
  } else if (path === '/model/bundle.json') {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' });
    response.end(request.method === 'HEAD' ? undefined : served.bundleText);
  } else if (path === '/model/model.loom') {
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' });
    response.end(request.method === 'HEAD' ? undefined : served.modelBytes);
  } else if (path === '/model/cnn.loom' && served.cnnBytes !== undefined) {
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' });
    response.end(request.method === 'HEAD' ? undefined : served.cnnBytes);
  } else {
    await sendPageFile(context, path, request, response);
  }
}

async function readBody(context: Context, request: IncomingMessage, path: string): Promise<Record<string, unknown>> {
  const where = `POST ${path}`;
  const body = await readJsonBody(request, { maxBytes: context.maxBodyBytes, maxDepth: context.maxJsonDepth, where });
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidValue('body', where, 'a JSON object', body);
  return body as Record<string, unknown>;
}

/** The body's `text`, after checking that the body has only the `fields` named. */
function readText(body: Record<string, unknown>, where: string, fields: readonly string[]): string {
  const extra = Object.keys(body).find((key) => !fields.includes(key));
  if (extra !== undefined) throw invalidValue(extra.length > 40 ? `${extra.slice(0, 40)}…` : extra, where, `only the fields ${fields.join(', ')}`, body[extra]);
  const { text } = body;
  if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_TEXT_LENGTH || text.includes('\u0000')) {
    throw invalidValue('text', where, `a string of 1 to ${MAX_TEXT_LENGTH} characters, not only spaces`, typeof text === 'string' && text.length > MAX_TEXT_LENGTH ? `${text.length} characters` : text);
  }
  return text;
}

function readIntent(context: Context, value: unknown, field: string, where: string): string {
  if (typeof value !== 'string' || !context.intents.has(value)) throw invalidValue(field, where, `one of the ${context.intents.size} intent names (GET /model/bundle.json lists them)`, value);
  return value;
}

async function sendPageFile(context: Context, path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (context.webRoot === undefined) throw new AppError('The chat page is not built: run pnpm build:web, then restart pnpm serve.', 404);
  const file = path === '/' ? join(context.webRoot, 'index.html') : join(context.webRoot, 'assets', path.slice('/assets/'.length));
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError(path === '/' ? 'The chat page is not built: run pnpm build:web, then restart pnpm serve.' : `Not found: ${path}.`, 404);
    }
    throw error;
  }
  const type = path === '/' ? 'text/html; charset=utf-8' : (ASSET_TYPES[extname(file)] ?? 'application/octet-stream');
  response.writeHead(200, { 'content-type': type, 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
  response.end(request.method === 'HEAD' ? undefined : content);
}
