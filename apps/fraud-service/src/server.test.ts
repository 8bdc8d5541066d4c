import { connect, type AddressInfo } from 'node:net';
import { formatAttributions, TabularEncoder } from '@loom-ml/fraud-detection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel, riskiestRow } from '../test/fixture-bundle.js';
import { createFraudServer } from './server.js';

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
  const { term: _term, ...missingTerm } = loan;
  it.each([
    ['a wrong type', JSON.stringify(wrongType), 'application/json', 400, "Invalid value for `int_rate` in POST /score. Expected a finite number or null. Received: 'high'."],
    ['a missing field', JSON.stringify(missingTerm), 'application/json', 400, 'Invalid value for `term` in POST /score. Expected a string (the field is missing). Received: nothing.'],
    ['a number for a category', JSON.stringify({ ...loan, term: 36 }), 'application/json', 400, 'Invalid value for `term` in POST /score. Expected a string. Received: 36.'],
    ['one wrong field and the rest missing', JSON.stringify({ int_rate: 'high' }), 'application/json', 400, "Invalid value for `int_rate` in POST /score. Expected a finite number or null. Received: 'high'."],
    ['a bad id', JSON.stringify({ ...loan, id: { x: 1 } }), 'application/json', 400, 'Invalid value for `id` in POST /score. Expected a string or a number. Received: {"x":1}.'],
    ['a bad field in a batch', JSON.stringify({ transactions: [loan, wrongType] }), 'application/json', 400, "Invalid value for `transactions[1].int_rate` in POST /score. Expected a finite number or null. Received: 'high'."],
    ['a non-object in a batch', JSON.stringify({ transactions: [loan, 5] }), 'application/json', 400, 'Invalid value for `transactions[1]` in POST /score. Expected a JSON object with the loan fields. Received: 5.'],
    ['an empty batch', JSON.stringify({ transactions: [] }), 'application/json', 400, "Invalid value for `transactions` in POST /score. Expected an array of 1 to 1000 transaction objects. Received: '0 items'."],
    ['a non-array batch', JSON.stringify({ transactions: 'all' }), 'application/json', 400, "Invalid value for `transactions` in POST /score. Expected an array of 1 to 1000 transaction objects. Received: 'all'."],
    ['a JSON array', '[1, 2]', 'application/json', 400, 'Invalid value for `body` in POST /score. Expected a JSON object with the loan fields. Received: [1,2].'],
    ['malformed JSON', '{"funded_amnt": 1', 'application/json', 400, "Invalid value for `body` in POST /score. Expected valid JSON. Received: '{\"funded_amnt\": 1'."],
    ['an empty body', '', 'application/json', 400, "Invalid value for `body` in POST /score. Expected valid JSON. Received: ''."],
    ['a non-JSON content type', 'funded_amnt=1', 'text/plain', 415, "Invalid value for `content-type` in POST /score. Expected 'application/json'. Received: 'text/plain'."],
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
