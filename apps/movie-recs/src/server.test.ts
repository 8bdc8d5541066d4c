import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBundle } from '../test/fixture-bundle.js';
import { closingRequest, rawRequest } from '../test/raw-http.js';
import { createRecommendServer } from './server.js';

// The rate limit (10/s per client by default) is off here: these tests send dozens of requests at once from one address; a test below checks the limiter.
const server = createRecommendServer(await fixtureBundle(), { rateLimit: 0 });
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (body: string, type = 'application/json'): Promise<Response> =>
  fetch(`${base}/api/recommend`, { method: 'POST', headers: { 'content-type': type }, body });

describe('HTTP server', () => {
  it('serves the page', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('<h1>Pick movies you like, get recommendations</h1>');
  });

  it('searches movies', async () => {
    const response = await fetch(`${base}/api/movies?q=alien`);
    expect(response.status).toBe(200);
    expect((await response.json()).movies.map((m: { id: number }) => m.id).sort()).toEqual([5, 6]);
  });

  it('recommends for liked movie ids', async () => {
    const response = await post(JSON.stringify({ likes: [5, 6], k: 2 }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.likes.map((m: { title: string }) => m.title)).toEqual(['Alien (1979)', 'Aliens (1986)']);
    expect(body.recommendations).toHaveLength(2);
    for (const movie of body.recommendations) expect([7, 8]).toContain(movie.id); // the rest of the sci-fi group
    expect(typeof body.recommendations[0].score).toBe('number');
  });

  it.each([
    ['{"likes": []}', 'application/json', 400, 'Invalid value for `likes` in POST /api/recommend. Expected an array of 1 to 100 integer movie ids. Received: [].'],
    ['{"likes": ["Alien"]}', 'application/json', 400, 'Invalid value for `likes` in POST /api/recommend. Expected an array of 1 to 100 integer movie ids. Received: [\'Alien\'].'],
    ['{"likes": [5], "k": 0}', 'application/json', 400, 'Invalid value for `k` in POST /api/recommend. Expected an integer from 1 to 50. Received: 0.'],
    ['{"likes": [4242]}', 'application/json', 400, 'Invalid value for `likes` in POST /api/recommend. Expected known movie ids. Received: 4242.'],
    ['{"likes": [5', 'application/json', 400, "Invalid value for `body` in POST /api/recommend. Expected valid JSON. Received: '{\"likes\": [5'."],
    ['[1, 2]', 'application/json', 400, 'Invalid value for `body` in POST /api/recommend. Expected a JSON object { "likes": [movie ids], "k": 10 }. Received: [1, 2].'],
    ['likes=5', 'text/plain', 415, "Invalid value for `content-type` in POST /api/recommend. Expected 'application/json' (optionally with '; charset=utf-8'). Received: 'text/plain'."],
    ['{"likes": [5]}', 'application/jsonfoo', 415, "Invalid value for `content-type` in POST /api/recommend. Expected 'application/json' (optionally with '; charset=utf-8'). Received: 'application/jsonfoo'."],
    ['{"likes": [1e308]}', 'application/json', 400, 'Invalid value for `likes` in POST /api/recommend. Expected an array of 1 to 100 integer movie ids. Received: [1e+308].'],
    ['{"likes": [-5]}', 'application/json', 400, 'Invalid value for `likes` in POST /api/recommend. Expected an array of 1 to 100 integer movie ids. Received: [-5].'],
    ['{"likes": [[[[[5]]]]]}', 'application/json', 400, 'Invalid value for `body` in POST /api/recommend. Expected JSON nested at most 4 levels deep. Received: \'{"likes": [[[[[5]]]]]}\'.'],
  ])('rejects %s (%s) with %i and a clear message', async (body, type, status, message) => {
    const response = await post(body, type);
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: message });
  });

  it('rejects a bad search, a huge body, unknown paths and wrong methods', async () => {
    let response = await fetch(`${base}/api/movies?q=%20`);
    expect([response.status, (await response.json()).error]).toEqual([400, "Invalid value for `q` in GET /api/movies. Expected a non-empty search text. Received: ' '."]);
    response = await fetch(`${base}/api/movies?q=${'a'.repeat(101)}`);
    expect([response.status, (await response.json()).error]).toEqual([400, `Invalid value for \`q\` in GET /api/movies. Expected a search text of at most 100 characters. Received: '${'a'.repeat(80)}…' (101 characters).`]);
    for (const limit of ['0x10', '1e1', '', '-1', '51']) {
      response = await fetch(`${base}/api/movies?q=a&limit=${limit}`);
      expect([response.status, (await response.json()).error]).toEqual([400, `Invalid value for \`limit\` in GET /api/movies. Expected an integer from 1 to 50. Received: '${limit}'.`]);
    }
    response = await fetch(`${base}/api/movies?q=a&limit=500`);
    expect([response.status, (await response.json()).error]).toEqual([400, "Invalid value for `limit` in GET /api/movies. Expected an integer from 1 to 50. Received: '500'."]);
    response = await post(JSON.stringify({ likes: Array(40000).fill(5) })); // about 80 kB
    expect([response.status, (await response.json()).error]).toEqual([413, 'Request body too large: more than 65536 bytes.']);
    response = await fetch(`${base}/nope`);
    expect([response.status, (await response.json()).error]).toEqual([404, 'Not found: /nope.']);
    response = await fetch(`${base}/api/recommend`);
    expect([response.status, (await response.json()).error]).toEqual([405, 'Method GET is not allowed on /api/recommend.']);
  });
});

/** A server on an ephemeral loopback port with the given options; closed after the test file. */
async function startServer(options: Parameters<typeof createRecommendServer>[1] = {}) {
  const started = createRecommendServer(await fixtureBundle(), options);
  await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
  const port = (started.address() as AddressInfo).port;
  servers.push(started);
  return { server: started, port, url: `http://127.0.0.1:${port}` };
}
const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

describe('issue 18: hostile requests end in a 4xx, never a crash', () => {
  // Item 1: new URL(request.url) threw for these (a 500 here; the same code ended the fraud service).
  it.each(['//', '///', '//[', '//:99999', '//evil.example/api/movies?q=a'])('GET %s is a 404', async (path) => {
    const answer = await rawRequest(serverPort(), closingRequest('GET', path));
    expect(answer.status).toBe(404);
    expect(answer.text).toContain(`{"error":"Not found: ${path.split('?')[0]}."}`);
    expect((await fetch(`${base}/`)).status).toBe(200);
  });

  it('answers CONNECT and a request target that is not a path with 4xx', async () => {
    expect((await rawRequest(serverPort(), closingRequest('OPTIONS', '*'))).status).toBe(400);
    expect((await rawRequest(serverPort(), 'CONNECT localhost:22 HTTP/1.1\r\nhost: localhost:22\r\n\r\n')).status).toBe(405);
    expect((await rawRequest(serverPort(), 'GET / HTTP/1.1\r\nhost: localhost\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n')).status).toBe(405);
  });

  it('refuses JSON nested 10,000 deep with 400', async () => {
    const response = await post('{"likes":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}');
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/^Invalid value for `body` in POST \/api\/recommend\. Expected JSON nested at most 4 levels deep\. Received: '.{80}…' \(20010 characters\)\.$/);
  });
});

describe('issue 18 item 6: access control and limits', () => {
  const key = 'test-key-0123456789abcdef';

  it('answers a Host outside the allowlist with 403 (DNS rebinding)', async () => {
    const answer = await rawRequest(serverPort(), closingRequest('GET', '/api/movies?q=alien', { host: 'evil.example:3000' }));
    expect(answer.status).toBe(403);
    expect(answer.text).toContain("Invalid value for `host` in the request headers. Expected one of localhost, 127.0.0.1, [::1] (set --allowed-hosts to serve other names). Received: 'evil.example:3000'.");
    expect((await rawRequest(serverPort(), closingRequest('GET', '/api/movies?q=alien', { host: 'localhost:3000' }))).status).toBe(200);
  });

  it('requires the API key, when one is set, on the /api routes; the page stays open', async () => {
    const { url } = await startServer({ apiKey: key });
    let response = await fetch(`${url}/api/movies?q=alien`);
    expect([response.status, response.headers.get('www-authenticate'), (await response.json()).error]).toEqual([
      401,
      'Bearer realm="loom"',
      "Missing API key for GET /api/movies: send the header 'Authorization: Bearer <key>'.",
    ]);
    response = await fetch(`${url}/api/recommend`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope-nope-nope-nope' }, body: '{"likes": [5]}' });
    expect([response.status, response.headers.get('connection')]).toEqual([401, 'close']);
    response = await fetch(`${url}/api/recommend`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: '{"likes": [5]}' });
    expect(response.status).toBe(200);
    expect((await fetch(`${url}/`)).status).toBe(200);
  });

  it('limits each client with a token bucket: 429 with Retry-After', async () => {
    const { url } = await startServer({ rateLimit: 0.1, rateBurst: 3 });
    const answers = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${url}/api/movies?q=alien`);
      answers.push({ status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() });
    }
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    const wait = Number(answers[4]!.retryAfter);
    expect(Number.isInteger(wait) && wait >= 1 && wait <= 10).toBe(true);
    expect(answers[4]!.body.error).toBe(`Too many requests: the limit is 0.1 per second per client (bursts of 3). Retry in ${wait} s.`);
  });

  it('closes connections beyond the per-client limit and slow headers after headersTimeoutMs', async () => {
    const { port, server: limited } = await startServer({ maxConnectionsPerClient: 1, headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const started = performance.now();
    const slow = rawRequest(port, 'GET / HTTP/1.1\r\nhost: localhost\r\nx-slow: 1', { timeoutMs: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await rawRequest(port, closingRequest('GET', '/'), { timeoutMs: 1000 });
    expect([second.status, second.closed]).toEqual([null, true]);
    expect(limited.guard.refusedConnections).toBe(1);
    const first = await slow;
    expect([first.status, first.closed]).toEqual([408, true]);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

function serverPort(): number {
  return (server.address() as AddressInfo).port;
}
