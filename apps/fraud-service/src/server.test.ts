import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { formatAttributions, TabularEncoder } from '@loom-ml/fraud-detection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel, riskiestRow } from '../test/fixture-bundle.js';
import { closingRequest, rawRequest } from '../test/raw-http.js';
import { createFraudServer } from './server.js';
import { numericRanges } from './transactions.js';

const fixture = await fixtureModel();
const { server, monitor } = createFraudServer(fixture.bundle, { maxBodyBytes: 64 * 1024 });
const threshold = fixture.bundle.threshold.value;
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (body: string, type = 'application/json'): Promise<Response> => fetch(`${base}/score`, { method: 'POST', headers: { 'content-type': type }, body });
const loan = fixture.rows[0]!;
const encoder = TabularEncoder.fromJSON(fixture.bundle.encoder);
const expectedScore = (row: Record<string, unknown>) => fixture.model.predictProba(encoder.transform([row]))[0]!;

describe('POST /score', () => {
  it('scores one transaction like LogisticRegression.predictProba and explains it by perturbation', async () => {
    const response = await post(JSON.stringify({ id: 'loan-1', ...loan }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.id).toBe('loan-1');
    expect(body.score).toBeCloseTo(expectedScore(loan), 6); // float32 weights, same formula
    expect(body.decision).toBe(body.score >= threshold ? 'review' : 'accept');
    expect(body.threshold).toBe(threshold);
    expect(body.topAttributions).toHaveLength(3);
    const magnitudes = body.topAttributions.map((a: { attribution: number }) => Math.abs(a.attribution));
    expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
    // Each attribution is the log-odds minus the log-odds with that column at its training median/mode.
    const logit = (p: number) => Math.log(p / (1 - p));
    expect(body.explanationScale).toBe('log-odds');
    for (const { feature, attribution, baseline } of body.topAttributions) {
      expect(baseline).toEqual(fixture.bundle.baseline[feature]);
      expect(attribution).toBeCloseTo(logit(expectedScore(loan)) - logit(expectedScore({ ...loan, [feature]: baseline })), 5);
    }
    expect(body.explanation).toBe(formatAttributions(body.topAttributions));
    expect(body.unknownCategories).toBeUndefined();
    // The second, unsupervised signal: the saved isolation forest's score of the same encoded loan.
    expect(body.anomalyScore).toBe(fixture.forest.score(encoder.transform([loan]))[0]);
  });

  it('flags the riskiest loan for review', async () => {
    const body = await (await post(JSON.stringify(riskiestRow(fixture)))).json();
    expect(body.score).toBeGreaterThanOrEqual(threshold);
    expect(body.decision).toBe('review');
    expect(monitor.alerts[0]!.explanation).toBe(body.explanation);
    expect(monitor.alerts[0]!.anomalyScore).toBe(body.anomalyScore);
  });

  it('scores a batch in order, with ids, an unseen category and a missing (null) number', async () => {
    const transactions = [
      { id: 1, ...fixture.rows[1] },
      { id: 2, ...fixture.rows[2], addr_state: 'Atlantis', int_rate: null },
    ];
    const response = await post(JSON.stringify({ transactions }));
    expect(response.status).toBe(200);
    const { results } = await response.json();
    expect(results.map((r: { id: number }) => r.id)).toEqual([1, 2]);
    expect(results[0].score).toBeCloseTo(expectedScore(fixture.rows[1]!), 6);
    expect(results[1].score).toBeCloseTo(expectedScore({ ...fixture.rows[2], addr_state: 'Atlantis', int_rate: null }), 6);
    expect(results[1].unknownCategories).toEqual(['addr_state']);
  });

  const wrongType = { ...loan, int_rate: 'high' };
const intRate = numericRanges(fixture.bundle.encoder).get('int_rate')!;
const intRateExpected = `Expected a number from ${intRate.min} to ${intRate.max} (the training mean ± 1000 standard deviations) or null.`;
  const { term: _term, ...missingTerm } = loan;
  it.each([
    ['a wrong type', JSON.stringify(wrongType), 'application/json', 400, `Invalid value for \`int_rate\` in POST /score. ${intRateExpected} Received: 'high'.`],
    ['a missing field', JSON.stringify(missingTerm), 'application/json', 400, 'Invalid value for `term` in POST /score. Expected a string (the field is missing). Received: nothing.'],
    ['a number for a category', JSON.stringify({ ...loan, term: 36 }), 'application/json', 400, 'Invalid value for `term` in POST /score. Expected a string of at most 100 characters. Received: 36.'],
    ['one wrong field and the rest missing', JSON.stringify({ int_rate: 'high' }), 'application/json', 400, `Invalid value for \`int_rate\` in POST /score. ${intRateExpected} Received: 'high'.`],
    ['a bad id', JSON.stringify({ ...loan, id: { x: 1 } }), 'application/json', 400, 'Invalid value for `id` in POST /score. Expected a string of at most 100 characters or a number. Received: {"x":1}.'],
    ['a bad field in a batch', JSON.stringify({ transactions: [loan, wrongType] }), 'application/json', 400, `Invalid value for \`transactions[1].int_rate\` in POST /score. ${intRateExpected} Received: 'high'.`],
    ['a non-object in a batch', JSON.stringify({ transactions: [loan, 5] }), 'application/json', 400, 'Invalid value for `transactions[1]` in POST /score. Expected a JSON object with the loan fields. Received: 5.'],
    ['an empty batch', JSON.stringify({ transactions: [] }), 'application/json', 400, "Invalid value for `transactions` in POST /score. Expected an array of 1 to 1000 transaction objects. Received: '0 items'."],
    ['a non-array batch', JSON.stringify({ transactions: 'all' }), 'application/json', 400, "Invalid value for `transactions` in POST /score. Expected an array of 1 to 1000 transaction objects. Received: 'all'."],
    ['a JSON array', '[1, 2]', 'application/json', 400, 'Invalid value for `body` in POST /score. Expected a JSON object with the loan fields. Received: [1, 2].'],
    ['malformed JSON', '{"funded_amnt": 1', 'application/json', 400, "Invalid value for `body` in POST /score. Expected valid JSON. Received: '{\"funded_amnt\": 1'."],
    ['an empty body', '', 'application/json', 400, "Invalid value for `body` in POST /score. Expected valid JSON. Received: ''."],
    ['a non-JSON content type', 'funded_amnt=1', 'text/plain', 415, "Invalid value for `content-type` in POST /score. Expected 'application/json' (optionally with '; charset=utf-8'). Received: 'text/plain'."],
  ])('rejects %s with a 4xx and a message naming the field', async (_label, body, type, status, message) => {
    const response = await post(body, type);
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: message });
  });

  it('rejects a body over the limit with 413', async () => {
    const transactions = Array.from({ length: 200 }, () => loan); // about 110 kB > 64 kB
    const response = await post(JSON.stringify({ transactions }));
    expect([response.status, (await response.json()).error]).toEqual([413, 'Request body too large: more than 65536 bytes.']);
  });

  it('rejects 1001 transactions', async () => {
    const big = createFraudServer(fixture.bundle); // default 1 MiB limit
    await new Promise<void>((resolve) => big.server.listen(0, '127.0.0.1', resolve));
    const small = { ...loan, addr_state: 'CA' };
    const response = await fetch(`http://127.0.0.1:${(big.server.address() as AddressInfo).port}/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transactions: Array(1001).fill(small) }),
    });
    expect([response.status, (await response.json()).error]).toEqual([400, "Invalid value for `transactions` in POST /score. Expected an array of 1 to 1000 transaction objects. Received: '1001 items'."]);
    await new Promise<void>((resolve) => big.server.close(() => resolve()));
  });
});

describe('other routes', () => {
  it('serves the dashboard page and health', async () => {
    let response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('<h1>Credit-risk scoring service</h1>');
    response = await fetch(`${base}/health`);
    const health = await response.json();
    expect([response.status, health.status, health.threshold, health.trainedAt]).toEqual([200, 'ok', threshold, fixture.bundle.trainedAt]);
  });

  it('serves the dashboard data: test-split curves and histograms, recent scores, drift rows and alerts', async () => {
    const response = await fetch(`${base}/api/summary`);
    expect(response.status).toBe(200);
    const summary = await response.json();
    const { evaluation } = fixture.bundle;
    expect(summary.model).toMatchObject({ threshold, rocAuc: evaluation.rocAuc, testRows: evaluation.rows, testPositives: evaluation.positives });
    expect(summary.scores.testGood.reduce((a: number, b: number) => a + b, 0) + summary.scores.testBad.reduce((a: number, b: number) => a + b, 0)).toBe(evaluation.rows);
    expect(summary.scores.recent.reduce((a: number, b: number) => a + b, 0)).toBe(4); // the transactions scored above
    expect(summary.prCurve.precision.length).toBe(summary.prCurve.recall.length);
    expect(summary.drift).toHaveLength(22);
    // Too few transactions for a PSI; int_rate counts 3 because one loan sent it as null (missing).
    expect(summary.drift.every((d: { psi: unknown; count: number; feature: string }) => d.psi === null && d.count === (d.feature === 'int_rate' ? 3 : 4))).toBe(true);
    expect(summary.alerts.length).toBe(summary.totals.alerts);
    expect((await fetch(`${base}/health`, { method: 'HEAD' })).status).toBe(200);
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    let response = await fetch(`${base}/nope`);
    expect([response.status, (await response.json()).error]).toEqual([404, 'Not found: /nope. Routes: POST /score, GET /health, GET /metrics, GET /.']);
    response = await fetch(`${base}/score`);
    expect([response.status, response.headers.get('allow'), (await response.json()).error]).toEqual([405, 'POST', 'Method GET is not allowed on /score; use POST.']);
    response = await fetch(`${base}/metrics`, { method: 'DELETE' });
    expect([response.status, response.headers.get('allow'), (await response.json()).error]).toEqual([405, 'GET', 'Method DELETE is not allowed on /metrics; use GET.']);
  });

  it('exposes Prometheus metrics: requests by status, latency and score histograms, alerts, drift', async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const value = (line: string) => Number(text.split('\n').find((l) => l.startsWith(`${line} `))?.slice(line.length + 1));
    // The requests of the tests above: 3 scored, 12 rejected with 400, one 415, one 413 (the 1001-item batch went to another server).
    expect(value('fraud_http_requests_total{route="/score",method="POST",status="200"}')).toBe(3);
    expect(value('fraud_http_requests_total{route="/score",method="POST",status="400"}')).toBe(12);
    expect(value('fraud_http_requests_total{route="/score",method="POST",status="415"}')).toBe(1);
    expect(value('fraud_http_requests_total{route="/score",method="POST",status="413"}')).toBe(1);
    expect(value('fraud_http_requests_total{route="other",method="GET",status="404"}')).toBe(1);
    expect(value('fraud_http_requests_total{route="/score",method="GET",status="405"}')).toBe(1);
    const scoreRequests = 3 + 12 + 1 + 1;
    expect(value('fraud_http_request_duration_seconds_count{route="/score"}')).toBe(scoreRequests + 1); // + the GET 405
    expect(value('fraud_http_request_duration_seconds_bucket{route="/score",le="+Inf"}')).toBe(scoreRequests + 1);
    expect(value('fraud_score_count')).toBe(4); // 1 + 1 + a batch of 2
    expect(value('fraud_score_bucket{le="+Inf"}')).toBe(4);
    expect(value('fraud_transactions_scored_total')).toBe(4);
    expect(value('fraud_alerts_total')).toBe(monitor.alertsTotal);
    expect(value('fraud_alerts_total')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('# TYPE fraud_http_request_duration_seconds histogram');
    expect(text).not.toContain('fraud_feature_psi{'); // 4 transactions: too few for drift
  });

  it('never crashes: garbage on the socket, an aborted upload, and a seeded barrage of bad bodies', async () => {
    const { port } = server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
    });
    expect(raw.startsWith('HTTP/1.1 400 Bad Request')).toBe(true);
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('POST /score HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{"funded_amnt": ');
        setTimeout(() => socket.destroy(), 50);
      });
      socket.on('close', () => resolve());
    });
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const pieces = ['{', '}', '[', ']', '"transactions"', ':', ',', 'null', '1e999', '-0', '"int_rate"', '"x"', 'true', '{"__proto__": 1}', '\u0000', '"\\ud800"'];
    const statuses = new Set<number>();
    for (let i = 0; i < 150; i++) {
      const body = Array.from({ length: 1 + Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      statuses.add((await post(body)).status);
    }
    for (const partial of [{ ...loan, funded_amnt: Number.MAX_VALUE * 0 - Infinity }, { ...loan, int_rate: [1] }, { ...loan, term: null }, { __proto__: null }]) {
      statuses.add((await post(JSON.stringify(partial))).status);
    }
    expect([...statuses].every((s) => s === 200 || s === 400)).toBe(true);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  }, 30_000);
});

/** A server on an ephemeral loopback port with the given options; closed after the test file. */
async function startServer(options: Parameters<typeof createFraudServer>[1] = {}) {
  const started = createFraudServer(fixture.bundle, options);
  await new Promise<void>((resolve) => started.server.listen(0, '127.0.0.1', resolve));
  const port = (started.server.address() as AddressInfo).port;
  servers.push(started.server);
  return { ...started, port, url: `http://127.0.0.1:${port}` };
}
const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))));

describe('issue 18: hostile requests end in a 4xx, never a crash', () => {
  // Item 1: each of these ended the process with "TypeError: Invalid URL" from new URL(request.url).
  it.each(['//', '///', '//[', '//:99999', '//evil.example/score'])('GET %s is a 404 and the service keeps running', async (path) => {
    const answer = await rawRequest(serverPort(), closingRequest('GET', path));
    expect(answer.status).toBe(404);
    expect(answer.text).toContain(`"error":"Not found: ${path}. Routes: POST /score, GET /health, GET /metrics, GET /."`);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('answers a request target that is not a path with 400', async () => {
    const answer = await rawRequest(serverPort(), closingRequest('OPTIONS', '*'));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("Invalid value for `request target` in the request line. Expected a path such as /health. Received: '*'.");
  });

  // Item 10.
  it('refuses numbers outside the field range (1e308 scored NaN and answered 500)', async () => {
    const range = numericRanges(fixture.bundle.encoder).get('annual_inc')!;
    let response = await post(JSON.stringify({ ...loan, annual_inc: 1e308 }));
    expect([response.status, (await response.json()).error]).toEqual([
      400,
      `Invalid value for \`annual_inc\` in POST /score. Expected a number from ${range.min} to ${range.max} (the training mean ± 1000 standard deviations) or null. Received: 1e+308.`,
    ]);
    const extremes = Object.fromEntries(Object.entries(loan).map(([k, v], i) => [k, typeof v === 'number' ? (i % 2 ? 1e308 : -1e308) : v]));
    response = await post(JSON.stringify(extremes));
    expect(response.status).toBe(400);
    // The edges themselves are fine, and score finitely.
    response = await post(JSON.stringify({ ...loan, annual_inc: range.max, funded_amnt: numericRanges(fixture.bundle.encoder).get('funded_amnt')!.min }));
    expect(response.status).toBe(200);
    expect(Number.isFinite((await response.json()).score)).toBe(true);
  });

  it.each([
    ['arrays', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['a batch', JSON.stringify({ transactions: [{ ...loan, id: 'x' }] }).replace('"x"', '['.repeat(5000) + ']'.repeat(5000))],
  ])('refuses JSON nested 10,000 deep (%s) with 400 (the error formatter overflowed the stack: 500)', async (_label, body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/^Invalid value for `body` in POST \/score\. Expected JSON nested at most 8 levels deep\. Received: '.{80}…' \(\d+ characters\)\.$/);
  });

  it.each(['application/jsonfoo', 'application/json-seq', 'text/json', 'application/json; charset=latin1'])('refuses content type %s with 415', async (type) => {
    const response = await post(JSON.stringify(loan), type);
    expect(response.status).toBe(415);
    expect((await response.json()).error).toBe(`Invalid value for \`content-type\` in POST /score. Expected 'application/json' (optionally with '; charset=utf-8'). Received: '${type}'.`);
  });

  it('accepts application/json with a UTF-8 charset, and refuses bytes that are not UTF-8', async () => {
    expect((await post(JSON.stringify(loan), 'application/json; charset=UTF-8')).status).toBe(200);
    const response = await fetch(`${base}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) });
    expect([response.status, (await response.json()).error]).toEqual([400, "Invalid value for `body` in POST /score. Expected UTF-8 text. Received: '7 bytes that are not UTF-8'."]);
  });

  // Item 5: a 1 MB category was scored and kept in the drift window (2,600 requests held 2.5 GB).
  it('refuses a category or id longer than 100 characters, quoting only the start of it', async () => {
    const { url } = await startServer(); // the default 1 MiB body limit
    const post = (body: string) => fetch(`${url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const huge = 'A'.repeat(1024 * 1024 - 2000);
    let response = await post(JSON.stringify({ ...loan, addr_state: huge }));
    expect([response.status, (await response.json()).error]).toEqual([
      400,
      `Invalid value for \`addr_state\` in POST /score. Expected a string of at most 100 characters. Received: '${'A'.repeat(80)}…' (${huge.length} characters).`,
    ]);
    response = await post(JSON.stringify({ ...loan, id: 'i'.repeat(101) }));
    expect(response.status).toBe(400);
    response = await post(JSON.stringify({ ...loan, addr_state: 'Z'.repeat(100), id: 'i'.repeat(100) }));
    expect(response.status).toBe(200);
  });
});

describe('issue 18 item 6: access control and limits', () => {
  const key = 'test-key-0123456789abcdef';

  it('answers a Host outside the allowlist with 403 (DNS rebinding) and accepts the loopback names', async () => {
    const { port } = await startServer();
    let answer = await rawRequest(port, closingRequest('GET', '/api/summary', { host: 'evil.example' }));
    expect(answer.status).toBe(403);
    expect(answer.text).toContain("Invalid value for `host` in the request headers. Expected one of localhost, 127.0.0.1, [::1] (set --allowed-hosts to serve other names). Received: 'evil.example'.");
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
      answer = await rawRequest(port, closingRequest('GET', '/health', { host }));
      expect(answer.status).toBe(200);
    }
    const custom = await startServer({ allowedHosts: ['scores.example'] });
    expect((await rawRequest(custom.port, closingRequest('GET', '/health', { host: 'scores.example:443' }))).status).toBe(200);
    expect((await rawRequest(custom.port, closingRequest('GET', '/health', { host: 'localhost' }))).status).toBe(403);
  });

  it('requires the API key, when one is set, on /score, /metrics and /api/summary', async () => {
    const { url } = await startServer({ apiKey: key });
    const body = JSON.stringify(loan);
    let response = await fetch(`${url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect([response.status, response.headers.get('www-authenticate'), response.headers.get('connection'), (await response.json()).error]).toEqual([
      401,
      'Bearer realm="loom"',
      'close', // the unread body is not left on a kept-alive connection
      "Missing API key for POST /score: send the header 'Authorization: Bearer <key>'.",
    ]);
    response = await fetch(`${url}/score`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-key-0123456789' }, body });
    expect([response.status, response.headers.get('www-authenticate'), (await response.json()).error]).toEqual([
      401,
      'Bearer realm="loom", error="invalid_token"',
      "Invalid API key for POST /score: send the header 'Authorization: Bearer <key>'.",
    ]);
    response = await fetch(`${url}/score`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
    expect(response.status).toBe(200);
    for (const path of ['/metrics', '/api/summary']) {
      expect((await fetch(`${url}${path}`)).status).toBe(401);
      expect((await fetch(`${url}${path}`, { headers: { authorization: `bearer ${key}` } })).status).toBe(200);
    }
    // The page and liveness stay open; the model details of /health need the key.
    expect((await fetch(`${url}/`)).status).toBe(200);
    expect(Object.keys(await (await fetch(`${url}/health`)).json())).toEqual(['status', 'uptimeSeconds']);
    expect(Object.keys(await (await fetch(`${url}/health`, { headers: { authorization: `Bearer ${key}` } })).json())).toEqual(['status', 'trainedAt', 'threshold', 'uptimeSeconds']);
  });

  it('limits each client with a token bucket: a batch pays per transaction, then 429 with Retry-After', async () => {
    // 0.1 token per second: the bucket barely refills while the test runs, however slow the machine.
    const { url } = await startServer({ rateLimit: 0.1, rateBurst: 1001 });
    const batch = JSON.stringify({ transactions: Array.from({ length: 1000 }, () => loan) });
    expect((await fetch(`${url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: batch })).status).toBe(200); // 1000 tokens
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${url}/health`);
      answers.push({ status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() });
    }
    expect(answers.map((a) => a.status)).toEqual([200, 429, 429]); // 1 token was left
    const wait = Number(answers[2]!.retryAfter);
    expect(Number.isInteger(wait) && wait >= 1 && wait <= 10).toBe(true); // (1 − what refilled) / 0.1 per second
    expect(answers[2]!.body.error).toBe(`Too many requests: the limit is 0.1 per second per client (bursts of 1001). Retry in ${wait} s.`);
    expect(() => createFraudServer(fixture.bundle, { rateBurst: 999 })).toThrow('Invalid value for `rateBurst` in the server options. Expected an integer >= 1001, so a full batch of 1000 can pass. Received: 999.');
  });

  it('closes connections beyond the per-client limit on arrival and counts them in /metrics', async () => {
    const { port, url, guard } = await startServer({ maxConnectionsPerClient: 2 });
    const held = await Promise.all([0, 1].map(() => openSocket(port)));
    const third = await rawRequest(port, closingRequest('GET', '/health'), { timeoutMs: 1000 });
    expect([third.status, third.closed]).toEqual([null, true]);
    held.forEach((socket) => socket.destroy());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    expect(guard.refusedConnections).toBe(1);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('\nfraud_connections_refused_total 1\n');
  });

  it('closes a connection whose headers never finish (slowloris) after headersTimeoutMs, with 408', async () => {
    const { port } = await startServer({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const started = performance.now();
    const answer = await rawRequest(port, 'GET /health HTTP/1.1\r\nhost: localhost\r\nx-slow: 1', { timeoutMs: 3000 });
    expect([answer.status, answer.closed]).toEqual([408, true]);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('answers oversized headers with 431', async () => {
    const { port } = await startServer({ maxHeaderBytes: 2048 });
    const answer = await rawRequest(port, closingRequest('GET', '/health', { headers: { 'x-big': 'b'.repeat(4096) } }));
    expect(answer.status).toBe(431);
  });
});

function serverPort(): number {
  return (server.address() as AddressInfo).port;
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
  });
}
