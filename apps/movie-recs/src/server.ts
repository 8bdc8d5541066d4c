import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AppError, invalidValue } from './errors.js';
import type { ModelBundle } from './model-bundle.js';
import { PAGE_HTML } from './page.js';
import { recommendForLikes } from './recommend.js';

/** Largest request body accepted (a list of liked movie ids is tiny). */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The app's HTTP server (node:http, no framework):
 * - `GET /` — the web page;
 * - `GET /api/movies?q=toy&limit=10` — title search, most rated first;
 * - `POST /api/recommend` with `{ "likes": [1, 3114], "k": 10 }` — recommendations for a new visitor.
 * Bad input gets a 4xx JSON `{ "error": "Invalid value for ..." }`.
 *
 * @example
 * const server = createRecommendServer(await loadBundle('runs/latest'));
 * server.listen(3000);
 */
export function createRecommendServer(bundle: ModelBundle): Server {
  return createServer((request, response) => {
    handle(bundle, request, response).catch((error: unknown) => {
      if (error instanceof AppError) send(response, error.status, { error: error.message });
      else send(response, 500, { error: 'Internal error.' });
    });
  });
}

async function handle(bundle: ModelBundle, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const route = `${request.method} ${url.pathname}`;
  if (route === 'GET /') {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(PAGE_HTML);
    return;
  }
  if (route === 'GET /api/movies') {
    const query = url.searchParams.get('q') ?? '';
    if (query.trim() === '') throw invalidValue('q', 'GET /api/movies', 'a non-empty search text', query);
    const limit = Number(url.searchParams.get('limit') ?? '10');
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) {
      throw invalidValue('limit', 'GET /api/movies', 'an integer from 1 to 50', url.searchParams.get('limit'));
    }
    send(response, 200, { movies: bundle.catalog.search(query, limit) });
    return;
  }
  if (route === 'POST /api/recommend') {
    const body = await readJson(request);
    const where = 'POST /api/recommend';
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidValue('body', where, 'a JSON object { "likes": [movie ids], "k": 10 }', body);
    const { likes, k = 10 } = body as { likes?: unknown; k?: unknown };
    if (!Array.isArray(likes) || likes.length === 0 || likes.length > 100 || !likes.every((id) => Number.isInteger(id))) {
      throw invalidValue('likes', where, 'an array of 1 to 100 integer movie ids', likes ?? null);
    }
    if (!Number.isInteger(k) || (k as number) < 1 || (k as number) > 50) throw invalidValue('k', where, 'an integer from 1 to 50', k);
    send(response, 200, {
      likes: (likes as number[]).map((id) => bundle.catalog.view(id)),
      recommendations: recommendForLikes(bundle, likes as number[], k as number, where),
    });
    return;
  }
  if (['/', '/api/movies', '/api/recommend'].includes(url.pathname)) {
    throw new AppError(`Method ${request.method} is not allowed on ${url.pathname}.`, 405);
  }
  throw new AppError(`Not found: ${url.pathname}.`, 404);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    throw invalidValue('content-type', 'POST /api/recommend', "'application/json'", type, 415);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new AppError(`Request body too large: more than ${MAX_BODY_BYTES} bytes.`, 413);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw invalidValue('body', 'POST /api/recommend', 'valid JSON', text.length > 40 ? `${text.slice(0, 40)}...` : text);
  }
}

function send(response: ServerResponse, status: number, payload: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(payload));
}
