import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppError, invalidValue } from './errors.js';
import { HttpGuard, parseRequestTarget, readJsonBody, resolveGuardOptions, sendError, sendJson as send, type GuardOptions, type RequestTarget } from './http-guard.js';
import type { ModelBundle } from './model-bundle.js';
import { PAGE_HTML } from './page.js';
import { recommendForLikes } from './recommend.js';

/** Defaults of the per-client rate limit: requests per second and bucket size (a person on the page makes about one a second). */
export const RECS_RATE_DEFAULTS = { rateLimit: 10, rateBurst: 30 };

/** Longest search text, in characters. */
export const MAX_QUERY_LENGTH = 100;

export interface RecommendServerOptions extends GuardOptions {
  /** Largest request body accepted. Default 64 KiB (a list of liked movie ids is tiny). */
  maxBodyBytes?: number;
  /** Deepest nesting of the JSON body. Default 4 (`{ "likes": [...] }` needs 2). */
  maxJsonDepth?: number;
}

/** Routes and the method each accepts (anything else on a known path is a 405). */
const ROUTES = new Map([
  ['/', 'GET'],
  ['/api/movies', 'GET'],
  ['/api/recommend', 'POST'],
]);
/** Routes that need the API key when one is set. */
const PROTECTED = new Set(['/api/movies', '/api/recommend']);

/**
 * The app's HTTP server (node:http, no framework):
 * - `GET /` — the web page;
 * - `GET /api/movies?q=toy&limit=10` — title search, most rated first;
 * - `POST /api/recommend` with `{ "likes": [1, 3114], "k": 10 }` — recommendations for a new visitor.
 * Bad input gets a 4xx JSON `{ "error": "Invalid value for ..." }`; nothing a client sends can
 * crash the process. Limits, the per-client rate limit, the Host allowlist and the optional API
 * key (required on the two /api routes when set) come from `options` (see the README's Security
 * section for the defaults).
 *
 * @example
 * const server = createRecommendServer(await loadBundle('runs/latest'), { apiKey: process.env.LOOM_API_KEY });
 * server.listen(3000, '127.0.0.1');
 */
export function createRecommendServer(bundle: ModelBundle, options: RecommendServerOptions = {}): Server & { guard: HttpGuard } {
  const guard = new HttpGuard(resolveGuardOptions(options, RECS_RATE_DEFAULTS));
  const limits = { maxBytes: options.maxBodyBytes ?? 64 * 1024, maxDepth: options.maxJsonDepth ?? 4 };
  const server = guard.createServer((request, response) => {
    let path = '';
    const run = async () => {
      const target = parseRequestTarget(request.url);
      path = target.path;
      guard.admit(request);
      await handle(bundle, guard, limits, target, request, response);
    };
    run().catch((error: unknown) => sendError(request, response, error, error instanceof AppError && error.status === 405 ? { allow: ROUTES.get(path)! } : {}));
  });
  return Object.assign(server, { guard });
}

async function handle(bundle: ModelBundle, guard: HttpGuard, limits: { maxBytes: number; maxDepth: number }, { path, query }: RequestTarget, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const allowed = ROUTES.get(path);
  if (allowed === undefined) throw new AppError(`Not found: ${path.length > 100 ? `${path.slice(0, 100)}…` : path}.`, 404);
  if (request.method !== allowed && !(allowed === 'GET' && request.method === 'HEAD')) {
    throw new AppError(`Method ${request.method} is not allowed on ${path}.`, 405);
  }
  if (PROTECTED.has(path)) guard.authorize(request, `${allowed} ${path}`);
  if (path === '/') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });
    response.end(PAGE_HTML);
  } else if (path === '/api/movies') {
    const where = 'GET /api/movies';
    const text = query.get('q') ?? '';
    if (text.trim() === '') throw invalidValue('q', where, 'a non-empty search text', text);
    if (text.length > MAX_QUERY_LENGTH) throw invalidValue('q', where, `a search text of at most ${MAX_QUERY_LENGTH} characters`, text);
    const limitText = query.get('limit') ?? '10';
    const limit = /^\d{1,2}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= 50)) throw invalidValue('limit', where, 'an integer from 1 to 50', limitText);
    send(response, 200, { movies: bundle.catalog.search(text, limit) });
  } else {
    const where = 'POST /api/recommend';
    const body = await readJsonBody(request, { ...limits, where });
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidValue('body', where, 'a JSON object { "likes": [movie ids], "k": 10 }', body);
    const { likes, k = 10 } = body as { likes?: unknown; k?: unknown };
    if (!Array.isArray(likes) || likes.length === 0 || likes.length > 100 || !likes.every((id) => Number.isSafeInteger(id) && id >= 0)) {
      throw invalidValue('likes', where, 'an array of 1 to 100 integer movie ids', likes ?? null);
    }
    if (!Number.isInteger(k) || (k as number) < 1 || (k as number) > 50) throw invalidValue('k', where, 'an integer from 1 to 50', k);
    send(response, 200, {
      likes: (likes as number[]).map((id) => bundle.catalog.view(id)),
      recommendations: recommendForLikes(bundle, likes as number[], k as number, where),
    });
  }
}
