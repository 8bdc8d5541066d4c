import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBundle } from '../test/fixture-bundle.js';
import { createRecommendServer } from './server.js';

const server = createRecommendServer(await fixtureBundle());
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
    ['{"likes": ["Alien"]}', 'application/json', 400, 'Invalid value for `likes` in POST /api/recommend. Expected an array of 1 to 100 integer movie ids. Received: ["Alien"].'],
    ['{"likes": [5], "k": 0}', 'application/json', 400, 'Invalid value for `k` in POST /api/recommend. Expected an integer from 1 to 50. Received: 0.'],
    ['{"likes": [4242]}', 'application/json', 400, 'Invalid value for `likes` in POST /api/recommend. Expected known movie ids. Received: 4242.'],
    ['{"likes": [5', 'application/json', 400, "Invalid value for `body` in POST /api/recommend. Expected valid JSON. Received: '{\"likes\": [5'."],
    ['[1, 2]', 'application/json', 400, 'Invalid value for `body` in POST /api/recommend. Expected a JSON object { "likes": [movie ids], "k": 10 }. Received: [1,2].'],
    ['likes=5', 'text/plain', 415, "Invalid value for `content-type` in POST /api/recommend. Expected 'application/json'. Received: 'text/plain'."],
  ])('rejects %s (%s) with %i and a clear message', async (body, type, status, message) => {
    const response = await post(body, type);
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: message });
  });

  it('rejects a bad search, a huge body, unknown paths and wrong methods', async () => {
    let response = await fetch(`${base}/api/movies?q=%20`);
    expect([response.status, (await response.json()).error]).toEqual([400, "Invalid value for `q` in GET /api/movies. Expected a non-empty search text. Received: ' '."]);
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
